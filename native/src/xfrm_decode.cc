#include "xfrm_decode.h"

#include <array>
#include <cstring>

namespace ikegate::xfrm {

namespace {

// The attributes after a message's fixed part, by type (the last of a type wins).
class Attributes {
 public:
  Attributes(const nlmsghdr* message, size_t fixedSize) {
    size_t start = NLMSG_HDRLEN + NLMSG_ALIGN(fixedSize);
    if (message->nlmsg_len < NLMSG_HDRLEN + fixedSize) return;
    ok_ = true;
    const auto* bytes = reinterpret_cast<const uint8_t*>(message);
    size_t offset = start;
    while (offset + NLA_HDRLEN <= message->nlmsg_len) {
      nlattr attr;
      std::memcpy(&attr, bytes + offset, sizeof attr);
      if (attr.nla_len < NLA_HDRLEN || offset + attr.nla_len > message->nlmsg_len) break;
      uint16_t type = attr.nla_type & NLA_TYPE_MASK;
      if (type < found_.size()) found_[type] = {bytes + offset + NLA_HDRLEN, static_cast<size_t>(attr.nla_len - NLA_HDRLEN)};
      offset += NLA_ALIGN(attr.nla_len);
    }
  }

  bool ok() const { return ok_; }
  const uint8_t* data(uint16_t type) const { return found_[type].data; }
  size_t size(uint16_t type) const { return found_[type].size; }

  // A fixed-size attribute, if present and long enough.
  template <typename T>
  bool Get(uint16_t type, T* out) const {
    if (data(type) == nullptr || size(type) < sizeof(T)) return false;
    std::memcpy(out, data(type), sizeof(T));
    return true;
  }

 private:
  struct Span {
    const uint8_t* data = nullptr;
    size_t size = 0;
  };
  std::array<Span, XFRMA_MAX + 1> found_{};
  bool ok_ = false;
};

template <typename T>
bool Fixed(const nlmsghdr* message, T* out) {
  if (message->nlmsg_len < NLMSG_HDRLEN + sizeof(T)) return false;
  std::memcpy(out, NLMSG_DATA(message), sizeof(T));
  return true;
}

// The algorithm structs: name, key length in bits, for auth and aead one more length, key.
template <typename Head>
std::optional<Algorithm> GetAlgorithm(const Attributes& attrs, uint16_t type, uint32_t Head::*bits) {
  Head head;
  if (!attrs.Get(type, &head)) return std::nullopt;
  size_t keyBytes = (head.alg_key_len + 7) / 8;
  if (attrs.size(type) < sizeof head + keyBytes) return std::nullopt;
  Algorithm algorithm;
  algorithm.name.assign(head.alg_name, strnlen(head.alg_name, sizeof head.alg_name));
  const uint8_t* key = attrs.data(type) + sizeof head;
  algorithm.key.assign(key, key + keyBytes);
  if (bits != nullptr) algorithm.bits = head.*bits;
  return algorithm;
}

void GetSaAttributes(const Attributes& attrs, SaRecord* sa) {
  sa->crypt = GetAlgorithm<xfrm_algo>(attrs, XFRMA_ALG_CRYPT, nullptr);
  sa->auth = GetAlgorithm<xfrm_algo_auth>(attrs, XFRMA_ALG_AUTH_TRUNC, &xfrm_algo_auth::alg_trunc_len);
  sa->aead = GetAlgorithm<xfrm_algo_aead>(attrs, XFRMA_ALG_AEAD, &xfrm_algo_aead::alg_icv_len);
  xfrm_encap_tmpl encap;
  if (attrs.Get(XFRMA_ENCAP, &encap)) sa->encap = encap;
  xfrm_replay_state_esn esn;
  if (attrs.Get(XFRMA_REPLAY_ESN_VAL, &esn)) sa->esnWindow = esn.replay_window;
}

std::vector<xfrm_user_tmpl> GetTemplates(const Attributes& attrs) {
  std::vector<xfrm_user_tmpl> templates(attrs.size(XFRMA_TMPL) / sizeof(xfrm_user_tmpl));
  if (!templates.empty()) std::memcpy(templates.data(), attrs.data(XFRMA_TMPL), templates.size() * sizeof(xfrm_user_tmpl));
  return templates;
}

void GetPolicyAttributes(const Attributes& attrs, PolicyRecord* policy) {
  policy->templates = GetTemplates(attrs);
  xfrm_userpolicy_type type;
  if (attrs.Get(XFRMA_POLICY_TYPE, &type)) policy->type = type.type;
}

}  // namespace

bool DecodeSa(const nlmsghdr* message, SaRecord* sa) {
  if (message->nlmsg_type != XFRM_MSG_NEWSA && message->nlmsg_type != XFRM_MSG_UPDSA) return false;
  Attributes attrs(message, sizeof(xfrm_usersa_info));
  if (!attrs.ok() || !Fixed(message, &sa->info)) return false;
  GetSaAttributes(attrs, sa);
  return true;
}

bool DecodePolicy(const nlmsghdr* message, PolicyRecord* policy) {
  if (message->nlmsg_type != XFRM_MSG_NEWPOLICY && message->nlmsg_type != XFRM_MSG_UPDPOLICY) return false;
  Attributes attrs(message, sizeof(xfrm_userpolicy_info));
  if (!attrs.ok() || !Fixed(message, &policy->info)) return false;
  GetPolicyAttributes(attrs, policy);
  return true;
}

bool DecodeEvent(const nlmsghdr* message, Event* event) {
  switch (message->nlmsg_type) {
    case XFRM_MSG_ACQUIRE: {
      AcquireRecord acquire;
      Attributes attrs(message, sizeof(xfrm_user_acquire));
      if (!attrs.ok() || !Fixed(message, &acquire.info)) return false;
      acquire.templates = GetTemplates(attrs);
      *event = std::move(acquire);
      return true;
    }
    case XFRM_MSG_EXPIRE: {
      xfrm_user_expire fixed;
      Attributes attrs(message, sizeof fixed);
      if (!attrs.ok() || !Fixed(message, &fixed)) return false;
      ExpireRecord expire;
      expire.sa.info = fixed.state;
      expire.hard = fixed.hard != 0;
      *event = std::move(expire);
      return true;
    }
    case XFRM_MSG_POLEXPIRE: {
      xfrm_user_polexpire fixed;
      Attributes attrs(message, sizeof fixed);
      if (!attrs.ok() || !Fixed(message, &fixed)) return false;
      PolicyExpireRecord expire;
      expire.policy.info = fixed.pol;
      GetPolicyAttributes(attrs, &expire.policy);
      expire.hard = fixed.hard != 0;
      *event = std::move(expire);
      return true;
    }
    default:
      return false;
  }
}

}  // namespace ikegate::xfrm

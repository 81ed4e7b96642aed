#include "xfrm_decode.h"

#include <array>
#include <cstring>

#include "netlink_message.h"

namespace ikegate::xfrm {

namespace {

using Attributes = netlink::Attributes<XFRMA_MAX>;

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

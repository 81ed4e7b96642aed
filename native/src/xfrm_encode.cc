#include "xfrm_encode.h"

#include <linux/netlink.h>

#include <cstring>

#include "netlink_message.h"

namespace ikegate::xfrm {

namespace {

using netlink::Message;

constexpr uint16_t kRequest = NLM_F_REQUEST | NLM_F_ACK;

// The algorithm structs share their first two fields (name, key length in bits); auth and
// aead add one 32-bit length before the key.
template <typename Head>
void AlgorithmAttr(Message& m, uint16_t type, const Algorithm& algorithm, uint32_t Head::*bits) {
  Head head;
  std::memset(&head, 0, sizeof head);
  std::strncpy(head.alg_name, algorithm.name.c_str(), sizeof head.alg_name - 1);
  head.alg_key_len = static_cast<unsigned int>(algorithm.key.size() * 8);
  if (bits != nullptr) head.*bits = algorithm.bits;
  m.Attr(type, &head, sizeof head, algorithm.key.data(), algorithm.key.size());
}

}  // namespace

std::vector<uint8_t> EncodeSa(uint16_t type, const SaRecord& sa) {
  Message m(type, kRequest);
  m.Put(sa.info);
  if (sa.aead) AlgorithmAttr<xfrm_algo_aead>(m, XFRMA_ALG_AEAD, *sa.aead, &xfrm_algo_aead::alg_icv_len);
  if (sa.crypt) AlgorithmAttr<xfrm_algo>(m, XFRMA_ALG_CRYPT, *sa.crypt, nullptr);
  if (sa.auth) AlgorithmAttr<xfrm_algo_auth>(m, XFRMA_ALG_AUTH_TRUNC, *sa.auth, &xfrm_algo_auth::alg_trunc_len);
  if (sa.encap) m.Attr(XFRMA_ENCAP, &*sa.encap, sizeof *sa.encap);
  if (sa.esnWindow) {
    // Without XFRM_STATE_ESN this is a plain bitmap window of any size up to 4096 packets.
    xfrm_replay_state_esn esn{};
    esn.replay_window = *sa.esnWindow;
    esn.bmp_len = (*sa.esnWindow + 31) / 32;
    std::vector<uint32_t> bitmap(esn.bmp_len, 0);
    m.Attr(XFRMA_REPLAY_ESN_VAL, &esn, sizeof esn, bitmap.data(), bitmap.size() * sizeof(uint32_t));
  }
  return std::move(m).Finish();
}

std::vector<uint8_t> EncodeAllocSpi(const xfrm_userspi_info& request) {
  Message m(XFRM_MSG_ALLOCSPI, kRequest);
  m.Put(request);
  return std::move(m).Finish();
}

std::vector<uint8_t> EncodeSaId(uint16_t type, const xfrm_usersa_id& id) {
  Message m(type, kRequest);
  m.Put(id);
  return std::move(m).Finish();
}

std::vector<uint8_t> EncodeFlushSa(uint8_t proto) {
  xfrm_usersa_flush flush{};
  flush.proto = proto;
  Message m(XFRM_MSG_FLUSHSA, kRequest);
  m.Put(flush);
  return std::move(m).Finish();
}

std::vector<uint8_t> EncodePolicy(uint16_t type, const PolicyRecord& policy) {
  Message m(type, kRequest);
  m.Put(policy.info);
  if (!policy.templates.empty()) {
    m.Attr(XFRMA_TMPL, policy.templates.data(), policy.templates.size() * sizeof(xfrm_user_tmpl));
  }
  return std::move(m).Finish();
}

std::vector<uint8_t> EncodePolicyId(uint16_t type, const xfrm_userpolicy_id& id) {
  Message m(type, kRequest);
  m.Put(id);
  return std::move(m).Finish();
}

std::vector<uint8_t> EncodeFlushPolicy() {
  return Message(XFRM_MSG_FLUSHPOLICY, kRequest).Finish();
}

std::vector<uint8_t> EncodeDump(uint16_t type) {
  return Message(type, NLM_F_REQUEST | NLM_F_DUMP).Finish();
}

}  // namespace ikegate::xfrm

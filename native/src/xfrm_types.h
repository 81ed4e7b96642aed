#ifndef IKEGATE_NATIVE_XFRM_TYPES_H_
#define IKEGATE_NATIVE_XFRM_TYPES_H_

// XFRM objects as the kernel's structs plus the attributes ikegate uses. Keeping the uapi
// structs themselves (rather than a parallel model) means encoding and decoding are copies,
// and the JavaScript conversion is the one place that knows field meanings.
#include <linux/xfrm.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ikegate::xfrm {

// XFRMA_ALG_CRYPT, XFRMA_ALG_AUTH_TRUNC or XFRMA_ALG_AEAD. `bits` is the truncation length
// (auth) or the ICV length (aead); ciphers have neither.
struct Algorithm {
  std::string name;
  std::vector<uint8_t> key;
  uint32_t bits = 0;
};

struct SaRecord {
  xfrm_usersa_info info{};
  std::optional<Algorithm> crypt;
  std::optional<Algorithm> auth;
  std::optional<Algorithm> aead;
  std::optional<xfrm_encap_tmpl> encap;
  // usersa_info's replay_window is a u8; larger windows travel in XFRMA_REPLAY_ESN_VAL.
  std::optional<uint32_t> esnWindow;
};

struct PolicyRecord {
  xfrm_userpolicy_info info{};
  std::vector<xfrm_user_tmpl> templates;
  uint8_t type = XFRM_POLICY_TYPE_MAIN;
};

struct AcquireRecord {
  xfrm_user_acquire info{};
  std::vector<xfrm_user_tmpl> templates;
};

struct ExpireRecord {
  SaRecord sa;
  bool hard = false;
};

struct PolicyExpireRecord {
  PolicyRecord policy;
  bool hard = false;
};

// The kernel's "no limit" for byte and packet lifetimes.
constexpr uint64_t kInfinite = XFRM_INF;

}  // namespace ikegate::xfrm

#endif  // IKEGATE_NATIVE_XFRM_TYPES_H_

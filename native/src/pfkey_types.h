#ifndef IKEGATE_NATIVE_PFKEY_TYPES_H_
#define IKEGATE_NATIVE_PFKEY_TYPES_H_

// PF_KEY v2 (RFC 2367 and the Linux/KAME extensions of <linux/pfkeyv2.h>) objects as plain
// values: what ikegate sends and what it reads back. Algorithms are the SADB_*ALG numbers
// themselves; the TypeScript side maps the kernel's crypto names onto them.
#include <linux/ipsec.h>
#include <linux/pfkeyv2.h>
#include <linux/xfrm.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ikegate::pfkey {

// An address extension: an address, its prefix length, and for policies the upper-layer
// protocol (IPSEC_ULPROTO_ANY for any) and port (0 for any).
struct Address {
  uint16_t family = 0;
  xfrm_address_t address{};
  uint8_t prefixLength = 0;
  uint8_t proto = 0;
  uint16_t port = 0;
};

// sadb_lifetime: allocations counts packets on Linux; 0 is "no limit".
struct Lifetime {
  uint32_t allocations = 0;
  uint64_t bytes = 0;
  uint64_t addtime = 0;
  uint64_t usetime = 0;
};

struct NatT {
  uint8_t type = 0;
  uint16_t sport = 0;  // host order
  uint16_t dport = 0;
};

struct Sa {
  uint8_t satype = 0;
  uint32_t spi = 0;  // host order
  uint8_t replay = 0;
  uint8_t state = SADB_SASTATE_MATURE;
  uint32_t flags = 0;
  uint8_t auth = SADB_AALG_NONE;
  uint8_t encrypt = SADB_EALG_NONE;
  std::optional<std::vector<uint8_t>> authKey;
  std::optional<std::vector<uint8_t>> encryptKey;
  Address src;
  Address dst;
  // SADB_X_EXT_SA2: the mode and reqid, which RFC 2367 lacks.
  std::optional<uint8_t> mode;
  uint32_t reqid = 0;
  std::optional<Lifetime> hard;
  std::optional<Lifetime> soft;
  std::optional<Lifetime> current;
  std::optional<NatT> natt;
};

// sadb_x_ipsecrequest: one template of a policy.
struct IpsecRequest {
  uint8_t proto = 0;  // IPPROTO_ESP, IPPROTO_AH
  uint8_t mode = IPSEC_MODE_TUNNEL;
  uint8_t level = IPSEC_LEVEL_REQUIRE;
  uint32_t reqid = 0;
  // Tunnel mode: the endpoints (family 0 when absent).
  Address src;
  Address dst;
};

struct Policy {
  Address src;
  Address dst;
  uint8_t dir = IPSEC_DIR_OUTBOUND;
  uint16_t type = IPSEC_POLICY_IPSEC;
  uint32_t id = 0;
  uint32_t priority = 0;
  std::optional<Lifetime> hard;
  std::optional<Lifetime> soft;
  std::optional<Lifetime> current;
  std::vector<IpsecRequest> requests;
};

struct Algorithm {
  uint8_t id = 0;
  uint8_t ivlen = 0;
  uint16_t minbits = 0;
  uint16_t maxbits = 0;
};

// SADB_REGISTER's answer: what the kernel can do for the registered SA type.
struct Supported {
  uint8_t satype = 0;
  std::vector<Algorithm> auth;
  std::vector<Algorithm> encrypt;
};

// SADB_ACQUIRE: the SA's endpoints and the policy (index, direction) the packet met. Linux
// sends no ipsecrequest with it, so the template comes from SADB_X_SPDGET by that index.
struct Acquire {
  uint8_t satype = 0;
  uint32_t seq = 0;
  Address src;
  Address dst;
  uint32_t policyId = 0;
  uint8_t policyDir = 0;
};

// SADB_EXPIRE: the SA, with the soft or the hard lifetime that ran out.
struct Expire {
  Sa sa;
  bool hard = false;
};

}  // namespace ikegate::pfkey

#endif  // IKEGATE_NATIVE_PFKEY_TYPES_H_

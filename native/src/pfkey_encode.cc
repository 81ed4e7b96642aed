#include "pfkey_encode.h"

#include <arpa/inet.h>
#include <linux/ipsec.h>
#include <netinet/in.h>

#include <cstring>

namespace ikegate::pfkey {

namespace {

constexpr size_t Align8(size_t n) { return (n + 7) & ~static_cast<size_t>(7); }

size_t SockaddrLength(uint16_t family) { return family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in); }

// Appends zeroed, 8-byte aligned extensions; every extension's length is in 8-byte units.
class Builder {
 public:
  Builder(uint8_t type, uint8_t satype) : bytes_(sizeof(sadb_msg)) {
    auto* h = reinterpret_cast<sadb_msg*>(bytes_.data());
    h->sadb_msg_version = PF_KEY_V2;
    h->sadb_msg_type = type;
    h->sadb_msg_satype = satype;
  }

  // The extension's bytes, valid until the next append.
  template <typename T>
  T* Append(uint16_t exttype, size_t extra = 0) {
    size_t offset = bytes_.size();
    size_t length = Align8(sizeof(T) + extra);
    bytes_.resize(offset + length);
    auto* ext = reinterpret_cast<sadb_ext*>(bytes_.data() + offset);
    ext->sadb_ext_len = static_cast<uint16_t>(length / 8);
    ext->sadb_ext_type = exttype;
    return reinterpret_cast<T*>(ext);
  }

  // Appends `bytes` raw bytes to the last extension (an ipsecrequest inside the policy
  // extension, whose length the caller then updates).
  uint8_t* Grow(size_t bytes) {
    size_t offset = bytes_.size();
    bytes_.resize(offset + bytes);
    return bytes_.data() + offset;
  }

  size_t size() const { return bytes_.size(); }
  uint8_t* at(size_t offset) { return bytes_.data() + offset; }

  void Address(uint16_t exttype, const pfkey::Address& a) {
    size_t socklen = SockaddrLength(a.family);
    auto* ext = Append<sadb_address>(exttype, socklen);
    ext->sadb_address_proto = a.proto;
    ext->sadb_address_prefixlen = a.prefixLength;
    WriteSockaddr(a, reinterpret_cast<uint8_t*>(ext + 1));
  }

  void Lifetime(uint16_t exttype, const pfkey::Lifetime& l) {
    auto* ext = Append<sadb_lifetime>(exttype);
    ext->sadb_lifetime_allocations = l.allocations;
    ext->sadb_lifetime_bytes = l.bytes;
    ext->sadb_lifetime_addtime = l.addtime;
    ext->sadb_lifetime_usetime = l.usetime;
  }

  void Key(uint16_t exttype, const std::vector<uint8_t>& key) {
    auto* ext = Append<sadb_key>(exttype, key.size());
    ext->sadb_key_bits = static_cast<uint16_t>(key.size() * 8);
    if (!key.empty()) std::memcpy(ext + 1, key.data(), key.size());
  }

  void Sa2(uint8_t mode, uint32_t reqid) {
    auto* ext = Append<sadb_x_sa2>(SADB_X_EXT_SA2);
    ext->sadb_x_sa2_mode = mode;
    ext->sadb_x_sa2_reqid = reqid;
  }

  static void WriteSockaddr(const pfkey::Address& a, uint8_t* out) {
    if (a.family == AF_INET6) {
      sockaddr_in6 sin6{};
      sin6.sin6_family = AF_INET6;
      sin6.sin6_port = htons(a.port);
      std::memcpy(&sin6.sin6_addr, &a.address, sizeof sin6.sin6_addr);
      std::memcpy(out, &sin6, sizeof sin6);
    } else {
      sockaddr_in sin{};
      sin.sin_family = AF_INET;
      sin.sin_port = htons(a.port);
      std::memcpy(&sin.sin_addr, &a.address, sizeof sin.sin_addr);
      std::memcpy(out, &sin, sizeof sin);
    }
  }

  std::vector<uint8_t> Finish() {
    reinterpret_cast<sadb_msg*>(bytes_.data())->sadb_msg_len = static_cast<uint16_t>(bytes_.size() / 8);
    return std::move(bytes_);
  }

 private:
  std::vector<uint8_t> bytes_;
};

}  // namespace

std::vector<uint8_t> EncodeGetSpi(uint8_t satype, const Address& src, const Address& dst, uint32_t min,
                                  uint32_t max, std::optional<uint8_t> mode, uint32_t reqid) {
  Builder b(SADB_GETSPI, satype);
  b.Address(SADB_EXT_ADDRESS_SRC, src);
  b.Address(SADB_EXT_ADDRESS_DST, dst);
  auto* range = b.Append<sadb_spirange>(SADB_EXT_SPIRANGE);
  range->sadb_spirange_min = min;
  range->sadb_spirange_max = max;
  if (mode) b.Sa2(*mode, reqid);
  return b.Finish();
}

std::vector<uint8_t> EncodeSa(uint8_t type, const Sa& sa) {
  Builder b(type, sa.satype);
  auto* ext = b.Append<sadb_sa>(SADB_EXT_SA);
  ext->sadb_sa_spi = htonl(sa.spi);
  ext->sadb_sa_replay = sa.replay;
  ext->sadb_sa_state = sa.state;
  ext->sadb_sa_auth = sa.auth;
  ext->sadb_sa_encrypt = sa.encrypt;
  ext->sadb_sa_flags = sa.flags;
  if (sa.mode) b.Sa2(*sa.mode, sa.reqid);
  if (sa.hard) b.Lifetime(SADB_EXT_LIFETIME_HARD, *sa.hard);
  if (sa.soft) b.Lifetime(SADB_EXT_LIFETIME_SOFT, *sa.soft);
  b.Address(SADB_EXT_ADDRESS_SRC, sa.src);
  b.Address(SADB_EXT_ADDRESS_DST, sa.dst);
  if (sa.authKey) b.Key(SADB_EXT_KEY_AUTH, *sa.authKey);
  if (sa.encryptKey) b.Key(SADB_EXT_KEY_ENCRYPT, *sa.encryptKey);
  if (sa.natt) {
    b.Append<sadb_x_nat_t_type>(SADB_X_EXT_NAT_T_TYPE)->sadb_x_nat_t_type_type = sa.natt->type;
    b.Append<sadb_x_nat_t_port>(SADB_X_EXT_NAT_T_SPORT)->sadb_x_nat_t_port_port = htons(sa.natt->sport);
    b.Append<sadb_x_nat_t_port>(SADB_X_EXT_NAT_T_DPORT)->sadb_x_nat_t_port_port = htons(sa.natt->dport);
  }
  return b.Finish();
}

std::vector<uint8_t> EncodeSaId(uint8_t type, uint8_t satype, const Address& src, const Address& dst, uint32_t spi) {
  Builder b(type, satype);
  b.Append<sadb_sa>(SADB_EXT_SA)->sadb_sa_spi = htonl(spi);
  b.Address(SADB_EXT_ADDRESS_SRC, src);
  b.Address(SADB_EXT_ADDRESS_DST, dst);
  return b.Finish();
}

std::vector<uint8_t> EncodeBare(uint8_t type, uint8_t satype) { return Builder(type, satype).Finish(); }

std::vector<uint8_t> EncodePolicy(uint8_t type, const Policy& p) {
  Builder b(type, SADB_SATYPE_UNSPEC);
  b.Address(SADB_EXT_ADDRESS_SRC, p.src);
  b.Address(SADB_EXT_ADDRESS_DST, p.dst);
  if (p.hard) b.Lifetime(SADB_EXT_LIFETIME_HARD, *p.hard);
  if (p.soft) b.Lifetime(SADB_EXT_LIFETIME_SOFT, *p.soft);
  size_t policyOffset = b.size();
  auto* pol = b.Append<sadb_x_policy>(SADB_X_EXT_POLICY);
  pol->sadb_x_policy_type = p.type;
  pol->sadb_x_policy_dir = p.dir;
  pol->sadb_x_policy_id = p.id;
  pol->sadb_x_policy_priority = p.priority;
  for (const IpsecRequest& r : p.requests) {
    // Tunnel endpoints follow the request as a pair of sockaddrs (af_key's parse_sockaddr_pair).
    size_t pair = r.src.family != 0 ? Align8(2 * SockaddrLength(r.src.family)) : 0;
    size_t length = sizeof(sadb_x_ipsecrequest) + pair;
    uint8_t* bytes = b.Grow(length);
    auto* rq = reinterpret_cast<sadb_x_ipsecrequest*>(bytes);
    rq->sadb_x_ipsecrequest_len = static_cast<uint16_t>(length);
    rq->sadb_x_ipsecrequest_proto = r.proto;
    rq->sadb_x_ipsecrequest_mode = r.mode;
    rq->sadb_x_ipsecrequest_level = r.level;
    rq->sadb_x_ipsecrequest_reqid = r.reqid;
    if (pair != 0) {
      Builder::WriteSockaddr(r.src, bytes + sizeof(sadb_x_ipsecrequest));
      Builder::WriteSockaddr(r.dst, bytes + sizeof(sadb_x_ipsecrequest) + SockaddrLength(r.src.family));
    }
    auto* header = reinterpret_cast<sadb_x_policy*>(b.at(policyOffset));
    header->sadb_x_policy_len = static_cast<uint16_t>((b.size() - policyOffset) / 8);
  }
  return b.Finish();
}

std::vector<uint8_t> EncodePolicyId(uint8_t type, uint32_t id) {
  Builder b(type, SADB_SATYPE_UNSPEC);
  auto* pol = b.Append<sadb_x_policy>(SADB_X_EXT_POLICY);
  pol->sadb_x_policy_type = IPSEC_POLICY_IPSEC;
  pol->sadb_x_policy_id = id;
  return b.Finish();
}

void SetOrigin(std::vector<uint8_t>& message, uint32_t seq, uint32_t pid) {
  auto* h = reinterpret_cast<sadb_msg*>(message.data());
  h->sadb_msg_seq = seq;
  h->sadb_msg_pid = pid;
}

}  // namespace ikegate::pfkey

#include "pfkey_decode.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

namespace ikegate::pfkey {

namespace {

template <typename T>
const T* Ext(const Parsed& m, int type) {
  if (m.ext[type] == nullptr || m.length[type] < sizeof(T)) return nullptr;
  return reinterpret_cast<const T*>(m.ext[type]);
}

bool ReadSockaddr(const uint8_t* bytes, size_t length, Address* out) {
  if (length < sizeof(sa_family_t)) return false;
  sa_family_t family;
  std::memcpy(&family, bytes, sizeof family);
  if (family == AF_INET && length >= sizeof(sockaddr_in)) {
    sockaddr_in sin;
    std::memcpy(&sin, bytes, sizeof sin);
    out->family = AF_INET;
    std::memcpy(&out->address, &sin.sin_addr, sizeof sin.sin_addr);
    out->port = ntohs(sin.sin_port);
    return true;
  }
  if (family == AF_INET6 && length >= sizeof(sockaddr_in6)) {
    sockaddr_in6 sin6;
    std::memcpy(&sin6, bytes, sizeof sin6);
    out->family = AF_INET6;
    std::memcpy(&out->address, &sin6.sin6_addr, sizeof sin6.sin6_addr);
    out->port = ntohs(sin6.sin6_port);
    return true;
  }
  return false;
}

bool ReadAddress(const Parsed& m, int type, Address* out) {
  const auto* ext = Ext<sadb_address>(m, type);
  if (ext == nullptr) return false;
  out->proto = ext->sadb_address_proto;
  out->prefixLength = ext->sadb_address_prefixlen;
  return ReadSockaddr(m.ext[type] + sizeof(sadb_address), m.length[type] - sizeof(sadb_address), out);
}

std::optional<Lifetime> ReadLifetime(const Parsed& m, int type) {
  const auto* ext = Ext<sadb_lifetime>(m, type);
  if (ext == nullptr) return std::nullopt;
  return Lifetime{ext->sadb_lifetime_allocations, ext->sadb_lifetime_bytes, ext->sadb_lifetime_addtime,
                  ext->sadb_lifetime_usetime};
}

std::optional<std::vector<uint8_t>> ReadKey(const Parsed& m, int type) {
  const auto* ext = Ext<sadb_key>(m, type);
  if (ext == nullptr) return std::nullopt;
  size_t bytes = (ext->sadb_key_bits + 7) / 8;
  if (sizeof(sadb_key) + bytes > m.length[type]) return std::nullopt;
  const uint8_t* key = m.ext[type] + sizeof(sadb_key);
  return std::vector<uint8_t>(key, key + bytes);
}

std::vector<Algorithm> ReadAlgorithms(const Parsed& m, int type) {
  std::vector<Algorithm> list;
  if (Ext<sadb_supported>(m, type) == nullptr) return list;
  for (size_t offset = sizeof(sadb_supported); offset + sizeof(sadb_alg) <= m.length[type]; offset += sizeof(sadb_alg)) {
    sadb_alg a;
    std::memcpy(&a, m.ext[type] + offset, sizeof a);
    list.push_back({a.sadb_alg_id, a.sadb_alg_ivlen, a.sadb_alg_minbits, a.sadb_alg_maxbits});
  }
  return list;
}

}  // namespace

bool Parse(const uint8_t* data, size_t size, Parsed* out) {
  *out = Parsed{};
  if (size < sizeof(sadb_msg)) return false;
  std::memcpy(&out->header, data, sizeof(sadb_msg));
  size_t total = static_cast<size_t>(out->header.sadb_msg_len) * 8;
  if (total < sizeof(sadb_msg) || total > size) return false;
  size_t offset = sizeof(sadb_msg);
  while (offset + sizeof(sadb_ext) <= total) {
    sadb_ext ext;
    std::memcpy(&ext, data + offset, sizeof ext);
    size_t length = static_cast<size_t>(ext.sadb_ext_len) * 8;
    if (length == 0 || offset + length > total) return false;
    // Extensions ikegate does not know (a newer kernel's) are skipped, not refused.
    if (ext.sadb_ext_type <= SADB_EXT_MAX) {
      out->ext[ext.sadb_ext_type] = data + offset;
      out->length[ext.sadb_ext_type] = length;
    }
    offset += length;
  }
  return offset == total;
}

bool DecodeSa(const Parsed& m, Sa* sa) {
  const auto* ext = Ext<sadb_sa>(m, SADB_EXT_SA);
  if (ext == nullptr) return false;
  sa->satype = m.header.sadb_msg_satype;
  sa->spi = ntohl(ext->sadb_sa_spi);
  sa->replay = ext->sadb_sa_replay;
  sa->state = ext->sadb_sa_state;
  sa->flags = ext->sadb_sa_flags;
  sa->auth = ext->sadb_sa_auth;
  sa->encrypt = ext->sadb_sa_encrypt;
  sa->authKey = ReadKey(m, SADB_EXT_KEY_AUTH);
  sa->encryptKey = ReadKey(m, SADB_EXT_KEY_ENCRYPT);
  if (!ReadAddress(m, SADB_EXT_ADDRESS_SRC, &sa->src) || !ReadAddress(m, SADB_EXT_ADDRESS_DST, &sa->dst)) return false;
  if (const auto* sa2 = Ext<sadb_x_sa2>(m, SADB_X_EXT_SA2)) {
    sa->mode = sa2->sadb_x_sa2_mode;
    sa->reqid = sa2->sadb_x_sa2_reqid;
  }
  sa->hard = ReadLifetime(m, SADB_EXT_LIFETIME_HARD);
  sa->soft = ReadLifetime(m, SADB_EXT_LIFETIME_SOFT);
  sa->current = ReadLifetime(m, SADB_EXT_LIFETIME_CURRENT);
  if (const auto* type = Ext<sadb_x_nat_t_type>(m, SADB_X_EXT_NAT_T_TYPE)) {
    NatT natt;
    natt.type = type->sadb_x_nat_t_type_type;
    if (const auto* port = Ext<sadb_x_nat_t_port>(m, SADB_X_EXT_NAT_T_SPORT)) natt.sport = ntohs(port->sadb_x_nat_t_port_port);
    if (const auto* port = Ext<sadb_x_nat_t_port>(m, SADB_X_EXT_NAT_T_DPORT)) natt.dport = ntohs(port->sadb_x_nat_t_port_port);
    sa->natt = natt;
  }
  return true;
}

bool DecodePolicy(const Parsed& m, Policy* p) {
  const auto* pol = Ext<sadb_x_policy>(m, SADB_X_EXT_POLICY);
  if (pol == nullptr) return false;
  if (!ReadAddress(m, SADB_EXT_ADDRESS_SRC, &p->src) || !ReadAddress(m, SADB_EXT_ADDRESS_DST, &p->dst)) return false;
  p->type = pol->sadb_x_policy_type;
  p->dir = pol->sadb_x_policy_dir;
  p->id = pol->sadb_x_policy_id;
  p->priority = pol->sadb_x_policy_priority;
  p->hard = ReadLifetime(m, SADB_EXT_LIFETIME_HARD);
  p->soft = ReadLifetime(m, SADB_EXT_LIFETIME_SOFT);
  p->current = ReadLifetime(m, SADB_EXT_LIFETIME_CURRENT);
  const uint8_t* base = m.ext[SADB_X_EXT_POLICY];
  // The extension's own length counts the requests (the kernel's message length may not).
  size_t end = std::min(static_cast<size_t>(pol->sadb_x_policy_len) * 8, m.length[SADB_X_EXT_POLICY]);
  size_t offset = sizeof(sadb_x_policy);
  while (offset + sizeof(sadb_x_ipsecrequest) <= end) {
    sadb_x_ipsecrequest rq;
    std::memcpy(&rq, base + offset, sizeof rq);
    if (rq.sadb_x_ipsecrequest_len < sizeof rq || offset + rq.sadb_x_ipsecrequest_len > end) return false;
    IpsecRequest r;
    r.proto = rq.sadb_x_ipsecrequest_proto;
    r.mode = rq.sadb_x_ipsecrequest_mode;
    r.level = rq.sadb_x_ipsecrequest_level;
    r.reqid = rq.sadb_x_ipsecrequest_reqid;
    size_t pairLength = rq.sadb_x_ipsecrequest_len - sizeof rq;
    if (pairLength > 0) {
      const uint8_t* pair = base + offset + sizeof rq;
      if (!ReadSockaddr(pair, pairLength, &r.src)) return false;
      size_t first = r.src.family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in);
      if (pairLength < first || !ReadSockaddr(pair + first, pairLength - first, &r.dst)) return false;
    }
    p->requests.push_back(r);
    offset += rq.sadb_x_ipsecrequest_len;
  }
  return true;
}

bool DecodeSupported(const Parsed& m, Supported* s) {
  s->satype = m.header.sadb_msg_satype;
  s->auth = ReadAlgorithms(m, SADB_EXT_SUPPORTED_AUTH);
  s->encrypt = ReadAlgorithms(m, SADB_EXT_SUPPORTED_ENCRYPT);
  return true;
}

bool DecodeAcquire(const Parsed& m, Acquire* a) {
  const auto* pol = Ext<sadb_x_policy>(m, SADB_X_EXT_POLICY);
  if (pol == nullptr) return false;
  a->satype = m.header.sadb_msg_satype;
  a->seq = m.header.sadb_msg_seq;
  a->policyId = pol->sadb_x_policy_id;
  a->policyDir = pol->sadb_x_policy_dir;
  return ReadAddress(m, SADB_EXT_ADDRESS_SRC, &a->src) && ReadAddress(m, SADB_EXT_ADDRESS_DST, &a->dst);
}

bool IsEvent(const sadb_msg& h) {
  if (h.sadb_msg_errno != 0) return false;
  switch (h.sadb_msg_type) {
    case SADB_ACQUIRE:
    case SADB_EXPIRE:
      return h.sadb_msg_pid == 0;
    case SADB_REGISTER:
      // The answer carries the pid the registration did, which was ours or none.
      return true;
    default:
      return false;
  }
}

bool DecodeEvent(const Parsed& m, Event* event) {
  if (!IsEvent(m.header)) return false;
  switch (m.header.sadb_msg_type) {
    case SADB_ACQUIRE: {
      Acquire a;
      if (!DecodeAcquire(m, &a)) return false;
      *event = a;
      return true;
    }
    case SADB_EXPIRE: {
      Expire e;
      if (!DecodeSa(m, &e.sa)) return false;
      e.hard = m.ext[SADB_EXT_LIFETIME_HARD] != nullptr;
      *event = std::move(e);
      return true;
    }
    case SADB_REGISTER: {
      Supported s;
      DecodeSupported(m, &s);
      *event = std::move(s);
      return true;
    }
    default:
      return false;
  }
}

}  // namespace ikegate::pfkey

#include "pfkey_js.h"

#include <arpa/inet.h>
#include <linux/ipsec.h>

#include <limits>

namespace ikegate::pfkey {

const xfrm::Name kSatypes[3] = {{"unspec", SADB_SATYPE_UNSPEC}, {"ah", SADB_SATYPE_AH}, {"esp", SADB_SATYPE_ESP}};

namespace {

const xfrm::Name kModes[3] = {{"any", IPSEC_MODE_ANY}, {"transport", IPSEC_MODE_TRANSPORT}, {"tunnel", IPSEC_MODE_TUNNEL}};
const xfrm::Name kDirs[3] = {{"in", IPSEC_DIR_INBOUND}, {"out", IPSEC_DIR_OUTBOUND}, {"fwd", IPSEC_DIR_FWD}};
const xfrm::Name kPolicyTypes[3] = {{"discard", IPSEC_POLICY_DISCARD}, {"none", IPSEC_POLICY_NONE}, {"ipsec", IPSEC_POLICY_IPSEC}};
const xfrm::Name kLevels[4] = {{"default", IPSEC_LEVEL_DEFAULT}, {"use", IPSEC_LEVEL_USE}, {"require", IPSEC_LEVEL_REQUIRE}, {"unique", IPSEC_LEVEL_UNIQUE}};
const xfrm::Name kProtos[2] = {{"esp", IPPROTO_ESP}, {"ah", IPPROTO_AH}};
const xfrm::Name kStates[4] = {{"larval", SADB_SASTATE_LARVAL}, {"mature", SADB_SASTATE_MATURE}, {"dying", SADB_SASTATE_DYING}, {"dead", SADB_SASTATE_DEAD}};
constexpr uint64_t kU32 = std::numeric_limits<uint32_t>::max();
constexpr uint64_t kU64 = std::numeric_limits<uint64_t>::max();

Napi::Value EnumToJs(Napi::Env env, uint8_t value, const xfrm::Name* names, size_t count) {
  for (size_t i = 0; i < count; i++) {
    if (names[i].value == value) return Napi::String::New(env, names[i].text);
  }
  return Napi::Number::New(env, value);  // a kind ikegate does not make
}

Napi::Value AddressToJs(Napi::Env env, const Address& a) {
  char text[INET6_ADDRSTRLEN] = "";
  if (a.family != AF_INET && a.family != AF_INET6) return env.Undefined();
  inet_ntop(a.family, &a.address, text, sizeof text);
  return Napi::String::New(env, text);
}

Napi::Number U64ToJs(Napi::Env env, uint64_t value) { return Napi::Number::New(env, static_cast<double>(value)); }

std::optional<Lifetime> LifetimeFromJs(const Fields& parent, const char* key) {
  std::optional<Fields> f = parent.OptionalNested(key);
  if (!f) return std::nullopt;
  Lifetime l;
  l.allocations = static_cast<uint32_t>(f->Integer("allocations", kU32, 0));
  l.bytes = f->Integer("bytes", kU64, 0);
  l.addtime = f->Integer("addSeconds", kU64, 0);
  l.usetime = f->Integer("useSeconds", kU64, 0);
  return l;
}

Napi::Object LifetimeToJs(Napi::Env env, const Lifetime& l) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("allocations", l.allocations);
  o.Set("bytes", U64ToJs(env, l.bytes));
  o.Set("addSeconds", U64ToJs(env, l.addtime));
  o.Set("useSeconds", U64ToJs(env, l.usetime));
  return o;
}

// A selector side: { address, prefixLength, port? }; the protocol is the policy's.
Address PrefixFromJs(const Fields& f, uint8_t proto) {
  Address a = HostFromJs(f, "address");
  uint64_t bits = a.family == AF_INET6 ? 128 : 32;
  a.prefixLength = static_cast<uint8_t>(f.Integer("prefixLength", bits));
  a.port = static_cast<uint16_t>(f.Integer("port", 0xffff, 0));
  a.proto = proto;
  return a;
}

Napi::Object PrefixToJs(Napi::Env env, const Address& a) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("address", AddressToJs(env, a));
  o.Set("prefixLength", a.prefixLength);
  if (a.port != 0) o.Set("port", a.port);
  return o;
}

Napi::Object AlgorithmsToJs(Napi::Env env, const std::vector<Algorithm>& list) {
  Napi::Array array = Napi::Array::New(env, list.size());
  for (uint32_t i = 0; i < list.size(); i++) {
    Napi::Object o = Napi::Object::New(env);
    o.Set("id", list[i].id);
    o.Set("ivLength", list[i].ivlen);
    o.Set("minBits", list[i].minbits);
    o.Set("maxBits", list[i].maxbits);
    array.Set(i, o);
  }
  return array;
}

IpsecRequest RequestFromJs(const Fields& f) {
  IpsecRequest r;
  r.proto = xfrm::EnumFromJs(f, "proto", kProtos, 2);
  r.mode = xfrm::EnumFromJs(f, "mode", kModes, 3);
  r.level = xfrm::EnumFromJs(f, "level", kLevels, 4, IPSEC_LEVEL_REQUIRE);
  r.reqid = static_cast<uint32_t>(f.Integer("reqid", kU32, 0));
  if (f.Has("src") || f.Has("dst")) {
    r.src = HostFromJs(f, "src");
    r.dst = HostFromJs(f, "dst");
    if (r.dst.family != r.src.family) f.Fail("dst", "is not of the source's address family");
  } else if (r.mode == IPSEC_MODE_TUNNEL) {
    f.Fail("src", "and dst are required in tunnel mode");
  }
  return r;
}

Napi::Object RequestToJs(Napi::Env env, const IpsecRequest& r) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("proto", EnumToJs(env, r.proto, kProtos, 2));
  o.Set("mode", EnumToJs(env, r.mode, kModes, 3));
  o.Set("level", EnumToJs(env, r.level, kLevels, 4));
  o.Set("reqid", r.reqid);
  if (r.src.family != 0) {
    o.Set("src", AddressToJs(env, r.src));
    o.Set("dst", AddressToJs(env, r.dst));
  }
  return o;
}

Napi::Object AcquireToJs(Napi::Env env, const Acquire& a) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("type", "acquire");
  o.Set("satype", EnumToJs(env, a.satype, kSatypes, 3));
  o.Set("seq", a.seq);
  o.Set("src", AddressToJs(env, a.src));
  o.Set("dst", AddressToJs(env, a.dst));
  o.Set("policyId", a.policyId);
  o.Set("dir", EnumToJs(env, a.policyDir, kDirs, 3));
  return o;
}

}  // namespace

uint8_t SatypeFromJs(const Fields& f, const char* key, uint8_t fallback) {
  return xfrm::EnumFromJs(f, key, kSatypes, 3, fallback);
}

uint8_t ModeFromJs(const Fields& f, const char* key) { return xfrm::EnumFromJs(f, key, kModes, 3); }

Address HostFromJs(const Fields& f, const char* key) {
  Address a;
  a.family = f.Address(key, &a.address);
  a.prefixLength = a.family == AF_INET6 ? 128 : 32;
  // SA endpoints carry no upper-layer protocol.
  a.proto = 0;
  return a;
}

Sa SaFromJs(const Fields& f) {
  Sa sa;
  sa.satype = xfrm::EnumFromJs(f, "satype", kSatypes + 1, 2);
  sa.spi = static_cast<uint32_t>(f.Integer("spi", kU32));
  sa.src = HostFromJs(f, "src");
  sa.dst = HostFromJs(f, "dst");
  if (sa.dst.family != sa.src.family) f.Fail("dst", "is not of the source's address family");
  if (f.Has("mode")) sa.mode = ModeFromJs(f, "mode");
  sa.reqid = static_cast<uint32_t>(f.Integer("reqid", kU32, 0));
  sa.replay = static_cast<uint8_t>(f.Integer("replay", 255, 0));
  sa.flags = static_cast<uint32_t>(f.Integer("flags", kU32, 0));
  if (auto auth = f.OptionalNested("auth")) {
    sa.auth = static_cast<uint8_t>(auth->Integer("id", 255));
    sa.authKey = auth->Bytes("key");
  }
  if (auto encrypt = f.OptionalNested("encrypt")) {
    sa.encrypt = static_cast<uint8_t>(encrypt->Integer("id", 255));
    if (encrypt->Has("key")) sa.encryptKey = encrypt->Bytes("key");
  }
  sa.hard = LifetimeFromJs(f, "hard");
  sa.soft = LifetimeFromJs(f, "soft");
  if (auto natt = f.OptionalNested("natt")) {
    sa.natt = NatT{static_cast<uint8_t>(natt->Integer("type", 255)), static_cast<uint16_t>(natt->Integer("sport", 0xffff)),
                   static_cast<uint16_t>(natt->Integer("dport", 0xffff))};
  }
  return sa;
}

Napi::Object SaToJs(Napi::Env env, const Sa& sa) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("satype", EnumToJs(env, sa.satype, kSatypes, 3));
  o.Set("spi", sa.spi);
  o.Set("src", AddressToJs(env, sa.src));
  o.Set("dst", AddressToJs(env, sa.dst));
  if (sa.mode) o.Set("mode", EnumToJs(env, *sa.mode, kModes, 3));
  o.Set("reqid", sa.reqid);
  o.Set("replay", sa.replay);
  o.Set("state", EnumToJs(env, sa.state, kStates, 4));
  o.Set("flags", sa.flags);
  auto algorithm = [&](const char* key, uint8_t id, const std::optional<std::vector<uint8_t>>& bytes) {
    if (id == 0) return;
    Napi::Object a = Napi::Object::New(env);
    a.Set("id", id);
    if (bytes) a.Set("key", Napi::Buffer<uint8_t>::Copy(env, bytes->data(), bytes->size()));
    o.Set(key, a);
  };
  algorithm("auth", sa.auth, sa.authKey);
  algorithm("encrypt", sa.encrypt, sa.encryptKey);
  if (sa.hard) o.Set("hard", LifetimeToJs(env, *sa.hard));
  if (sa.soft) o.Set("soft", LifetimeToJs(env, *sa.soft));
  if (sa.current) {
    Napi::Object c = Napi::Object::New(env);
    c.Set("packets", sa.current->allocations);  // Linux counts packets in the current allocations
    c.Set("bytes", U64ToJs(env, sa.current->bytes));
    c.Set("addTime", U64ToJs(env, sa.current->addtime));
    c.Set("useTime", U64ToJs(env, sa.current->usetime));
    o.Set("current", c);
  }
  if (sa.natt) {
    Napi::Object n = Napi::Object::New(env);
    n.Set("type", sa.natt->type);
    n.Set("sport", sa.natt->sport);
    n.Set("dport", sa.natt->dport);
    o.Set("natt", n);
  }
  return o;
}

Policy PolicyFromJs(const Fields& f) {
  Policy p;
  // IPSEC_ULPROTO_ANY: any upper-layer protocol.
  auto proto = static_cast<uint8_t>(f.Integer("proto", 255, IPSEC_ULPROTO_ANY));
  p.src = PrefixFromJs(f.Nested("src"), proto);
  p.dst = PrefixFromJs(f.Nested("dst"), proto);
  if (p.dst.family != p.src.family) f.Fail("dst", "is not of the source's address family");
  p.dir = xfrm::EnumFromJs(f, "dir", kDirs, 3);
  p.type = xfrm::EnumFromJs(f, "type", kPolicyTypes, 3, IPSEC_POLICY_IPSEC);
  p.id = static_cast<uint32_t>(f.Integer("id", kU32, 0));
  p.priority = static_cast<uint32_t>(f.Integer("priority", kU32, 0));
  p.hard = LifetimeFromJs(f, "hard");
  p.soft = LifetimeFromJs(f, "soft");
  if (Napi::Value list = f.Array("requests"); !list.IsUndefined()) {
    Napi::Array requests = list.As<Napi::Array>();
    for (uint32_t n = 0; n < requests.Length(); n++) {
      Fields r(requests.Get(n), f.where() + ".requests[" + std::to_string(n) + "]", "pfkey");
      p.requests.push_back(RequestFromJs(r));
    }
  }
  return p;
}

Napi::Object PolicyToJs(Napi::Env env, const Policy& p) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("src", PrefixToJs(env, p.src));
  o.Set("dst", PrefixToJs(env, p.dst));
  if (p.src.proto != IPSEC_ULPROTO_ANY) o.Set("proto", p.src.proto);
  o.Set("dir", EnumToJs(env, p.dir, kDirs, 3));
  o.Set("type", EnumToJs(env, static_cast<uint8_t>(p.type), kPolicyTypes, 3));
  o.Set("id", p.id);
  o.Set("priority", p.priority);
  if (p.hard) o.Set("hard", LifetimeToJs(env, *p.hard));
  if (p.soft) o.Set("soft", LifetimeToJs(env, *p.soft));
  Napi::Array requests = Napi::Array::New(env, p.requests.size());
  for (uint32_t n = 0; n < p.requests.size(); n++) requests.Set(n, RequestToJs(env, p.requests[n]));
  o.Set("requests", requests);
  return o;
}

Napi::Object SupportedToJs(Napi::Env env, const Supported& s) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("satype", EnumToJs(env, s.satype, kSatypes, 3));
  o.Set("auth", AlgorithmsToJs(env, s.auth));
  o.Set("encrypt", AlgorithmsToJs(env, s.encrypt));
  return o;
}

Napi::Object EventToJs(Napi::Env env, const Event& event) {
  if (const auto* acquire = std::get_if<Acquire>(&event)) return AcquireToJs(env, *acquire);
  if (const auto* supported = std::get_if<Supported>(&event)) {
    Napi::Object o = SupportedToJs(env, *supported);
    o.Set("type", "register");
    return o;
  }
  Napi::Object o = Napi::Object::New(env);
  if (const auto* expire = std::get_if<Expire>(&event)) {
    o.Set("type", "expire");
    o.Set("hard", expire->hard);
    o.Set("sa", SaToJs(env, expire->sa));
  } else {
    o.Set("type", "overrun");
  }
  return o;
}

}  // namespace ikegate::pfkey

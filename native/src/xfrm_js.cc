#include "xfrm_js.h"

#include <arpa/inet.h>
#include <linux/udp.h>

#include <cstring>
#include <limits>

namespace ikegate::xfrm {

namespace {

const Name kActions[2] = {{"allow", XFRM_POLICY_ALLOW}, {"block", XFRM_POLICY_BLOCK}};
constexpr size_t kAlgorithmNameMax = sizeof(xfrm_algo::alg_name) - 1;
// The largest window, in packets, the kernel's replay bitmap (XFRMA_REPLAY_ESN_VAL) holds.
constexpr uint64_t kReplayWindowMax = XFRMA_REPLAY_ESN_MAX;
// usersa_info's own replay_window field is a u8.
constexpr uint64_t kPlainReplayWindowMax = 255;
constexpr uint64_t kU32 = std::numeric_limits<uint32_t>::max();
constexpr uint64_t kU64 = std::numeric_limits<uint64_t>::max();

size_t AddressLength(uint16_t family) { return family == AF_INET6 ? 16 : 4; }

Napi::Value EnumToJs(Napi::Env env, uint8_t value, const Name* names, size_t count) {
  for (size_t i = 0; i < count; i++) {
    if (names[i].value == value) return Napi::String::New(env, names[i].text);
  }
  return Napi::Number::New(env, value);  // a kind ikegate does not make, installed by someone else
}

Napi::Value AddressToJs(Napi::Env env, uint16_t family, const xfrm_address_t& address) {
  char text[INET6_ADDRSTRLEN] = "";
  if (family != AF_INET && family != AF_INET6) return env.Undefined();
  inet_ntop(family, &address, text, sizeof text);
  return Napi::String::New(env, text);
}

bool IsZero(const xfrm_address_t& address) {
  static const xfrm_address_t zero{};
  return std::memcmp(&address, &zero, sizeof zero) == 0;
}

// Numbers reach 2^53 exactly: far beyond any byte or packet count an SA will see.
Napi::Number U64ToJs(Napi::Env env, uint64_t value) { return Napi::Number::New(env, static_cast<double>(value)); }

xfrm_selector SelectorFromJs(const Fields& f) {
  xfrm_selector sel{};
  Fields src = f.Nested("src");
  Fields dst = f.Nested("dst");
  uint16_t family = src.Address("address", &sel.saddr);
  if (dst.Address("address", &sel.daddr) != family) f.Fail("dst", "is not of the source's address family");
  uint64_t bits = AddressLength(family) * 8;
  sel.family = family;
  sel.prefixlen_s = static_cast<uint8_t>(src.Integer("prefixLength", bits));
  sel.prefixlen_d = static_cast<uint8_t>(dst.Integer("prefixLength", bits));
  sel.proto = static_cast<uint8_t>(f.Integer("proto", 255, 0));
  if (auto port = f.OptionalInteger("srcPort", 0xffff)) {
    sel.sport = htons(static_cast<uint16_t>(*port));
    sel.sport_mask = htons(static_cast<uint16_t>(f.Integer("srcPortMask", 0xffff, 0xffff)));
  }
  if (auto port = f.OptionalInteger("dstPort", 0xffff)) {
    sel.dport = htons(static_cast<uint16_t>(*port));
    sel.dport_mask = htons(static_cast<uint16_t>(f.Integer("dstPortMask", 0xffff, 0xffff)));
  }
  sel.ifindex = static_cast<int>(f.Integer("ifindex", std::numeric_limits<int>::max(), 0));
  return sel;
}

Napi::Value SelectorToJs(Napi::Env env, const xfrm_selector& sel) {
  // An SA's selector of family 0 means "any traffic": there is none to report.
  if (sel.family != AF_INET && sel.family != AF_INET6) return env.Undefined();
  Napi::Object o = Napi::Object::New(env);
  auto prefix = [&](const xfrm_address_t& address, uint8_t length) {
    Napi::Object p = Napi::Object::New(env);
    p.Set("address", AddressToJs(env, sel.family, address));
    p.Set("prefixLength", length);
    return p;
  };
  o.Set("src", prefix(sel.saddr, sel.prefixlen_s));
  o.Set("dst", prefix(sel.daddr, sel.prefixlen_d));
  if (sel.proto != 0) o.Set("proto", sel.proto);
  auto port = [&](const char* key, const char* maskKey, uint16_t value, uint16_t mask) {
    if (mask == 0) return;
    o.Set(key, ntohs(value));
    if (ntohs(mask) != 0xffff) o.Set(maskKey, ntohs(mask));
  };
  port("srcPort", "srcPortMask", sel.sport, sel.sport_mask);
  port("dstPort", "dstPortMask", sel.dport, sel.dport_mask);
  if (sel.ifindex != 0) o.Set("ifindex", sel.ifindex);
  return o;
}

xfrm_lifetime_cfg LifetimeFromJs(const Fields& parent) {
  xfrm_lifetime_cfg l{};
  l.soft_byte_limit = l.hard_byte_limit = l.soft_packet_limit = l.hard_packet_limit = kInfinite;
  std::optional<Fields> given = parent.OptionalNested("lifetime");
  if (!given) return l;
  const Fields& f = *given;
  l.soft_byte_limit = f.Integer("softBytes", kU64, kInfinite);
  l.hard_byte_limit = f.Integer("hardBytes", kU64, kInfinite);
  l.soft_packet_limit = f.Integer("softPackets", kU64, kInfinite);
  l.hard_packet_limit = f.Integer("hardPackets", kU64, kInfinite);
  // Seconds of 0 are the kernel's "no limit".
  l.soft_add_expires_seconds = f.Integer("softAddSeconds", kU64, 0);
  l.hard_add_expires_seconds = f.Integer("hardAddSeconds", kU64, 0);
  l.soft_use_expires_seconds = f.Integer("softUseSeconds", kU64, 0);
  l.hard_use_expires_seconds = f.Integer("hardUseSeconds", kU64, 0);
  return l;
}

Napi::Object LifetimeToJs(Napi::Env env, const xfrm_lifetime_cfg& l) {
  Napi::Object o = Napi::Object::New(env);
  auto limit = [&](const char* key, uint64_t value, uint64_t none) {
    if (value != none) o.Set(key, U64ToJs(env, value));
  };
  limit("softBytes", l.soft_byte_limit, kInfinite);
  limit("hardBytes", l.hard_byte_limit, kInfinite);
  limit("softPackets", l.soft_packet_limit, kInfinite);
  limit("hardPackets", l.hard_packet_limit, kInfinite);
  limit("softAddSeconds", l.soft_add_expires_seconds, 0);
  limit("hardAddSeconds", l.hard_add_expires_seconds, 0);
  limit("softUseSeconds", l.soft_use_expires_seconds, 0);
  limit("hardUseSeconds", l.hard_use_expires_seconds, 0);
  return o;
}

Napi::Object CurrentToJs(Napi::Env env, const xfrm_lifetime_cur& c) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("bytes", U64ToJs(env, c.bytes));
  o.Set("packets", U64ToJs(env, c.packets));
  o.Set("addTime", U64ToJs(env, c.add_time));  // seconds since the epoch
  o.Set("useTime", U64ToJs(env, c.use_time));  // 0 until first use
  return o;
}

Algorithm AlgorithmFromJs(const Fields& f, const char* bitsKey) {
  Algorithm a;
  a.name = f.String("name");
  if (a.name.empty() || a.name.size() > kAlgorithmNameMax) f.Fail("name", "must be 1 to 63 characters");
  a.key = f.Bytes("key");
  if (bitsKey != nullptr) a.bits = static_cast<uint32_t>(f.Integer(bitsKey, kU32));
  return a;
}

Napi::Object AlgorithmToJs(Napi::Env env, const Algorithm& a, const char* bitsKey) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("name", a.name);
  o.Set("key", Napi::Buffer<uint8_t>::Copy(env, a.key.data(), a.key.size()));
  if (bitsKey != nullptr) o.Set(bitsKey, a.bits);
  return o;
}

xfrm_encap_tmpl EncapFromJs(const Fields& f, uint16_t family) {
  if (f.String("type") != "espinudp") f.Fail("type", "must be 'espinudp'");
  xfrm_encap_tmpl e{};
  e.encap_type = UDP_ENCAP_ESPINUDP;
  e.encap_sport = htons(static_cast<uint16_t>(f.Integer("sport", 0xffff)));
  e.encap_dport = htons(static_cast<uint16_t>(f.Integer("dport", 0xffff)));
  if (f.Has("originalAddress") && f.Address("originalAddress", &e.encap_oa) != family) {
    f.Fail("originalAddress", "is not of the SA's address family");
  }
  return e;
}

Napi::Object EncapToJs(Napi::Env env, const xfrm_encap_tmpl& e, uint16_t family) {
  Napi::Object o = Napi::Object::New(env);
  if (e.encap_type == UDP_ENCAP_ESPINUDP) o.Set("type", "espinudp");
  else o.Set("type", e.encap_type);
  o.Set("sport", ntohs(e.encap_sport));
  o.Set("dport", ntohs(e.encap_dport));
  // NAT-OA is the peer's address before the NAT, so of the SA's own family.
  if (!IsZero(e.encap_oa)) o.Set("originalAddress", AddressToJs(env, family, e.encap_oa));
  return o;
}

xfrm_user_tmpl TemplateFromJs(const Fields& f, uint16_t selectorFamily) {
  xfrm_user_tmpl t{};
  t.id.proto = EnumFromJs(f, "proto", kProtos, 3);
  t.mode = EnumFromJs(f, "mode", kModes, 3);
  t.reqid = static_cast<uint32_t>(f.Integer("reqid", kU32, 0));
  t.id.spi = htonl(static_cast<uint32_t>(f.Integer("spi", kU32, 0)));
  t.optional = f.Boolean("optional", false) ? 1 : 0;
  t.share = XFRM_SHARE_ANY;
  // Which algorithms are acceptable is the SA's business (IKE negotiated them); a template
  // that masked some out would make the kernel pass over the SA.
  t.aalgos = t.ealgos = t.calgos = ~0U;
  t.family = selectorFamily;
  if (f.Has("src") || f.Has("dst")) {
    t.family = f.Address("src", &t.saddr);
    if (f.Address("dst", &t.id.daddr) != t.family) f.Fail("dst", "is not of the source's address family");
  }
  return t;
}

Napi::Object TemplateToJs(Napi::Env env, const xfrm_user_tmpl& t) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("proto", EnumToJs(env, t.id.proto, kProtos, 3));
  o.Set("mode", EnumToJs(env, t.mode, kModes, 3));
  o.Set("reqid", t.reqid);
  if (t.id.spi != 0) o.Set("spi", ntohl(t.id.spi));
  o.Set("optional", t.optional != 0);
  if (!IsZero(t.saddr) || !IsZero(t.id.daddr)) {
    o.Set("src", AddressToJs(env, t.family, t.saddr));
    o.Set("dst", AddressToJs(env, t.family, t.id.daddr));
  }
  return o;
}

// The SA's endpoints: the ACQUIRE quotes all of the policy's templates, and the one it is
// about has its protocol and, in tunnel mode, its destination.
const xfrm_user_tmpl* AcquiredTemplate(const AcquireRecord& a) {
  for (const xfrm_user_tmpl& t : a.templates) {
    if (t.id.proto != a.info.id.proto) continue;
    if (t.mode == XFRM_MODE_TRANSPORT || IsZero(t.id.daddr) ||
        std::memcmp(&t.id.daddr, &a.info.id.daddr, AddressLength(t.family)) == 0) {
      return &t;
    }
  }
  return nullptr;
}

Napi::Object AcquireToJs(Napi::Env env, const AcquireRecord& a) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("type", "acquire");
  PolicyRecord policy;
  policy.info = a.info.policy;
  policy.templates = a.templates;
  o.Set("policy", PolicyToJs(env, policy));
  const xfrm_user_tmpl* t = AcquiredTemplate(a);
  uint16_t family = t != nullptr ? t->family : a.info.sel.family;
  if (t != nullptr) o.Set("template", TemplateToJs(env, *t));
  o.Set("src", AddressToJs(env, family, a.info.saddr));
  o.Set("dst", AddressToJs(env, family, a.info.id.daddr));
  o.Set("proto", EnumToJs(env, a.info.id.proto, kProtos, 3));
  o.Set("selector", SelectorToJs(env, a.info.sel));  // the packet's flow
  o.Set("seq", a.info.seq);
  return o;
}

}  // namespace

SaRecord SaFromJs(const Fields& f) {
  SaRecord sa;
  xfrm_usersa_info& i = sa.info;
  i.family = f.Address("src", &i.saddr);
  if (f.Address("dst", &i.id.daddr) != i.family) f.Fail("dst", "is not of the source's address family");
  i.id.proto = EnumFromJs(f, "proto", kProtos, 3);
  i.id.spi = htonl(static_cast<uint32_t>(f.Integer("spi", kU32)));
  i.mode = EnumFromJs(f, "mode", kModes, 3);
  i.reqid = static_cast<uint32_t>(f.Integer("reqid", kU32, 0));
  uint64_t window = f.Integer("replayWindow", kReplayWindowMax, 0);
  if (window > kPlainReplayWindowMax) sa.esnWindow = static_cast<uint32_t>(window);
  else i.replay_window = static_cast<uint8_t>(window);
  i.flags = static_cast<uint8_t>(f.Integer("flags", 255, 0));
  if (auto selector = f.OptionalNested("selector")) i.sel = SelectorFromJs(*selector);
  i.lft = LifetimeFromJs(f);
  if (auto crypt = f.OptionalNested("crypt")) sa.crypt = AlgorithmFromJs(*crypt, nullptr);
  if (auto auth = f.OptionalNested("auth")) sa.auth = AlgorithmFromJs(*auth, "truncationBits");
  if (auto aead = f.OptionalNested("aead")) sa.aead = AlgorithmFromJs(*aead, "icvBits");
  if (auto encap = f.OptionalNested("encap")) sa.encap = EncapFromJs(*encap, i.family);
  return sa;
}

Napi::Object SaToJs(Napi::Env env, const SaRecord& sa) {
  const xfrm_usersa_info& i = sa.info;
  Napi::Object o = Napi::Object::New(env);
  o.Set("src", AddressToJs(env, i.family, i.saddr));
  o.Set("dst", AddressToJs(env, i.family, i.id.daddr));
  o.Set("proto", EnumToJs(env, i.id.proto, kProtos, 3));
  o.Set("spi", ntohl(i.id.spi));
  o.Set("mode", EnumToJs(env, i.mode, kModes, 3));
  o.Set("reqid", i.reqid);
  o.Set("replayWindow", sa.esnWindow ? *sa.esnWindow : i.replay_window);
  o.Set("flags", i.flags);
  Napi::Value selector = SelectorToJs(env, i.sel);
  if (!selector.IsUndefined()) o.Set("selector", selector);
  if (sa.crypt) o.Set("crypt", AlgorithmToJs(env, *sa.crypt, nullptr));
  if (sa.auth) o.Set("auth", AlgorithmToJs(env, *sa.auth, "truncationBits"));
  if (sa.aead) o.Set("aead", AlgorithmToJs(env, *sa.aead, "icvBits"));
  if (sa.encap) o.Set("encap", EncapToJs(env, *sa.encap, i.family));
  o.Set("lifetime", LifetimeToJs(env, i.lft));
  o.Set("current", CurrentToJs(env, i.curlft));
  Napi::Object stats = Napi::Object::New(env);
  stats.Set("replayWindow", i.stats.replay_window);
  stats.Set("replay", i.stats.replay);
  stats.Set("integrityFailed", i.stats.integrity_failed);
  o.Set("stats", stats);
  return o;
}

PolicyRecord PolicyFromJs(const Fields& f) {
  PolicyRecord p;
  xfrm_userpolicy_info& i = p.info;
  i.sel = SelectorFromJs(f.Nested("selector"));
  i.dir = EnumFromJs(f, "dir", kDirs, 3);
  i.action = EnumFromJs(f, "action", kActions, 2, XFRM_POLICY_ALLOW);
  i.priority = static_cast<uint32_t>(f.Integer("priority", kU32, 0));
  i.index = static_cast<uint32_t>(f.Integer("index", kU32, 0));
  i.flags = static_cast<uint8_t>(f.Integer("flags", 255, 0));
  i.share = XFRM_SHARE_ANY;
  i.lft = LifetimeFromJs(f);
  if (Napi::Value list = f.Array("templates"); !list.IsUndefined()) {
    Napi::Array templates = list.As<Napi::Array>();
    for (uint32_t n = 0; n < templates.Length(); n++) {
      Fields t(templates.Get(n), f.where() + ".templates[" + std::to_string(n) + "]");
      p.templates.push_back(TemplateFromJs(t, i.sel.family));
    }
  }
  return p;
}

Napi::Object PolicyToJs(Napi::Env env, const PolicyRecord& p) {
  const xfrm_userpolicy_info& i = p.info;
  Napi::Object o = Napi::Object::New(env);
  o.Set("selector", SelectorToJs(env, i.sel));
  o.Set("dir", EnumToJs(env, i.dir, kDirs, 3));
  o.Set("action", EnumToJs(env, i.action, kActions, 2));
  o.Set("priority", i.priority);
  o.Set("index", i.index);
  o.Set("flags", i.flags);
  o.Set("type", p.type == XFRM_POLICY_TYPE_MAIN ? "main" : "sub");
  o.Set("lifetime", LifetimeToJs(env, i.lft));
  Napi::Object current = Napi::Object::New(env);
  current.Set("addTime", U64ToJs(env, i.curlft.add_time));
  current.Set("useTime", U64ToJs(env, i.curlft.use_time));
  o.Set("current", current);
  Napi::Array templates = Napi::Array::New(env, p.templates.size());
  for (uint32_t n = 0; n < p.templates.size(); n++) templates.Set(n, TemplateToJs(env, p.templates[n]));
  o.Set("templates", templates);
  return o;
}

xfrm_userspi_info AllocSpiFromJs(const Fields& f) {
  xfrm_userspi_info r{};
  r.info.family = f.Address("src", &r.info.saddr);
  if (f.Address("dst", &r.info.id.daddr) != r.info.family) f.Fail("dst", "is not of the source's address family");
  r.info.id.proto = EnumFromJs(f, "proto", kProtos, 3);
  r.info.reqid = static_cast<uint32_t>(f.Integer("reqid", kU32, 0));
  r.info.mode = EnumFromJs(f, "mode", kModes, 3, XFRM_MODE_TRANSPORT);
  r.min = static_cast<uint32_t>(f.Integer("min", kU32));
  r.max = static_cast<uint32_t>(f.Integer("max", kU32));
  return r;
}

xfrm_usersa_id SaIdFromJs(const Fields& f) {
  xfrm_usersa_id id{};
  id.family = f.Address("dst", &id.daddr);
  id.spi = htonl(static_cast<uint32_t>(f.Integer("spi", kU32)));
  id.proto = EnumFromJs(f, "proto", kProtos, 3);
  return id;
}

xfrm_userpolicy_id PolicyIdFromJs(const Fields& f) {
  xfrm_userpolicy_id id{};
  id.dir = EnumFromJs(f, "dir", kDirs, 3);
  // By index when given (the kernel then ignores the selector), else by selector.
  if (auto index = f.OptionalInteger("index", kU32)) id.index = static_cast<uint32_t>(*index);
  else id.sel = SelectorFromJs(f.Nested("selector"));
  return id;
}

Napi::Object EventToJs(Napi::Env env, const Event& event) {
  if (const auto* acquire = std::get_if<AcquireRecord>(&event)) return AcquireToJs(env, *acquire);
  Napi::Object o = Napi::Object::New(env);
  if (const auto* expire = std::get_if<ExpireRecord>(&event)) {
    o.Set("type", "expire");
    o.Set("hard", expire->hard);
    o.Set("sa", SaToJs(env, expire->sa));
  } else if (const auto* polexpire = std::get_if<PolicyExpireRecord>(&event)) {
    o.Set("type", "polexpire");
    o.Set("hard", polexpire->hard);
    o.Set("policy", PolicyToJs(env, polexpire->policy));
  } else {
    o.Set("type", "overrun");
  }
  return o;
}

}  // namespace ikegate::xfrm

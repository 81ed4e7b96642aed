#include "pfkey_ops.h"

#include "pfkey_decode.h"
#include "pfkey_encode.h"
#include "pfkey_js.h"
#include "xfrm_errno.h"

namespace ikegate::pfkey {

namespace {

enum Index { kGetSpi, kAdd, kUpdate, kDelete, kGet, kDump, kFlush, kSpdAdd, kSpdUpdate, kSpdDelete, kSpdGet,
             kSpdDump, kSpdFlush, kCount };

const OpKind kKinds[kCount] = {
    {"getspi", "SADB_GETSPI", SADB_GETSPI, Shape::kSa},
    {"add", "SADB_ADD", SADB_ADD, Shape::kNone},
    {"update", "SADB_UPDATE", SADB_UPDATE, Shape::kNone},
    {"delete", "SADB_DELETE", SADB_DELETE, Shape::kNone},
    {"get", "SADB_GET", SADB_GET, Shape::kSa},
    {"dump", "SADB_DUMP", SADB_DUMP, Shape::kSaList},
    {"flush", "SADB_FLUSH", SADB_FLUSH, Shape::kNone},
    {"spdadd", "SADB_X_SPDADD", SADB_X_SPDADD, Shape::kPolicyIndex},
    {"spdupdate", "SADB_X_SPDUPDATE", SADB_X_SPDUPDATE, Shape::kPolicyIndex},
    {"spddelete", "SADB_X_SPDDELETE", SADB_X_SPDDELETE, Shape::kNone},
    {"spdget", "SADB_X_SPDGET", SADB_X_SPDGET, Shape::kPolicy},
    {"spddump", "SADB_X_SPDDUMP", SADB_X_SPDDUMP, Shape::kPolicyList},
    {"spdflush", "SADB_X_SPDFLUSH", SADB_X_SPDFLUSH, Shape::kNone},
};

constexpr uint64_t kU32 = 0xffffffffu;

std::vector<uint8_t> Encode(Index index, const Fields& f) {
  const uint8_t type = kKinds[index].type;
  switch (index) {
    case kGetSpi: {
      Address src = HostFromJs(f, "src");
      Address dst = HostFromJs(f, "dst");
      if (dst.family != src.family) f.Fail("dst", "is not of the source's address family");
      std::optional<uint8_t> mode;
      if (f.Has("mode")) mode = ModeFromJs(f, "mode");
      return EncodeGetSpi(xfrm::EnumFromJs(f, "satype", kSatypes + 1, 2), src, dst,
                          static_cast<uint32_t>(f.Integer("min", kU32)), static_cast<uint32_t>(f.Integer("max", kU32)),
                          mode, static_cast<uint32_t>(f.Integer("reqid", kU32, 0)));
    }
    case kAdd:
    case kUpdate: return EncodeSa(type, SaFromJs(f.Nested("sa")));
    case kDelete:
    case kGet: {
      Address src = HostFromJs(f, "src");
      Address dst = HostFromJs(f, "dst");
      if (dst.family != src.family) f.Fail("dst", "is not of the source's address family");
      return EncodeSaId(type, xfrm::EnumFromJs(f, "satype", kSatypes + 1, 2), src, dst,
                        static_cast<uint32_t>(f.Integer("spi", kU32)));
    }
    case kDump:
    case kFlush: return EncodeBare(type, SatypeFromJs(f, "satype", SADB_SATYPE_UNSPEC));
    case kSpdAdd:
    case kSpdUpdate:
    case kSpdDelete: return EncodePolicy(type, PolicyFromJs(f.Nested("policy")));
    case kSpdGet: return EncodePolicyId(type, static_cast<uint32_t>(f.Integer("id", kU32)));
    case kSpdDump:
    case kSpdFlush: return EncodeBare(type, SADB_SATYPE_UNSPEC);
    case kCount: break;
  }
  return {};
}

// The objects of a reply, or null when one does not parse.
Napi::Value Objects(Napi::Env env, Shape shape, const Reply& reply) {
  bool policies = shape == Shape::kPolicy || shape == Shape::kPolicyList;
  Napi::Array list = Napi::Array::New(env);
  uint32_t count = 0;
  for (const std::vector<uint8_t>& bytes : reply.messages) {
    Parsed m;
    if (!Parse(bytes.data(), bytes.size(), &m)) return env.Null();
    if (policies) {
      Policy p;
      if (!DecodePolicy(m, &p)) return env.Null();
      list.Set(count++, PolicyToJs(env, p));
    } else {
      Sa sa;
      if (!DecodeSa(m, &sa)) return env.Null();
      list.Set(count++, SaToJs(env, sa));
    }
  }
  return list;
}

// The index of the policy SPDADD or SPDUPDATE answers with (not the whole policy: a bulk
// install has no use for it), or null when the reply does not parse.
Napi::Value PolicyIndex(Napi::Env env, const Reply& reply) {
  Parsed m;
  Policy policy;
  if (reply.messages.size() != 1 || !Parse(reply.messages[0].data(), reply.messages[0].size(), &m) ||
      !DecodePolicy(m, &policy)) {
    return env.Null();
  }
  return Napi::Number::New(env, policy.id);
}

}  // namespace

Op OpFromJs(const Napi::Value& value, size_t position) {
  return OpFromTable<Op>(value, position, "pfkey", "a PF_KEY", kKinds, [](size_t i, const Fields& f) {
    Request request;
    request.message = Encode(static_cast<Index>(i), f);
    request.dump = IsList(kKinds[i].shape);
    // ADD and DELETE answer with the whole SA, keys included: nothing to keep but the errno.
    request.keep = kKinds[i].shape != Shape::kNone;
    return request;
  });
}

Napi::Value ReplyToJs(Napi::Env env, const OpKind& kind, const Reply& reply) {
  bool list = IsList(kind.shape);
  // An empty table answers a dump with ENOENT.
  if (list && reply.error == ENOENT && reply.syscall.empty()) return Napi::Array::New(env);
  if (reply.error != 0) return xfrm::MakeSystemError(env, reply.error, kind.operation, reply.syscall, "").Value();
  if (kind.shape == Shape::kNone) return env.Undefined();
  Napi::Value objects = kind.shape == Shape::kPolicyIndex ? PolicyIndex(env, reply) : Objects(env, kind.shape, reply);
  if (objects.IsNull() || (objects.IsArray() && !list && objects.As<Napi::Array>().Length() != 1)) {
    return xfrm::MakeSystemError(env, EBADMSG, kind.operation, "", "the kernel's reply could not be parsed").Value();
  }
  return list || !objects.IsArray() ? objects : objects.As<Napi::Array>().Get(0u);
}

Napi::Value DecodeToJs(Napi::Env env, const uint8_t* data, size_t size) {
  Parsed m;
  if (!Parse(data, size, &m)) throw Napi::TypeError::New(env, "pfkey: not a PF_KEY message");
  Napi::Object o = Napi::Object::New(env);
  o.Set("type", m.header.sadb_msg_type);
  o.Set("satype", m.header.sadb_msg_satype);
  o.Set("errno", m.header.sadb_msg_errno);
  o.Set("seq", m.header.sadb_msg_seq);
  o.Set("pid", m.header.sadb_msg_pid);
  Sa sa;
  Policy policy;
  Event event;
  if (m.ext[SADB_X_EXT_POLICY] != nullptr && m.header.sadb_msg_type != SADB_ACQUIRE && DecodePolicy(m, &policy)) {
    o.Set("policy", PolicyToJs(env, policy));
  } else if (DecodeEvent(m, &event)) {
    o.Set("event", EventToJs(env, event));
  } else if (DecodeSa(m, &sa)) {
    o.Set("sa", SaToJs(env, sa));
  }
  return o;
}

}  // namespace ikegate::pfkey

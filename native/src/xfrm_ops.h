#ifndef IKEGATE_NATIVE_XFRM_OPS_H_
#define IKEGATE_NATIVE_XFRM_OPS_H_

#include <napi.h>

#include <vector>

#include "xfrm_netlink.h"
#include "xfrm_types.h"

namespace ikegate::xfrm {

// What a request's successful reply carries.
enum class Shape { kNone, kSa, kSaList, kPolicy, kPolicyList };

struct OpKind {
  const char* name;       // as JavaScript names it: 'newsa'
  const char* operation;  // as errors name it: 'XFRM_MSG_NEWSA'
  Shape shape;
};

struct Op {
  const OpKind* kind;
  Request request;
};

// Builds the request for one JavaScript op ({ op: 'newsa', sa: {...} }); throws a TypeError
// naming the field for malformed input.
Op OpFromJs(const Napi::Value& value, size_t position);

// The reply's objects, parsed on the threadpool. `error` is EBADMSG when the kernel's reply
// did not have the expected shape.
struct Decoded {
  int error = 0;
  std::vector<SaRecord> sas;
  std::vector<PolicyRecord> policies;
};
Decoded DecodeReply(const OpKind& kind, const Reply& reply);

// undefined, an object or an array of them, per the op's shape.
Napi::Value DecodedToJs(Napi::Env env, const OpKind& kind, const Decoded& decoded);

}  // namespace ikegate::xfrm

#endif  // IKEGATE_NATIVE_XFRM_OPS_H_

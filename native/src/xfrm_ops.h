#ifndef IKEGATE_NATIVE_XFRM_OPS_H_
#define IKEGATE_NATIVE_XFRM_OPS_H_

#include <napi.h>

#include <vector>

#include "op_table.h"
#include "xfrm_netlink.h"
#include "xfrm_types.h"

namespace ikegate::xfrm {

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
// did not have the expected shape. A policy install's reply holds the kernel's announcement
// of the policy (XFRMNLGRP_POLICY) when it came.
struct Decoded {
  int error = 0;
  std::vector<SaRecord> sas;
  std::vector<PolicyRecord> policies;
};
Decoded DecodeReply(const OpKind& kind, const Reply& reply);

// undefined, an object or an array of them, per the op's shape; for a policy install its
// index, or undefined when the announcement was lost (the caller may read the policy).
Napi::Value DecodedToJs(Napi::Env env, const OpKind& kind, const Decoded& decoded);

}  // namespace ikegate::xfrm

#endif  // IKEGATE_NATIVE_XFRM_OPS_H_

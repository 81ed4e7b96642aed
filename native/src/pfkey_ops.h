#ifndef IKEGATE_NATIVE_PFKEY_OPS_H_
#define IKEGATE_NATIVE_PFKEY_OPS_H_

#include <napi.h>

#include "op_table.h"
#include "pfkey_channel.h"

namespace ikegate::pfkey {

struct OpKind {
  const char* name;       // as JavaScript names it: 'getspi'
  const char* operation;  // as errors name it: 'SADB_GETSPI'
  uint8_t type;
  Shape shape;
};

struct Op {
  const OpKind* kind;
  Request request;
};

// Builds the request for one JavaScript op ({ op: 'add', sa: {...} }); throws a TypeError
// naming the field for malformed input.
Op OpFromJs(const Napi::Value& value, size_t position);

// The reply as JavaScript (undefined, an object or an array, per the op's shape; an installed
// policy's index), or an Error: the kernel's errno, EBADMSG for a reply of the wrong shape.
Napi::Value ReplyToJs(Napi::Env env, const OpKind& kind, const Reply& reply);

// Any PF_KEY message as ikegate reads it: its header, and the SA, policy or event it carries
// (for pfkeyDecode, the codec's test hook). Throws a TypeError when it does not parse.
Napi::Value DecodeToJs(Napi::Env env, const uint8_t* data, size_t size);

}  // namespace ikegate::pfkey

#endif  // IKEGATE_NATIVE_PFKEY_OPS_H_

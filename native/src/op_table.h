#ifndef IKEGATE_NATIVE_OP_TABLE_H_
#define IKEGATE_NATIVE_OP_TABLE_H_

#include <napi.h>

#include <cstddef>
#include <string>

#include "xfrm_fields.h"

namespace ikegate {

// What a request's successful reply carries, for the XFRM and PF_KEY sockets alike: nothing,
// one SA or policy, a dump's list of them, or the index the kernel gave an installed policy.
enum class Shape { kNone, kSa, kSaList, kPolicy, kPolicyList, kPolicyIndex };

// A dump: many replies, sent on its own.
inline bool IsList(Shape shape) { return shape == Shape::kSaList || shape == Shape::kPolicyList; }

// Reads ops[position] ({ op: 'name', ... }) as the op of `kinds` (each with a `name`) it names,
// with `build(index, fields)` making its request; throws a TypeError naming the field for
// malformed input. `subsystem` starts messages ("pfkey"), `interface` names the operations
// in them ("a PF_KEY").
template <typename Op, typename Kind, size_t N, typename Build>
Op OpFromTable(const Napi::Value& value, size_t position, const char* subsystem, const char* interface,
               const Kind (&kinds)[N], Build build) {
  xfrm::Fields fields(value, "ops[" + std::to_string(position) + "]", subsystem);
  std::string name = fields.String("op");
  for (size_t i = 0; i < N; i++) {
    if (name == kinds[i].name) return Op{&kinds[i], build(i, fields)};
  }
  fields.Fail("op", std::string("is not ") + interface + " operation: '" + name + "'");
}

}  // namespace ikegate

#endif  // IKEGATE_NATIVE_OP_TABLE_H_

#ifndef IKEGATE_NATIVE_PFKEY_DECODE_H_
#define IKEGATE_NATIVE_PFKEY_DECODE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <variant>

#include "pfkey_types.h"

namespace ikegate::pfkey {

// A message split into its header and extensions (null where absent). Parse returns false on
// a message whose lengths do not add up: it is not read further.
struct Parsed {
  sadb_msg header{};
  std::array<const uint8_t*, SADB_EXT_MAX + 1> ext{};
  std::array<size_t, SADB_EXT_MAX + 1> length{};  // bytes
};
bool Parse(const uint8_t* data, size_t size, Parsed* out);

// Each returns false when an extension the object needs is missing or malformed.
bool DecodeSa(const Parsed& message, Sa* sa);              // GETSPI, GET, DUMP, ADD/UPDATE replies, EXPIRE
bool DecodePolicy(const Parsed& message, Policy* policy);  // SPDADD/SPDUPDATE/SPDGET replies, SPDDUMP
bool DecodeSupported(const Parsed& message, Supported* supported);  // REGISTER
bool DecodeAcquire(const Parsed& message, Acquire* acquire);

// What a registered socket hears that ikegate acts on; Overrun stands for messages the
// kernel could not queue (ENOBUFS).
struct Overrun {};
using Event = std::variant<Acquire, Expire, Supported, Overrun>;
// False for other message types (the ADD/DELETE broadcasts every PF_KEY socket receives).
bool DecodeEvent(const Parsed& message, Event* event);
// Whether a message is one DecodeEvent may report: ACQUIRE and EXPIRE from the kernel itself
// (pid 0), REGISTER answers; so a request batch knows what to hand the monitor.
bool IsEvent(const sadb_msg& header);

}  // namespace ikegate::pfkey

#endif  // IKEGATE_NATIVE_PFKEY_DECODE_H_

#ifndef IKEGATE_NATIVE_XFRM_DECODE_H_
#define IKEGATE_NATIVE_XFRM_DECODE_H_

#include <linux/netlink.h>

#include <variant>

#include "xfrm_types.h"

namespace ikegate::xfrm {

// Each returns false on a message too short for what its type promises.
bool DecodeSa(const nlmsghdr* message, SaRecord* sa);              // NEWSA (GETSA, ALLOCSPI, dumps)
bool DecodePolicy(const nlmsghdr* message, PolicyRecord* policy);  // NEWPOLICY (GETPOLICY, dumps)

// The multicast messages ikegate listens to; Overrun stands for events the kernel dropped
// because the socket's queue was full (ENOBUFS).
struct Overrun {};
using Event = std::variant<AcquireRecord, ExpireRecord, PolicyExpireRecord, Overrun>;

// False for messages of other types and malformed ones: they are skipped.
bool DecodeEvent(const nlmsghdr* message, Event* event);

}  // namespace ikegate::xfrm

#endif  // IKEGATE_NATIVE_XFRM_DECODE_H_

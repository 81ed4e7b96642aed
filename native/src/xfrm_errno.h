#ifndef IKEGATE_NATIVE_XFRM_ERRNO_H_
#define IKEGATE_NATIVE_XFRM_ERRNO_H_

#include <napi.h>

#include <string>

namespace ikegate::xfrm {

// "EEXIST" for EEXIST; "ERRNO_<n>" for a number the C library has no name for.
std::string ErrnoName(int error);

// An Error whose message reads "<operation>: <strerror>[: <kernel message>] (<CODE>)" and which
// carries code (errno name), errno (positive), operation (e.g. XFRM_MSG_NEWSA), syscall when
// the failure was a call on this side of the socket, and kernelMessage (the netlink extended
// ack, which often says more than the errno: "Requested type not found").
Napi::Error MakeSystemError(Napi::Env env, int error, const std::string& operation,
                            const std::string& syscall, const std::string& kernelMessage);

}  // namespace ikegate::xfrm

#endif  // IKEGATE_NATIVE_XFRM_ERRNO_H_

#ifndef IKEGATE_NATIVE_XFRM_NETNS_H_
#define IKEGATE_NATIVE_XFRM_NETNS_H_

#include <string>

namespace ikegate::xfrm {

// A failed system call: errno and its name, for the JavaScript error.
struct SysError {
  int error = 0;
  const char* syscall = "";
  explicit operator bool() const { return error != 0; }
};

// Creates a netlink socket of `protocol` inside the network namespace whose file is
// `netnsPath` (e.g. /run/netns/NAME), or in the caller's when the path is empty. XFRM state
// is per namespace and a socket stays in the namespace it was created in, so the calling
// thread enters the namespace for the socket() call alone and then returns.
SysError OpenNetlink(int protocol, bool nonblocking, const std::string& netnsPath, int* fd);

// The same for any socket: PF_KEY sockets (af_key keeps its tables per namespace too).
SysError OpenSocket(int domain, int type, int protocol, const std::string& netnsPath, int* fd);

}  // namespace ikegate::xfrm

#endif  // IKEGATE_NATIVE_XFRM_NETNS_H_

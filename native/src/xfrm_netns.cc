#include "xfrm_netns.h"

#include <fcntl.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <linux/netlink.h>

namespace ikegate::xfrm {

SysError OpenNetlink(int protocol, bool nonblocking, const std::string& netnsPath, int* fd) {
  int type = SOCK_RAW | SOCK_CLOEXEC | (nonblocking ? SOCK_NONBLOCK : 0);
  return OpenSocket(AF_NETLINK, type, protocol, netnsPath, fd);
}

SysError OpenSocket(int domain, int type, int protocol, const std::string& netnsPath, int* fd) {
  if (netnsPath.empty()) {
    *fd = socket(domain, type, protocol);
    return *fd < 0 ? SysError{errno, "socket"} : SysError{};
  }
  int target = open(netnsPath.c_str(), O_RDONLY | O_CLOEXEC);
  if (target < 0) return {errno, "open"};
  // thread-self, not self: setns moves only this thread, and self names the main thread.
  int home = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
  if (home < 0) {
    int error = errno;
    close(target);
    return {error, "open"};
  }
  SysError result;
  if (setns(target, CLONE_NEWNET) != 0) {
    result = {errno, "setns"};
  } else {
    *fd = socket(domain, type, protocol);
    if (*fd < 0) result = {errno, "socket"};
    if (setns(home, CLONE_NEWNET) != 0) {
      // Every later socket of this thread (Node's main thread) would silently live in the
      // wrong namespace; there is no safe way to go on.
      std::fprintf(stderr, "ikegate: cannot return to the original network namespace: %s\n",
                   std::strerror(errno));
      std::abort();
    }
  }
  close(home);
  close(target);
  return result;
}

}  // namespace ikegate::xfrm

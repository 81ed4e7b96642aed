#include "udp_send.h"

#include <arpa/inet.h>
#include <dirent.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <string>

namespace ikegate {
namespace udp {

namespace {

// An IPv4 or IPv6 literal (IPv6 with an optional %zone, by name or number) and a port as a
// socket address; false when the text is neither.
bool ToSockaddr(const std::string& text, uint32_t port, sockaddr_storage* out, socklen_t* length) {
  std::memset(out, 0, sizeof(*out));
  auto* v4 = reinterpret_cast<sockaddr_in*>(out);
  if (inet_pton(AF_INET, text.c_str(), &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    *length = sizeof(sockaddr_in);
    return true;
  }
  auto* v6 = reinterpret_cast<sockaddr_in6*>(out);
  const size_t zone = text.find('%');
  if (inet_pton(AF_INET6, text.substr(0, zone).c_str(), &v6->sin6_addr) != 1) return false;
  if (zone != std::string::npos) {
    const std::string name = text.substr(zone + 1);
    char* end = nullptr;
    const unsigned long number = std::strtoul(name.c_str(), &end, 10);
    v6->sin6_scope_id = !name.empty() && *end == '\0' ? static_cast<uint32_t>(number) : if_nametoindex(name.c_str());
    if (v6->sin6_scope_id == 0) return false;
  }
  v6->sin6_family = AF_INET6;
  v6->sin6_port = htons(static_cast<uint16_t>(port));
  *length = sizeof(sockaddr_in6);
  return true;
}

bool SameAddress(const sockaddr_storage& a, const sockaddr_storage& b) {
  if (a.ss_family != b.ss_family) return false;
  if (a.ss_family == AF_INET) {
    const auto& x = reinterpret_cast<const sockaddr_in&>(a);
    const auto& y = reinterpret_cast<const sockaddr_in&>(b);
    return x.sin_port == y.sin_port && x.sin_addr.s_addr == y.sin_addr.s_addr;
  }
  const auto& x = reinterpret_cast<const sockaddr_in6&>(a);
  const auto& y = reinterpret_cast<const sockaddr_in6&>(b);
  return x.sin6_port == y.sin6_port && std::memcmp(&x.sin6_addr, &y.sin6_addr, sizeof(in6_addr)) == 0;
}

std::string StringArg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (i >= info.Length() || !info[i].IsString()) throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a string");
  return info[i].As<Napi::String>().Utf8Value();
}

uint32_t PortArg(const Napi::CallbackInfo& info, size_t i) {
  if (i >= info.Length() || !info[i].IsNumber()) throw Napi::TypeError::New(info.Env(), "port must be a number");
  const double port = info[i].As<Napi::Number>().DoubleValue();
  if (!(port >= 0 && port <= 65535) || port != static_cast<uint32_t>(port)) throw Napi::RangeError::New(info.Env(), "port must be 0-65535");
  return static_cast<uint32_t>(port);
}

// udpSocketFd(address, port): the descriptor of this process's UDP socket bound to exactly
// that address and port, or -1. dgram does not expose its descriptor; a socket it bound
// without SO_REUSEADDR is the only one on that address and port.
Napi::Value UdpSocketFd(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  sockaddr_storage wanted;
  socklen_t length = 0;
  if (!ToSockaddr(StringArg(info, 0, "address"), PortArg(info, 1), &wanted, &length)) {
    throw Napi::TypeError::New(env, "address must be an IPv4 or IPv6 address");
  }
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) throw Napi::Error::New(env, std::string("cannot list /proc/self/fd: ") + std::strerror(errno));
  int found = -1;
  while (dirent* entry = readdir(dir)) {
    char* end = nullptr;
    const long fd = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0' || fd == dirfd(dir)) continue;
    int type = 0;
    socklen_t type_length = sizeof(type);
    if (getsockopt(static_cast<int>(fd), SOL_SOCKET, SO_TYPE, &type, &type_length) != 0 || type != SOCK_DGRAM) continue;
    sockaddr_storage bound;
    socklen_t bound_length = sizeof(bound);
    if (getsockname(static_cast<int>(fd), reinterpret_cast<sockaddr*>(&bound), &bound_length) != 0) continue;
    if (SameAddress(bound, wanted)) {
      found = static_cast<int>(fd);
      break;
    }
  }
  closedir(dir);
  return Napi::Number::New(env, found);
}

// udpSend(fd, address, port, data[, prefix]): sends prefix || data as one datagram, without
// waiting; 0, or the errno (EAGAIN when the send buffer is full).
Napi::Value UdpSend(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 4 || !info[0].IsNumber()) throw Napi::TypeError::New(env, "fd must be a number");
  const int fd = info[0].As<Napi::Number>().Int32Value();
  sockaddr_storage to;
  socklen_t length = 0;
  if (!ToSockaddr(StringArg(info, 1, "address"), PortArg(info, 2), &to, &length)) {
    throw Napi::TypeError::New(env, "address must be an IPv4 or IPv6 address");
  }
  iovec parts[2];
  size_t count = 0;
  for (size_t i : {size_t{4}, size_t{3}}) {
    if (i >= info.Length() || info[i].IsUndefined()) continue;
    if (!info[i].IsBuffer()) throw Napi::TypeError::New(env, i == 3 ? "data must be a Buffer" : "prefix must be a Buffer");
    auto buffer = info[i].As<Napi::Buffer<uint8_t>>();
    parts[count++] = {buffer.Data(), buffer.Length()};
  }
  msghdr message{};
  message.msg_name = &to;
  message.msg_namelen = length;
  message.msg_iov = parts;
  message.msg_iovlen = count;
  ssize_t sent;
  do {
    sent = sendmsg(fd, &message, MSG_DONTWAIT | MSG_NOSIGNAL);
  } while (sent < 0 && errno == EINTR);
  return Napi::Number::New(env, sent < 0 ? errno : 0);
}

}  // namespace

void RegisterUdpSend(Napi::Env env, Napi::Object exports) {
  exports.Set("udpSocketFd", Napi::Function::New(env, UdpSocketFd, "udpSocketFd"));
  exports.Set("udpSend", Napi::Function::New(env, UdpSend, "udpSend"));
}

}  // namespace udp
}  // namespace ikegate

#ifndef IKEGATE_NATIVE_SOCKET_CLASS_H_
#define IKEGATE_NATIVE_SOCKET_CLASS_H_

#include <napi.h>

#include <cerrno>
#include <string>

#include "xfrm_errno.h"
#include "xfrm_fields.h"
#include "xfrm_netns.h"

namespace ikegate {

// What the addon's request socket classes (XfrmSocket, PfkeySocket, RtnlSocket) share: their
// constructor's options ({ netns? }), the error when the socket cannot open, and the
// arguments of execute(). `subsystem` starts TypeError messages ("pfkey").

// The network namespace file the options name; "" for this process's namespace.
inline std::string NetnsOption(const Napi::CallbackInfo& info, const char* subsystem) {
  if (info.Length() == 0 || info[0].IsUndefined()) return "";
  xfrm::Fields options(info[0], "options", subsystem);
  return options.Has("netns") ? options.String("netns") : "";
}

// Throws the Error for `what` ("PF_KEY socket") failing to open, in `netns` if one was named.
[[noreturn]] inline void ThrowOpenError(Napi::Env env, xfrm::SysError error, const std::string& what, const std::string& netns) {
  std::string operation = netns.empty() ? "open " + what : "open " + what + " in " + netns;
  throw xfrm::MakeSystemError(env, error.error, operation, error.syscall, "");
}

// The ops array of execute(ops), on a socket close() has not dropped (`socket` is its name
// in the EBADF error: "XFRM socket").
template <typename Channel>
Napi::Array ExecuteOps(const Napi::CallbackInfo& info, const Channel& channel, const char* socket, const char* subsystem) {
  Napi::Env env = info.Env();
  if (!channel) throw xfrm::MakeSystemError(env, EBADF, "execute", "", std::string("the ") + socket + " is closed");
  if (info.Length() < 1 || !info[0].IsArray()) throw Napi::TypeError::New(env, std::string(subsystem) + ": execute(ops) takes an array");
  return info[0].As<Napi::Array>();
}

}  // namespace ikegate

#endif  // IKEGATE_NATIVE_SOCKET_CLASS_H_

#include "xfrm_errno.h"

#include <cstring>

namespace ikegate::xfrm {

// glibc 2.32+ names and describes errno values without the locale or thread caveats of
// strerror; Debian bookworm (the boards' userland too) has 2.36.
std::string ErrnoName(int error) {
  const char* name = strerrorname_np(error);
  return name != nullptr ? name : "ERRNO_" + std::to_string(error);
}

Napi::Error MakeSystemError(Napi::Env env, int error, const std::string& operation,
                            const std::string& syscall, const std::string& kernelMessage) {
  const char* description = strerrordesc_np(error);
  std::string code = ErrnoName(error);
  std::string message = operation + ": " + (description != nullptr ? description : code);
  if (!kernelMessage.empty()) message += ": " + kernelMessage;
  message += " (" + code + ")";
  Napi::Error result = Napi::Error::New(env, message);
  Napi::Object object = result.Value();
  object.Set("code", code);
  object.Set("errno", error);
  object.Set("operation", operation);
  if (!syscall.empty()) object.Set("syscall", syscall);
  if (!kernelMessage.empty()) object.Set("kernelMessage", kernelMessage);
  return result;
}

}  // namespace ikegate::xfrm

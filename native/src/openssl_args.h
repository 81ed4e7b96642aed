#ifndef IKEGATE_NATIVE_OPENSSL_ARGS_H_
#define IKEGATE_NATIVE_OPENSSL_ARGS_H_

#include <napi.h>
#include <openssl/err.h>

#include <cstdint>
#include <string>

namespace ikegate {
namespace crypto {

// Leaves OpenSSL's error queue empty (node:crypto reads it after its own calls) and throws
// with OpenSSL's reason.
[[noreturn]] inline void Fail(Napi::Env env, const std::string& what) {
  char reason[256] = "unknown OpenSSL error";
  if (unsigned long code = ERR_get_error()) ERR_error_string_n(code, reason, sizeof(reason));
  ERR_clear_error();
  throw Napi::Error::New(env, what + ": " + reason);
}

inline Napi::Buffer<uint8_t> BufferArg(const Napi::CallbackInfo& info, size_t i, const char* what) {
  if (i >= info.Length() || !info[i].IsBuffer()) throw Napi::TypeError::New(info.Env(), std::string(what) + " must be a Buffer");
  return info[i].As<Napi::Buffer<uint8_t>>();
}

// Argument i, a Buffer of exactly `length` bytes: an output JavaScript allocated from its pool
// (a Buffer made here would be an ArrayBuffer of its own, which costs heap for every key an SA
// keeps), or an input of fixed size.
inline uint8_t* SizedBufferArg(const Napi::CallbackInfo& info, size_t i, const char* what, size_t length) {
  Napi::Buffer<uint8_t> buffer = BufferArg(info, i, what);
  if (buffer.Length() != length) throw Napi::RangeError::New(info.Env(), std::string(what) + " must be " + std::to_string(length) + " bytes");
  return buffer.Data();
}

}  // namespace crypto
}  // namespace ikegate

#endif  // IKEGATE_NATIVE_OPENSSL_ARGS_H_

#include "version.h"

namespace ikegate {

namespace {

Napi::Value Version(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Object result = Napi::Object::New(env);
  result.Set("addon", Napi::String::New(env, IKEGATE_VERSION));
  result.Set("napi", Napi::Number::New(env, NAPI_VERSION));
  return result;
}

}  // namespace

void RegisterVersion(Napi::Env env, Napi::Object exports) {
  exports.Set("version", Napi::Function::New(env, Version, "version"));
}

}  // namespace ikegate

// Module entry point: each concern registers its own exports.
#include <napi.h>

#include "version.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  ikegate::RegisterVersion(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(ikegate, Init)

// Module entry point: each concern registers its own exports.
#include <napi.h>

#include "version.h"
#include "xfrm_monitor.h"
#include "xfrm_socket.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  ikegate::RegisterVersion(env, exports);
  ikegate::xfrm::XfrmSocket::Register(env, exports);
  ikegate::xfrm::XfrmMonitor::Register(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(ikegate, Init)

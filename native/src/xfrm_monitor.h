#ifndef IKEGATE_NATIVE_XFRM_MONITOR_H_
#define IKEGATE_NATIVE_XFRM_MONITOR_H_

#include <napi.h>
#include <uv.h>

#include <memory>
#include <vector>

namespace ikegate::xfrm {

// JavaScript: new XfrmMonitor({ netns?, groups? }, onEvents); close(); ref(); unref().
// A non-blocking netlink socket joined to XFRM's multicast groups (acquire, expire: SA and
// policy expiries share the latter), watched by uv_poll on Node's own loop. Readiness and
// reading both happen on the JS thread, so events are delivered with a plain MakeCallback:
// no thread, no thread-safe function. onEvents gets an array of the events one wake-up read.
class XfrmMonitor : public Napi::ObjectWrap<XfrmMonitor> {
 public:
  static void Register(Napi::Env env, Napi::Object exports);
  explicit XfrmMonitor(const Napi::CallbackInfo& info);
  ~XfrmMonitor() override;

 private:
  // Owned by libuv from uv_close until its close callback, which also closes the socket.
  struct Poll {
    uv_poll_t handle;
    int fd;
  };

  static void OnReadable(uv_poll_t* handle, int status, int events);
  static void OnClosed(uv_handle_t* handle);
  static void OnEnvCleanup(void* monitor);
  void Drain();
  void Deliver(Napi::Value events);
  void Stop();  // stops polling and closes the socket

  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value HandleRef(const Napi::CallbackInfo& info);
  Napi::Value HandleUnref(const Napi::CallbackInfo& info);

  Poll* poll_ = nullptr;  // null once polling stopped (closed, or the descriptor broke)
  bool open_ = false;     // until close(): holds a reference to itself and the callback
  Napi::FunctionReference callback_;
  std::unique_ptr<Napi::AsyncContext> context_;
  std::vector<uint8_t> buffer_;
};

}  // namespace ikegate::xfrm

#endif  // IKEGATE_NATIVE_XFRM_MONITOR_H_

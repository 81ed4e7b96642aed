#ifndef IKEGATE_NATIVE_XFRM_MONITOR_H_
#define IKEGATE_NATIVE_XFRM_MONITOR_H_

#include <napi.h>

#include "event_monitor.h"

namespace ikegate::xfrm {

// JavaScript: new XfrmMonitor({ netns?, groups? }, onEvents); close(); ref(); unref().
// A non-blocking netlink socket joined to XFRM's multicast groups (acquire, expire: SA and
// policy expiries share the latter), polled on Node's loop (event_monitor.h). onEvents gets
// an array of the events one wake-up read.
class XfrmMonitor : public EventMonitor<XfrmMonitor> {
 public:
  static void Register(Napi::Env env, Napi::Object exports);
  explicit XfrmMonitor(const Napi::CallbackInfo& info);

 private:
  friend class EventMonitor<XfrmMonitor>;
  void DatagramToJs(Napi::Env env, const uint8_t* data, size_t length, EventList& events);
  Napi::Value OverrunToJs(Napi::Env env);
};

}  // namespace ikegate::xfrm

#endif  // IKEGATE_NATIVE_XFRM_MONITOR_H_

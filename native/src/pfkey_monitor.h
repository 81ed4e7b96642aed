#ifndef IKEGATE_NATIVE_PFKEY_MONITOR_H_
#define IKEGATE_NATIVE_PFKEY_MONITOR_H_

#include <napi.h>

#include "event_monitor.h"

namespace ikegate::pfkey {

// JavaScript: new PfkeyMonitor({ netns?, satypes? }, onEvents); close(); ref(); unref().
// A non-blocking PF_KEY socket that sent SADB_REGISTER for each SA type (ESP and AH unless
// told), so the kernel sends it ACQUIRE and EXPIRE; polled on Node's loop (event_monitor.h).
// The kernel's answers to the registrations arrive as 'register' events listing its
// algorithms.
class PfkeyMonitor : public EventMonitor<PfkeyMonitor> {
 public:
  static void Register(Napi::Env env, Napi::Object exports);
  explicit PfkeyMonitor(const Napi::CallbackInfo& info);

 private:
  friend class EventMonitor<PfkeyMonitor>;
  void DatagramToJs(Napi::Env env, const uint8_t* data, size_t length, EventList& events);
  Napi::Value OverrunToJs(Napi::Env env);
};

}  // namespace ikegate::pfkey

#endif  // IKEGATE_NATIVE_PFKEY_MONITOR_H_

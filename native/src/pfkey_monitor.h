#ifndef IKEGATE_NATIVE_PFKEY_MONITOR_H_
#define IKEGATE_NATIVE_PFKEY_MONITOR_H_

#include <napi.h>

#include "event_monitor.h"

namespace ikegate::pfkey {

// JavaScript: new PfkeyMonitor(pfkeySocket, onEvents, { satypes? }); close(); ref(); unref().
// Registers a PfkeySocket's socket (SADB_REGISTER for each SA type, ESP and AH unless told),
// so the kernel sends it ACQUIRE and EXPIRE, and polls it on Node's loop, sharing it with
// the socket's batches (event_monitor.h, shared_socket.h). The kernel's answers to the
// registrations arrive as 'register' events listing its algorithms.
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

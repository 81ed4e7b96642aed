#ifndef IKEGATE_NATIVE_CRYPTO_UEVENTS_H_
#define IKEGATE_NATIVE_CRYPTO_UEVENTS_H_

#include <napi.h>

#include "event_monitor.h"

namespace ikegate::crypto {

// JavaScript: new DeviceMonitor(onEvents); close(); ref(); unref().
// The kernel's device events (NETLINK_KOBJECT_UEVENT, the kernel's own multicast group, not
// udev's), polled on Node's loop (event_monitor.h): a card plugged in or pulled out shows up
// here as add/bind/unbind/remove of its PCI and bus devices. onEvents gets an array of
// { action, devpath, subsystem?, driver?, modalias? } per wake-up ({ action: 'overrun' } when
// the kernel dropped some); which of them concern crypto cards is for JavaScript to decide.
class DeviceMonitor : public EventMonitor<DeviceMonitor> {
 public:
  static void Register(Napi::Env env, Napi::Object exports);
  explicit DeviceMonitor(const Napi::CallbackInfo& info);

 private:
  friend class EventMonitor<DeviceMonitor>;
  void DatagramToJs(Napi::Env env, const uint8_t* data, size_t length, EventList& events);
  Napi::Value OverrunToJs(Napi::Env env);
};

}  // namespace ikegate::crypto

#endif  // IKEGATE_NATIVE_CRYPTO_UEVENTS_H_

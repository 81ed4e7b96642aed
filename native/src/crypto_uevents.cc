#include "crypto_uevents.h"

#include <linux/netlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "xfrm_netlink.h"
#include "xfrm_netns.h"

namespace ikegate::crypto {

namespace {

// The kernel sends its uevents to group 1; udev re-broadcasts them (group 2) with its own header.
constexpr unsigned int kKernelGroup = 1;
// A hot-plugged card brings a handful of events; a whole bus rescan brings hundreds.
constexpr int kSocketBufferBytes = 1 << 20;
// UEVENT_BUFFER_SIZE is 2048; leave room for a kernel that raises it.
constexpr size_t kReceiveBuffer = 16 << 10;

// "ACTION@DEVPATH\0KEY=VALUE\0...": the keys JavaScript gets, under their JavaScript names.
struct Key {
  const char* prefix;
  const char* name;
};
const Key kKeys[] = {
    {"ACTION=", "action"}, {"DEVPATH=", "devpath"}, {"SUBSYSTEM=", "subsystem"},
    {"DRIVER=", "driver"}, {"MODALIAS=", "modalias"},
};

// Undefined for a datagram that is not a kernel uevent (no "@" header, no ACTION or DEVPATH).
Napi::Value EventToJs(Napi::Env env, const char* data, size_t length) {
  const char* end = data + length;
  size_t headerLength = strnlen(data, length);
  if (headerLength == length || std::memchr(data, '@', headerLength) == nullptr) return env.Undefined();
  Napi::Object event = Napi::Object::New(env);
  for (const char* field = data + headerLength + 1; field < end; field += strnlen(field, end - field) + 1) {
    size_t fieldLength = strnlen(field, end - field);
    for (const Key& key : kKeys) {
      size_t prefixLength = std::strlen(key.prefix);
      if (fieldLength > prefixLength && std::strncmp(field, key.prefix, prefixLength) == 0) {
        event.Set(key.name, std::string(field + prefixLength, fieldLength - prefixLength));
      }
    }
  }
  if (!event.Has("action") || !event.Has("devpath")) return env.Undefined();
  return event;
}

}  // namespace

void DeviceMonitor::Register(Napi::Env env, Napi::Object exports) {
  exports.Set("DeviceMonitor", DefineMonitor(env, "DeviceMonitor"));
}

DeviceMonitor::DeviceMonitor(const Napi::CallbackInfo& info) : EventMonitor<DeviceMonitor>(info) {
  Napi::Env env = info.Env();
  Napi::Function onEvents = OnEventsArgument(info, 0, "crypto: DeviceMonitor");
  int fd = -1;
  xfrm::SysError error = xfrm::OpenNetlink(NETLINK_KOBJECT_UEVENT, true, "", &fd);
  if (!error) {
    xfrm::SetBuffer(fd, SO_RCVBUF, SO_RCVBUFFORCE, kSocketBufferBytes);
    sockaddr_nl local{};
    local.nl_family = AF_NETLINK;
    local.nl_groups = kKernelGroup;
    if (bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) error = {errno, "bind"};
  }
  Listen(env, fd, error, onEvents, "kernel device event socket", kReceiveBuffer);
}

void DeviceMonitor::DatagramToJs(Napi::Env env, const uint8_t* data, size_t length, EventList& events) {
  Napi::Value event = EventToJs(env, reinterpret_cast<const char*>(data), length);
  if (!event.IsUndefined()) events.Add(event);
}

// Events were dropped: JavaScript rescans, so tell it something happened.
Napi::Value DeviceMonitor::OverrunToJs(Napi::Env env) {
  Napi::Object overrun = Napi::Object::New(env);
  overrun.Set("action", "overrun");
  return overrun;
}

}  // namespace ikegate::crypto

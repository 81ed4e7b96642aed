#include "xfrm_monitor.h"

#include <linux/netlink.h>
#include <linux/xfrm.h>
#include <sys/socket.h>

#include <cerrno>
#include <string>
#include <vector>

#include "xfrm_decode.h"
#include "xfrm_errno.h"
#include "xfrm_js.h"
#include "xfrm_netlink.h"
#include "xfrm_netns.h"

namespace ikegate::xfrm {

namespace {

// A burst of ACQUIREs (a whole LAN's traffic meeting new policies) must not overflow the queue.
constexpr int kEventBufferBytes = 8 << 20;
constexpr size_t kReceiveBuffer = 64 << 10;

struct Group {
  const char* name;
  unsigned int group;
};
const Group kGroups[] = {{"acquire", XFRMNLGRP_ACQUIRE}, {"expire", XFRMNLGRP_EXPIRE}};

std::vector<unsigned int> GroupsOption(const Fields& options) {
  Napi::Value list = options.Array("groups");
  if (list.IsUndefined()) return {XFRMNLGRP_ACQUIRE, XFRMNLGRP_EXPIRE};
  std::vector<unsigned int> groups;
  Napi::Array names = list.As<Napi::Array>();
  for (uint32_t i = 0; i < names.Length(); i++) {
    Napi::Value name = names.Get(i);
    std::string text = name.IsString() ? name.As<Napi::String>().Utf8Value() : "";
    bool known = false;
    for (const Group& g : kGroups) {
      if (text == g.name) {
        groups.push_back(g.group);
        known = true;
      }
    }
    if (!known) options.Fail("groups", "may name 'acquire' and 'expire', got '" + text + "'");
  }
  return groups;
}

}  // namespace

void XfrmMonitor::Register(Napi::Env env, Napi::Object exports) {
  exports.Set("XfrmMonitor", DefineMonitor(env, "XfrmMonitor"));
}

XfrmMonitor::XfrmMonitor(const Napi::CallbackInfo& info) : EventMonitor<XfrmMonitor>(info) {
  Napi::Env env = info.Env();
  Fields options = OptionsArgument(info, "xfrm");
  Napi::Function onEvents = OnEventsArgument(info, 1, "xfrm: XfrmMonitor");
  std::string netns = options.Has("netns") ? options.String("netns") : "";
  std::vector<unsigned int> groups = GroupsOption(options);

  int fd = -1;
  SysError error = OpenNetlink(NETLINK_XFRM, true, netns, &fd);
  if (!error) {
    SetBuffer(fd, SO_RCVBUF, SO_RCVBUFFORCE, kEventBufferBytes);
    sockaddr_nl local{};
    local.nl_family = AF_NETLINK;
    if (bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) error = {errno, "bind"};
    for (unsigned int group : groups) {
      if (!error && setsockopt(fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof group) != 0) {
        error = {errno, "setsockopt"};
      }
    }
  }
  Listen(env, fd, error, onEvents, "XFRM event socket", kReceiveBuffer);
}

void XfrmMonitor::DatagramToJs(Napi::Env env, const uint8_t* data, size_t length, EventList& events) {
  for (const nlmsghdr* h = reinterpret_cast<const nlmsghdr*>(data); NLMSG_OK(h, length); h = NLMSG_NEXT(h, length)) {
    Event event;
    if (DecodeEvent(h, &event)) events.Add(EventToJs(env, event));
  }
}

Napi::Value XfrmMonitor::OverrunToJs(Napi::Env env) { return EventToJs(env, Overrun{}); }

}  // namespace ikegate::xfrm

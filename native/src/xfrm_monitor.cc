#include "xfrm_monitor.h"

#include <linux/netlink.h>
#include <linux/xfrm.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <string>

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
// Datagrams read per wake-up before yielding to the loop; uv_poll is level-triggered, so
// whatever is left wakes it again at once.
constexpr int kReadsPerWakeup = 64;

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
  Napi::Function constructor = DefineClass(env, "XfrmMonitor", {
      InstanceMethod("close", &XfrmMonitor::Close),
      InstanceMethod("ref", &XfrmMonitor::HandleRef),
      InstanceMethod("unref", &XfrmMonitor::HandleUnref),
  });
  exports.Set("XfrmMonitor", constructor);
}

XfrmMonitor::XfrmMonitor(const Napi::CallbackInfo& info) : Napi::ObjectWrap<XfrmMonitor>(info) {
  Napi::Env env = info.Env();
  Fields options(info.Length() > 0 && !info[0].IsUndefined() ? info[0] : Napi::Object::New(env), "options");
  if (info.Length() < 2 || !info[1].IsFunction()) throw Napi::TypeError::New(env, "xfrm: XfrmMonitor needs an onEvents function");
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
  uv_loop_t* loop = nullptr;
  if (!error && napi_get_uv_event_loop(env, &loop) != napi_ok) error = {EINVAL, "napi_get_uv_event_loop"};
  poll_ = new Poll{{}, fd};
  bool initialized = false;
  if (!error) {
    int status = uv_poll_init_socket(loop, &poll_->handle, fd);
    initialized = status == 0;
    if (status == 0) status = uv_poll_start(&poll_->handle, UV_READABLE, OnReadable);
    if (status != 0) error = {-status, "uv_poll_start"};
  }
  if (error) {
    // A handle the loop knows must leave through uv_close (whose callback closes the
    // socket); one uv_poll_init never saw is plain memory.
    if (initialized) {
      uv_close(reinterpret_cast<uv_handle_t*>(&poll_->handle), OnClosed);
    } else {
      if (fd >= 0) close(fd);
      delete poll_;
    }
    poll_ = nullptr;
    throw MakeSystemError(env, error.error, "open XFRM event socket", error.syscall, "");
  }
  poll_->handle.data = this;
  buffer_.resize(kReceiveBuffer);
  callback_ = Napi::Persistent(info[1].As<Napi::Function>());
  context_ = std::make_unique<Napi::AsyncContext>(env, "ikegate:xfrm-events");
  // While it listens, the monitor must outlive its last JavaScript reference: the kernel
  // may speak at any time and the callback must still be there.
  Ref();
  open_ = true;
  napi_add_env_cleanup_hook(env, OnEnvCleanup, this);
}

XfrmMonitor::~XfrmMonitor() {
  // An open monitor holds a reference to itself, so this normally finds polling stopped; at
  // environment teardown finalizers may come first, and a live handle pointing here must not
  // outlive it (OnClosed does not touch the monitor).
  Stop();
}

void XfrmMonitor::OnReadable(uv_poll_t* handle, int status, int /*events*/) {
  auto* self = static_cast<XfrmMonitor*>(handle->data);
  if (status < 0) {
    Napi::Env env = self->Env();
    Napi::HandleScope scope(env);
    Napi::Object event = Napi::Object::New(env);
    event.Set("type", "error");
    event.Set("error", MakeSystemError(env, -status, "XFRM event socket", "poll", "").Value());
    Napi::Array events = Napi::Array::New(env, 1);
    events.Set(0u, event);
    // libuv reports a broken descriptor this way; polling it again would only repeat it.
    self->Stop();
    self->Deliver(events);
    return;
  }
  self->Drain();
}

void XfrmMonitor::Drain() {
  Napi::Env env = Env();
  Napi::HandleScope scope(env);
  Napi::Array events = Napi::Array::New(env);
  uint32_t count = 0;
  for (int read = 0; read < kReadsPerWakeup && poll_ != nullptr; read++) {
    sockaddr_nl from{};
    socklen_t fromLength = sizeof from;
    ssize_t received = recvfrom(poll_->fd, buffer_.data(), buffer_.size(), MSG_DONTWAIT,
                                reinterpret_cast<sockaddr*>(&from), &fromLength);
    if (received < 0) {
      if (errno == EINTR) continue;
      // The kernel dropped events for want of queue space: say so, and read on.
      if (errno == ENOBUFS) {
        events.Set(count++, EventToJs(env, Overrun{}));
        continue;
      }
      break;  // EAGAIN: drained
    }
    if (from.nl_pid != 0) continue;  // multicast from another process, not the kernel
    size_t remaining = static_cast<size_t>(received);
    for (const nlmsghdr* h = reinterpret_cast<const nlmsghdr*>(buffer_.data()); NLMSG_OK(h, remaining);
         h = NLMSG_NEXT(h, remaining)) {
      Event event;
      if (DecodeEvent(h, &event)) events.Set(count++, EventToJs(env, event));
    }
  }
  if (count > 0) Deliver(events);
}

void XfrmMonitor::Deliver(Napi::Value events) {
  Napi::Env env = Env();
  try {
    callback_.MakeCallback(Value(), {events}, *context_);
  } catch (const Napi::Error& error) {
    // No JavaScript frame is below a libuv callback to catch this: report it the way an
    // exception thrown from any event callback is, through process 'uncaughtException'.
    napi_fatal_exception(env, error.Value());
  }
}

void XfrmMonitor::Stop() {
  if (poll_ == nullptr) return;
  uv_poll_stop(&poll_->handle);
  uv_close(reinterpret_cast<uv_handle_t*>(&poll_->handle), OnClosed);
  poll_ = nullptr;
}

void XfrmMonitor::OnClosed(uv_handle_t* handle) {
  Poll* poll = reinterpret_cast<Poll*>(handle);
  if (poll->fd >= 0) close(poll->fd);
  delete poll;
}

void XfrmMonitor::OnEnvCleanup(void* monitor) {
  // The environment is going away (process exit, worker termination) with the monitor open.
  static_cast<XfrmMonitor*>(monitor)->Stop();
}

Napi::Value XfrmMonitor::Close(const Napi::CallbackInfo& info) {
  if (open_) {
    open_ = false;
    Stop();
    napi_remove_env_cleanup_hook(info.Env(), OnEnvCleanup, this);
    callback_.Reset();
    context_.reset();
    Unref();
  }
  return info.Env().Undefined();
}

Napi::Value XfrmMonitor::HandleRef(const Napi::CallbackInfo& info) {
  if (poll_ != nullptr) uv_ref(reinterpret_cast<uv_handle_t*>(&poll_->handle));
  return info.Env().Undefined();
}

Napi::Value XfrmMonitor::HandleUnref(const Napi::CallbackInfo& info) {
  if (poll_ != nullptr) uv_unref(reinterpret_cast<uv_handle_t*>(&poll_->handle));
  return info.Env().Undefined();
}

}  // namespace ikegate::xfrm

#ifndef IKEGATE_NATIVE_EVENT_MONITOR_H_
#define IKEGATE_NATIVE_EVENT_MONITOR_H_

#include <linux/netlink.h>
#include <napi.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include <cerrno>
#include <memory>
#include <string>
#include <vector>

#include "shared_socket.h"
#include "xfrm_errno.h"
#include "xfrm_fields.h"
#include "xfrm_netns.h"

namespace ikegate {

// The events of one wake-up, in the order they were read. The array is made at the first
// event: a PF_KEY socket wakes for every other socket's ADD and DELETE, which are no events.
struct EventList {
  Napi::Array array;
  uint32_t count = 0;
  void Add(Napi::Value event) {
    if (count == 0) array = Napi::Array::New(event.Env());
    array.Set(count++, event);
  }
};

// The JavaScript side of a kernel event socket (XFRM multicast, PF_KEY registered socket):
// a non-blocking descriptor watched by uv_poll on Node's own loop, whose readiness and reads
// both happen on the JS thread, so events are delivered with a plain MakeCallback (no thread,
// no thread-safe function). Reading is common; `T` says what a datagram holds
// (`void DatagramToJs(Napi::Env, const uint8_t* data, size_t length, EventList& events)`) and
// how to tell JavaScript that the kernel dropped some (`Napi::Value OverrunToJs(Napi::Env)`).
// close(), ref() and unref() are common too. A monitor may also listen on a request socket's
// descriptor (shared_socket.h): it polls it only while no batch is in flight, and takes the
// events the batches read from the socket's inbox.
template <typename T>
class EventMonitor : public Napi::ObjectWrap<T>, private SharedSocket::Listener {
 public:
  explicit EventMonitor(const Napi::CallbackInfo& info) : Napi::ObjectWrap<T>(info) {}

  // An open monitor holds a reference to itself, so this normally finds polling stopped; at
  // environment teardown finalizers may come first, and a live handle pointing here must not
  // outlive it (OnClosed does not touch the monitor).
  ~EventMonitor() override { Stop(); }

  static Napi::Function DefineMonitor(Napi::Env env, const char* name) {
    return Napi::ObjectWrap<T>::DefineClass(env, name, {
        Napi::ObjectWrap<T>::InstanceMethod("close", &EventMonitor::Close),
        Napi::ObjectWrap<T>::InstanceMethod("ref", &EventMonitor::HandleRef),
        Napi::ObjectWrap<T>::InstanceMethod("unref", &EventMonitor::HandleUnref),
    });
  }

 protected:
  // The options object of info[0], which may be absent; `subsystem` starts TypeErrors ("xfrm").
  static xfrm::Fields OptionsArgument(const Napi::CallbackInfo& info, const std::string& subsystem) {
    return xfrm::Fields(info.Length() > 0 && !info[0].IsUndefined() ? info[0] : Napi::Object::New(info.Env()), "options", subsystem);
  }

  // The onEvents function of info[index]; `who` names the class in the TypeError ("xfrm: XfrmMonitor").
  static Napi::Function OnEventsArgument(const Napi::CallbackInfo& info, size_t index, const std::string& who) {
    if (info.Length() <= index || !info[index].IsFunction()) throw Napi::TypeError::New(info.Env(), who + " needs an onEvents function");
    return info[index].As<Napi::Function>();
  }

  // Takes `fd` (opened by the subclass; `error` says if that or its setup failed) and starts
  // polling it, reading datagrams of up to `datagramBytes`, or closes it and throws an Error
  // naming `what` ("XFRM event socket"). With `shared`, the descriptor is that socket's, which
  // the monitor keeps open but never closes.
  void Listen(Napi::Env env, int fd, xfrm::SysError error, const Napi::Function& callback, const std::string& what,
              size_t datagramBytes, std::shared_ptr<SharedSocket> shared = nullptr) {
    what_ = what;
    buffer_.resize(datagramBytes);
    uv_loop_t* loop = nullptr;
    if (!error && napi_get_uv_event_loop(env, &loop) != napi_ok) error = {EINVAL, "napi_get_uv_event_loop"};
    if (shared) fd = shared->fd();
    poll_ = new Poll{{}, fd, std::move(shared)};
    bool initialized = false;
    if (!error) {
      int status = uv_poll_init_socket(loop, &poll_->handle, fd);
      initialized = status == 0;
      if (status == 0 && !Paused()) status = uv_poll_start(&poll_->handle, UV_READABLE, OnReadable);
      if (status != 0) error = {-status, "uv_poll_start"};
    }
    if (error) {
      // A handle the loop knows must leave through uv_close (whose callback closes the
      // socket); one uv_poll_init never saw is plain memory.
      if (initialized) {
        uv_close(reinterpret_cast<uv_handle_t*>(&poll_->handle), OnClosed);
      } else {
        if (fd >= 0 && !poll_->shared) close(fd);
        delete poll_;
      }
      poll_ = nullptr;
      throw xfrm::MakeSystemError(env, error.error, "open " + what, error.syscall, "");
    }
    poll_->handle.data = this;
    rest_ = new uv_timer_t;
    uv_timer_init(loop, rest_);  // cannot fail
    rest_->data = this;
    if (poll_->shared) {
      wake_ = new uv_async_t;
      uv_async_init(loop, wake_, OnWake);  // cannot fail on Linux
      wake_->data = this;
      poll_->shared->Attach(this, wake_);
    }
    callback_ = Napi::Persistent(callback);
    context_ = std::make_unique<Napi::AsyncContext>(env, ("ikegate:" + what).c_str());
    // While it listens, the monitor must outlive its last JavaScript reference: the kernel
    // may speak at any time and the callback must still be there.
    this->Ref();
    open_ = true;
    napi_add_env_cleanup_hook(env, OnEnvCleanup, this);
  }

  // The descriptor, or -1 once polling stopped (closed, or the descriptor broke).
  int fd() const { return poll_ != nullptr ? poll_->fd : -1; }

 private:
  // Owned by libuv from uv_close until its close callback, which also closes the socket if
  // it is the monitor's own.
  struct Poll {
    uv_poll_t handle;
    int fd;
    std::shared_ptr<SharedSocket> shared;
  };

  // Datagrams read per wake-up before yielding to the loop; uv_poll is level-triggered, so
  // whatever is left wakes it again at once.
  static constexpr int kReadsPerWakeup = 64;
  // How long polling rests after a wake-up that read the socket empty and found no event in
  // it. A PF_KEY socket hears every other socket's ADD and DELETE: during a bulk install
  // (another program's) that is a wake-up, and two context switches, per SA or policy, taken
  // from the installer on a one-CPU router. Resting, the monitor reads the flood many
  // datagrams to a wake-up instead; an event waits at most this long more.
  static constexpr uint64_t kRestMs = 10;

  // Reads what the socket holds and delivers it as one array of events.
  void Drain() {
    T* self = static_cast<T*>(this);
    Napi::Env env = this->Env();
    Napi::HandleScope scope(env);
    EventList events;
    if (poll_->shared) {
      for (const std::vector<uint8_t>& datagram : poll_->shared->TakePosted()) self->DatagramToJs(env, datagram.data(), datagram.size(), events);
    }
    bool rest = false;
    if (!Paused()) {
      int datagrams = 0;
      bool empty = ReadSocket(events, &datagrams);
      // Only once caught up: a backlog is read on at once.
      rest = events.count == 0 && empty && datagrams > 0;
    }
    if (events.count > 0) Deliver(events.array);
    else if (rest) Rest();
  }

  // Whether batches own a shared socket's reading now.
  bool Paused() const { return poll_ != nullptr && poll_->shared && poll_->shared->busy(); }

  void Pause() override {
    uv_poll_stop(&poll_->handle);
    uv_timer_stop(rest_);
  }

  void Resume() override {
    int status = uv_poll_start(&poll_->handle, UV_READABLE, OnReadable);
    if (status != 0) OnReadable(&poll_->handle, status, 0);
  }

  // Reads up to kReadsPerWakeup datagrams into `events`; true if the socket was left empty.
  bool ReadSocket(EventList& events, int* datagrams) {
    T* self = static_cast<T*>(this);
    Napi::Env env = this->Env();
    for (int read = 0; read < kReadsPerWakeup && fd() >= 0; read++) {
      // Netlink names the sender; PF_KEY names none and leaves this zero.
      sockaddr_nl from{};
      socklen_t fromLength = sizeof from;
      ssize_t received = recvfrom(fd(), buffer_.data(), buffer_.size(), MSG_DONTWAIT,
                                  reinterpret_cast<sockaddr*>(&from), &fromLength);
      if (received < 0) {
        if (errno == EINTR) continue;
        // The kernel dropped messages for want of queue space: say so, and read on.
        if (errno == ENOBUFS) {
          events.Add(self->OverrunToJs(env));
          continue;
        }
        return errno == EAGAIN || errno == EWOULDBLOCK;
      }
      (*datagrams)++;
      if (from.nl_pid != 0) continue;  // netlink multicast from another process, not the kernel
      self->DatagramToJs(env, buffer_.data(), static_cast<size_t>(received), events);
    }
    return false;
  }

  void Rest() {
    uv_poll_stop(&poll_->handle);
    uv_timer_start(rest_, OnRested, kRestMs, 0);
  }

  static void OnRested(uv_timer_t* timer) { static_cast<EventMonitor*>(timer->data)->Resume(); }

  void Deliver(Napi::Value events) {
    try {
      callback_.MakeCallback(this->Value(), {events}, *context_);
    } catch (const Napi::Error& error) {
      // No JavaScript frame is below a libuv callback to catch this: report it the way an
      // exception thrown from any event callback is, through process 'uncaughtException'.
      napi_fatal_exception(this->Env(), error.Value());
    }
  }

  static void OnReadable(uv_poll_t* handle, int status, int /*events*/) {
    auto* self = static_cast<EventMonitor*>(handle->data);
    if (status < 0) {
      Napi::Env env = self->Env();
      Napi::HandleScope scope(env);
      Napi::Object event = Napi::Object::New(env);
      event.Set("type", "error");
      event.Set("error", xfrm::MakeSystemError(env, -status, self->what_, "poll", "").Value());
      Napi::Array events = Napi::Array::New(env, 1);
      events.Set(0u, event);
      // libuv reports a broken descriptor this way; polling it again would only repeat it.
      self->Stop();
      self->Deliver(events);
      return;
    }
    self->Drain();
  }

  // Events a batch read from a shared socket.
  static void OnWake(uv_async_t* wake) {
    auto* self = static_cast<EventMonitor*>(wake->data);
    if (self->poll_ != nullptr) self->Drain();
  }

  static void OnClosed(uv_handle_t* handle) {
    Poll* poll = reinterpret_cast<Poll*>(handle);
    if (!poll->shared && poll->fd >= 0) close(poll->fd);
    delete poll;  // and with it this monitor's hold on a shared socket
  }

  // The environment is going away (process exit, worker termination) with the monitor open.
  static void OnEnvCleanup(void* monitor) { static_cast<EventMonitor*>(monitor)->Stop(); }

  void Stop() {
    if (poll_ == nullptr) return;
    if (wake_ != nullptr) {
      // Before the handle goes: batches post no more once detached.
      poll_->shared->Detach();
      uv_close(reinterpret_cast<uv_handle_t*>(wake_), [](uv_handle_t* wake) { delete reinterpret_cast<uv_async_t*>(wake); });
      wake_ = nullptr;
    }
    uv_poll_stop(&poll_->handle);
    uv_close(reinterpret_cast<uv_handle_t*>(&poll_->handle), OnClosed);
    poll_ = nullptr;
    // Closing stops the timer: OnRested never runs after this.
    uv_close(reinterpret_cast<uv_handle_t*>(rest_), [](uv_handle_t* timer) { delete reinterpret_cast<uv_timer_t*>(timer); });
    rest_ = nullptr;
  }

  Napi::Value Close(const Napi::CallbackInfo& info) {
    if (open_) {
      open_ = false;
      Stop();
      napi_remove_env_cleanup_hook(info.Env(), OnEnvCleanup, this);
      callback_.Reset();
      context_.reset();
      this->Unref();
    }
    return info.Env().Undefined();
  }

  Napi::Value HandleRef(const Napi::CallbackInfo& info) {
    if (poll_ == nullptr) return info.Env().Undefined();
    // Resting, the timer stands in for the poll in keeping the loop alive.
    uv_ref(reinterpret_cast<uv_handle_t*>(&poll_->handle));
    uv_ref(reinterpret_cast<uv_handle_t*>(rest_));
    if (wake_ != nullptr) uv_ref(reinterpret_cast<uv_handle_t*>(wake_));
    return info.Env().Undefined();
  }

  Napi::Value HandleUnref(const Napi::CallbackInfo& info) {
    if (poll_ == nullptr) return info.Env().Undefined();
    uv_unref(reinterpret_cast<uv_handle_t*>(&poll_->handle));
    uv_unref(reinterpret_cast<uv_handle_t*>(rest_));
    if (wake_ != nullptr) uv_unref(reinterpret_cast<uv_handle_t*>(wake_));
    return info.Env().Undefined();
  }

  Poll* poll_ = nullptr;
  uv_timer_t* rest_ = nullptr;  // exists exactly while poll_ does
  uv_async_t* wake_ = nullptr;  // exists while poll_ does, if its socket is shared
  bool open_ = false;  // until close(): holds a reference to itself and the callback
  std::string what_;
  std::vector<uint8_t> buffer_;  // one datagram
  Napi::FunctionReference callback_;
  std::unique_ptr<Napi::AsyncContext> context_;
};

}  // namespace ikegate

#endif  // IKEGATE_NATIVE_EVENT_MONITOR_H_

#ifndef IKEGATE_NATIVE_SHARED_SOCKET_H_
#define IKEGATE_NATIVE_SHARED_SOCKET_H_

#include <unistd.h>
#include <uv.h>

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <utility>
#include <vector>

namespace ikegate {

// A kernel socket that request batches (on the threadpool) and an event monitor (on the JS
// thread, event_monitor.h) read in turn. Linux's af_key delivers every SA and policy change
// to every PF_KEY socket, so a second socket kept for events would be handed a copy of each
// reply of a bulk install. On one socket, the monitor polls only while no batch is in
// flight; a batch reads everything that comes, and posts the events it meets to an inbox
// that wakes the monitor. With the monitor polling the socket while a batch read it, a
// one-CPU board took 40% longer for a bulk install (all of it kernel time), so the monitor
// does not even watch the socket then.
class SharedSocket {
 public:
  // The monitor, told on the JS thread when batches start and when the last one has ended.
  class Listener {
   public:
    virtual void Pause() = 0;
    virtual void Resume() = 0;

   protected:
    ~Listener() = default;
  };

  explicit SharedSocket(int fd) : fd_(fd) {}
  ~SharedSocket() { close(fd_); }
  SharedSocket(const SharedSocket&) = delete;
  SharedSocket& operator=(const SharedSocket&) = delete;

  int fd() const { return fd_; }

  // JS thread: a batch was made (before it is queued), and one was done with (after its
  // results are in).
  void BatchBegins() {
    if (batches_++ == 0 && listener_ != nullptr) listener_->Pause();
  }
  void BatchEnds() {
    if (--batches_ == 0 && listener_ != nullptr) listener_->Resume();
  }
  // JS thread: whether batches own the socket's reading.
  bool busy() const { return batches_ > 0; }

  // Threadpool: an event a batch read. Dropped when no monitor listens.
  void Post(const uint8_t* data, size_t length) {
    std::lock_guard<std::mutex> lock(inboxMutex_);
    if (wake_ == nullptr) return;
    inbox_.emplace_back(data, data + length);
    uv_async_send(wake_);
  }

  // JS thread, the monitor: `wake` is sent whenever an event is posted, until Detach.
  void Attach(Listener* listener, uv_async_t* wake) {
    listener_ = listener;
    std::lock_guard<std::mutex> lock(inboxMutex_);
    wake_ = wake;
  }
  void Detach() {
    listener_ = nullptr;
    std::lock_guard<std::mutex> lock(inboxMutex_);
    wake_ = nullptr;
    inbox_.clear();
  }
  std::vector<std::vector<uint8_t>> TakePosted() {
    std::lock_guard<std::mutex> lock(inboxMutex_);
    return std::exchange(inbox_, {});
  }

 private:
  int fd_;
  int batches_ = 0;
  Listener* listener_ = nullptr;
  std::mutex inboxMutex_;
  std::vector<std::vector<uint8_t>> inbox_;
  uv_async_t* wake_ = nullptr;
};

}  // namespace ikegate

#endif  // IKEGATE_NATIVE_SHARED_SOCKET_H_

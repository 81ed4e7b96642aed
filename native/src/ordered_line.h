#ifndef IKEGATE_NATIVE_ORDERED_LINE_H_
#define IKEGATE_NATIVE_ORDERED_LINE_H_

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>

namespace ikegate {

// Serves the batches of one kernel socket in the order they were queued on the JS thread,
// whatever order libuv's threadpool starts them in (an add queued before a delete must not
// follow it), one at a time (so replies never mix). Shared by the XFRM and PF_KEY sockets.
class OrderedLine {
 public:
  // A place in line, taken on the JS thread when a batch is queued. Atomic, not under the
  // mutex: a turn holds the mutex for a whole kernel round trip, and the JS thread must never
  // wait for that.
  uint64_t Reserve() { return nextTicket_++; }

  // Waits for `ticket`'s turn and holds the line until destroyed, however the holder leaves
  // (an allocation can throw), so every ticket is served and the line never stalls.
  class Turn {
   public:
    Turn(OrderedLine& line, uint64_t ticket) : line_(line), lock_(line.mutex_) {
      line_.turn_.wait(lock_, [&] { return line_.serving_ == ticket; });
    }
    ~Turn() {
      line_.serving_++;
      lock_.unlock();
      line_.turn_.notify_all();
    }
    Turn(const Turn&) = delete;
    Turn& operator=(const Turn&) = delete;

   private:
    OrderedLine& line_;
    std::unique_lock<std::mutex> lock_;
  };

 private:
  std::mutex mutex_;
  std::condition_variable turn_;
  std::atomic<uint64_t> nextTicket_{0};
  uint64_t serving_ = 0;  // under mutex_
};

}  // namespace ikegate

#endif  // IKEGATE_NATIVE_ORDERED_LINE_H_

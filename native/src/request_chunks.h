#ifndef IKEGATE_NATIVE_REQUEST_CHUNKS_H_
#define IKEGATE_NATIVE_REQUEST_CHUNKS_H_

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace ikegate {

// How a batch of requests to a kernel socket (XFRM netlink, PF_KEY) is cut into the chunks
// that go out in one send call and are answered before the next: how many requests one call
// takes, how many bytes it may carry, and how much receive-buffer room (reply costs, as the
// kernel counts skb truesize) the chunk's replies may take before they are read.
struct ChunkLimits {
  size_t requests = 1;
  size_t sendBytes = SIZE_MAX;
  size_t replyCost = SIZE_MAX;
};

// Calls run(first, last) for the chunks [first, last) of `requests`, in order: a dump alone
// (its replies are many, and not numbered by request), others as many in a row as `limits`
// allow, and at least one. `Request` has `message` (bytes), `dump` and `replyCost`.
template <typename Request, typename Run>
void ForEachChunk(const std::vector<Request>& requests, const ChunkLimits& limits, Run run) {
  size_t first = 0;
  while (first < requests.size()) {
    size_t last = first + 1;
    if (!requests[first].dump) {
      size_t bytes = requests[first].message.size();
      size_t cost = requests[first].replyCost;
      while (last < requests.size() && last - first < limits.requests && !requests[last].dump) {
        bytes += requests[last].message.size();
        cost += requests[last].replyCost;
        if (bytes > limits.sendBytes || cost > limits.replyCost) break;
        last++;
      }
    }
    run(first, last);
    first = last;
  }
}

// Fails the requests of [first, last) still unanswered (`done` by offset from `first`; null:
// all of them) with `error` from `syscall`. `Reply` has `error` and `syscall`.
template <typename Reply>
void FailUnanswered(std::vector<Reply>& replies, size_t first, size_t last, const std::vector<bool>* done, int error,
                    const char* syscall) {
  for (size_t i = first; i < last; i++) {
    if (done != nullptr && (*done)[i - first]) continue;
    replies[i].error = error;
    replies[i].syscall = syscall;
  }
}

// The errno of a failed receive on a socket with SO_RCVTIMEO, whose expiry reads as EAGAIN:
// said as what it means.
inline int ReceiveError(int error) { return error == EAGAIN || error == EWOULDBLOCK ? ETIMEDOUT : error; }

}  // namespace ikegate

#endif  // IKEGATE_NATIVE_REQUEST_CHUNKS_H_

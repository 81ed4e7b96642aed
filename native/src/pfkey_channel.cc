#include "pfkey_channel.h"

#include <linux/pfkeyv2.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

#include "pfkey_encode.h"
#include "xfrm_netlink.h"

namespace ikegate::pfkey {

namespace {

constexpr int kBufferBytes = 4 << 20;
// Receive-buffer room one reply may take, counted as the kernel counts it (skb truesize): an
// SA with its keys or a policy with its templates fits a 2 KiB skb.
constexpr size_t kReplyCost = 2048;
// sendmmsg takes at most UIO_MAXIOV (1024) messages per call.
constexpr size_t kMaxChunk = 512;
constexpr size_t kReceiveBuffer = 64 << 10;
constexpr int kReceiveTimeoutSeconds = 30;

// Sequence numbers, unique across the process's PF_KEY sockets: broadcast replies reach them
// all. They start high because SADB_GETSPI with a sequence number equal to a pending
// ACQUIRE's (the kernel counts those from 1) would take over that ACQUIRE's larval SA.
std::atomic<uint32_t> nextSeq{0x80000000u};

void Fail(std::vector<Reply>& replies, size_t first, size_t last, const std::vector<bool>& done, int error,
          const char* syscall) {
  for (size_t i = first; i < last; i++) {
    if (done[i - first]) continue;
    replies[i].error = error;
    replies[i].syscall = syscall;
  }
}

}  // namespace

xfrm::SysError Channel::Open(const std::string& netnsPath, std::shared_ptr<Channel>* out) {
  int fd = -1;
  if (xfrm::SysError error = xfrm::OpenSocket(PF_KEY, SOCK_RAW | SOCK_CLOEXEC, PF_KEY_V2, netnsPath, &fd)) return error;
  std::shared_ptr<Channel> channel(new Channel(fd));
  xfrm::SetBuffer(fd, SO_SNDBUF, SO_SNDBUFFORCE, kBufferBytes);
  size_t receive = xfrm::SetBuffer(fd, SO_RCVBUF, SO_RCVBUFFORCE, kBufferBytes);
  // Keep a quarter spare: other processes' broadcasts share the buffer.
  channel->chunkLimit_ = std::clamp<size_t>(receive / 4 * 3 / kReplyCost, 1, kMaxChunk);
  timeval timeout{kReceiveTimeoutSeconds, 0};
  if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) != 0) return {errno, "setsockopt"};
  // PF_KEY has no addresses; replies echo the pid the request carries.
  channel->pid_ = static_cast<uint32_t>(getpid());
  channel->buffer_.resize(kReceiveBuffer);
  *out = std::move(channel);
  return {};
}

Channel::~Channel() { close(fd_); }

std::vector<Reply> Channel::Transact(uint64_t ticket, std::vector<Request>& requests) {
  OrderedLine::Turn turn(line_, ticket);
  std::vector<Reply> replies(requests.size());
  size_t first = 0;
  while (first < requests.size()) {
    size_t last = first + 1;
    if (!requests[first].dump) {
      while (last < requests.size() && last - first < chunkLimit_ && !requests[last].dump) last++;
    }
    RunChunk(requests, first, last, replies);
    first = last;
  }
  return replies;
}

void Channel::RunChunk(std::vector<Request>& requests, size_t first, size_t last, std::vector<Reply>& replies) {
  size_t count = last - first;
  uint32_t baseSeq = nextSeq.fetch_add(static_cast<uint32_t>(count));
  std::vector<iovec> iov(count);
  std::vector<mmsghdr> messages(count);
  for (size_t i = 0; i < count; i++) {
    std::vector<uint8_t>& message = requests[first + i].message;
    SetOrigin(message, baseSeq + static_cast<uint32_t>(i), pid_);
    iov[i] = {message.data(), message.size()};
    messages[i].msg_hdr.msg_iov = &iov[i];
    messages[i].msg_hdr.msg_iovlen = 1;
  }
  std::vector<bool> done(count, false);
  size_t sent = 0;
  while (sent < count) {
    int n = sendmmsg(fd_, messages.data() + sent, static_cast<unsigned int>(count - sent), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // The kernel refuses a message it cannot even parse here instead of answering it.
      replies[first + sent].error = n < 0 ? errno : EIO;
      replies[first + sent].syscall = "sendmmsg";
      done[sent] = true;
      sent++;
      continue;
    }
    sent += static_cast<size_t>(n);
  }
  Receive(requests, first, last, baseSeq, replies, done);
}

void Channel::Receive(std::vector<Request>& requests, size_t first, size_t last, uint32_t baseSeq,
                      std::vector<Reply>& replies, std::vector<bool>& done) {
  size_t count = last - first;
  size_t pending = static_cast<size_t>(std::count(done.begin(), done.end(), false));
  while (pending > 0) {
    ssize_t received = recv(fd_, buffer_.data(), buffer_.size(), 0);
    if (received < 0) {
      if (errno == EINTR) continue;
      // SO_RCVTIMEO expiry reads as EAGAIN; say what it means.
      int error = (errno == EAGAIN || errno == EWOULDBLOCK) ? ETIMEDOUT : errno;
      return Fail(replies, first, last, done, error, "recv");
    }
    if (static_cast<size_t>(received) < sizeof(sadb_msg)) continue;
    sadb_msg h;
    std::memcpy(&h, buffer_.data(), sizeof h);
    if (h.sadb_msg_pid != pid_) continue;
    // Unsigned distance: stale and foreign sequence numbers fall outside the chunk.
    uint32_t offset = h.sadb_msg_seq - baseSeq;
    bool ours = offset < count && !done[offset];
    const auto* sentHeader = reinterpret_cast<const sadb_msg*>(requests[first].message.data());
    if (!ours && count == 1 && requests[first].dump && !done[0] && h.sadb_msg_type == sentHeader->sadb_msg_type) {
      // Dump entries are numbered by the kernel, the last one 0; an error comes with our
      // own sequence number (ENOENT for an empty table).
      Reply& reply = replies[first];
      reply.messages.emplace_back(buffer_.data(), buffer_.data() + received);
      if (h.sadb_msg_seq == 0) {
        reply.error = h.sadb_msg_errno;
        done[0] = true;
        pending--;
      }
      continue;
    }
    if (!ours) continue;
    Reply& reply = replies[first + offset];
    if (h.sadb_msg_errno != 0) reply.error = h.sadb_msg_errno;
    else reply.messages.emplace_back(buffer_.data(), buffer_.data() + received);
    done[offset] = true;
    pending--;
  }
}

}  // namespace ikegate::pfkey

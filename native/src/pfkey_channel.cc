#include "pfkey_channel.h"

#include <linux/pfkeyv2.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>

#include "pfkey_decode.h"
#include "pfkey_encode.h"
#include "xfrm_netlink.h"

namespace ikegate::pfkey {

namespace {

constexpr int kBufferBytes = 4 << 20;
// sendmmsg takes at most UIO_MAXIOV (1024) messages per call.
constexpr size_t kMaxChunk = 512;
// Messages one recvmmsg reads, and the room for each: an SA or a policy takes well under
// 4 KiB; a longer message is cut (MSG_TRUNC) and fails its request with EMSGSIZE.
constexpr size_t kReceiveSlots = 64;
constexpr size_t kSlotBytes = 16 << 10;
constexpr int kReceiveTimeoutMs = 30'000;

// Sequence numbers, unique across the process's PF_KEY sockets: broadcast replies reach them
// all. They start high because SADB_GETSPI with a sequence number equal to a pending
// ACQUIRE's (the kernel counts those from 1) would take over that ACQUIRE's larval SA.
std::atomic<uint32_t> nextSeq{0x80000000u};

}  // namespace

xfrm::SysError Channel::Open(const std::string& netnsPath, std::shared_ptr<Channel>* out) {
  int fd = -1;
  // Non-blocking, as libuv makes a descriptor it polls: the monitor polls this one.
  if (xfrm::SysError error = xfrm::OpenSocket(PF_KEY, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, PF_KEY_V2, netnsPath, &fd)) return error;
  std::shared_ptr<Channel> channel(new Channel(fd));
  xfrm::SetBuffer(fd, SO_SNDBUF, SO_SNDBUFFORCE, kBufferBytes);
  size_t receive = xfrm::SetBuffer(fd, SO_RCVBUF, SO_RCVBUFFORCE, kBufferBytes);
  channel->limits_.requests = kMaxChunk;
  // Keep a quarter spare: other processes' broadcasts share the buffer.
  channel->limits_.replyCost = std::max(receive / 4 * 3, kReplyCost);
  // PF_KEY has no addresses; replies echo the pid the request carries.
  channel->pid_ = static_cast<uint32_t>(getpid());
  channel->buffer_.resize(kReceiveSlots * kSlotBytes);
  channel->slotIov_.resize(kReceiveSlots);
  channel->slots_.resize(kReceiveSlots);
  for (size_t i = 0; i < kReceiveSlots; i++) {
    channel->slotIov_[i] = {channel->buffer_.data() + i * kSlotBytes, kSlotBytes};
    channel->slots_[i].msg_hdr.msg_iov = &channel->slotIov_[i];
    channel->slots_[i].msg_hdr.msg_iovlen = 1;
  }
  *out = std::move(channel);
  return {};
}

std::vector<Reply> Channel::Transact(uint64_t ticket, std::vector<Request>& requests) {
  OrderedLine::Turn turn(line_, ticket);
  std::vector<Reply> replies(requests.size());
  ForEachChunk(requests, limits_, [&](size_t first, size_t last) { RunChunk(requests, first, last, replies); });
  return replies;
}

void Channel::RunChunk(std::vector<Request>& requests, size_t first, size_t last, std::vector<Reply>& replies) {
  size_t count = last - first;
  Chunk chunk{requests, replies, first, last, nextSeq.fetch_add(static_cast<uint32_t>(count)),
              std::vector<bool>(count, false), count};
  std::vector<iovec> iov(count);
  std::vector<mmsghdr> messages(count);
  for (size_t i = 0; i < count; i++) {
    std::vector<uint8_t>& message = requests[first + i].message;
    SetOrigin(message, chunk.baseSeq + static_cast<uint32_t>(i), pid_);
    iov[i] = {message.data(), message.size()};
    messages[i].msg_hdr.msg_iov = &iov[i];
    messages[i].msg_hdr.msg_iovlen = 1;
  }
  size_t sent = 0;
  while (sent < count) {
    int n = sendmmsg(socket_->fd(), messages.data() + sent, static_cast<unsigned int>(count - sent), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      // The kernel refuses a message it cannot even parse here instead of answering it.
      replies[first + sent].error = n < 0 ? errno : EIO;
      replies[first + sent].syscall = "sendmmsg";
      chunk.done[sent] = true;
      chunk.pending--;
      sent++;
      continue;
    }
    sent += static_cast<size_t>(n);
  }
  Receive(chunk);
}

void Channel::Receive(Chunk& chunk) {
  while (chunk.pending > 0) {
    int n = recvmmsg(socket_->fd(), slots_.data(), static_cast<unsigned int>(slots_.size()), 0, nullptr);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      // Nothing queued: wait for the next message, up to the timeout.
      pollfd readable{socket_->fd(), POLLIN, 0};
      int ready = poll(&readable, 1, kReceiveTimeoutMs);
      if (ready > 0 || (ready < 0 && errno == EINTR)) continue;
      return FailUnanswered(chunk.replies, chunk.first, chunk.last, &chunk.done, ready == 0 ? ETIMEDOUT : errno, "poll");
    }
    if (n < 0) {
      if (errno == EINTR) continue;
      return FailUnanswered(chunk.replies, chunk.first, chunk.last, &chunk.done, errno, "recvmmsg");
    }
    for (int i = 0; i < n; i++) {
      const msghdr& header = slots_[i].msg_hdr;
      Take(chunk, static_cast<const uint8_t*>(header.msg_iov->iov_base), slots_[i].msg_len, (header.msg_flags & MSG_TRUNC) != 0);
    }
  }
}

void Channel::Take(Chunk& chunk, const uint8_t* data, size_t length, bool truncated) {
  if (length < sizeof(sadb_msg)) return;
  sadb_msg h;
  std::memcpy(&h, data, sizeof h);
  if (IsEvent(h)) return socket_->Post(data, length);
  if (h.sadb_msg_pid != pid_) return;
  size_t count = chunk.last - chunk.first;
  const Request& firstRequest = chunk.requests[chunk.first];
  // Unsigned distance: stale and foreign sequence numbers fall outside the chunk.
  uint32_t offset = h.sadb_msg_seq - chunk.baseSeq;
  bool ours = offset < count && !chunk.done[offset];
  const auto* sentHeader = reinterpret_cast<const sadb_msg*>(firstRequest.message.data());
  if (!ours && count == 1 && firstRequest.dump && !chunk.done[0] && h.sadb_msg_type == sentHeader->sadb_msg_type) {
    // Dump entries are numbered by the kernel, the last one 0; an error comes with our own
    // sequence number (ENOENT for an empty table).
    Reply& reply = chunk.replies[chunk.first];
    if (truncated) reply.error = EMSGSIZE;
    else reply.messages.emplace_back(data, data + length);
    if (h.sadb_msg_seq == 0) {
      if (reply.error == 0) reply.error = h.sadb_msg_errno;
      chunk.done[0] = true;
      chunk.pending--;
    }
    return;
  }
  if (!ours) return;
  Reply& reply = chunk.replies[chunk.first + offset];
  if (h.sadb_msg_errno != 0) reply.error = h.sadb_msg_errno;
  else if (truncated) reply.error = EMSGSIZE;
  else if (chunk.requests[chunk.first + offset].keep) reply.messages.emplace_back(data, data + length);
  chunk.done[offset] = true;
  chunk.pending--;
}

}  // namespace ikegate::pfkey

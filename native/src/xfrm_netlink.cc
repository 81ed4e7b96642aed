#include "xfrm_netlink.h"

#include <linux/netlink.h>
#include <linux/xfrm.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace ikegate::xfrm {

namespace {

// Large enough for a thousands-of-acks chunk or a page of GET replies (the kernel doubles it).
constexpr int kBufferBytes = 4 << 20;
// sendmsg takes at most IOV_MAX (1024) iovecs; stay well inside.
constexpr size_t kMaxChunk = 512;
// A dump skb is at most 32 KiB; a reply never exceeds that either.
constexpr size_t kReceiveBuffer = 64 << 10;
// A kernel that never answers must not hold a threadpool thread forever.
constexpr int kReceiveTimeoutSeconds = 30;

nlmsghdr* Header(Request& request) {
  return reinterpret_cast<nlmsghdr*>(request.message.data());
}

}  // namespace

size_t SetBuffer(int fd, int option, int forceOption, int bytes) {
  if (setsockopt(fd, SOL_SOCKET, forceOption, &bytes, sizeof bytes) != 0) {
    // Not privileged: take what net.core.[rw]mem_max allows.
    setsockopt(fd, SOL_SOCKET, option, &bytes, sizeof bytes);
  }
  int actual = 0;
  socklen_t length = sizeof actual;
  getsockopt(fd, SOL_SOCKET, option, &actual, &length);
  return static_cast<size_t>(actual);
}

int ParseError(const void* payload, size_t length, uint16_t flags, std::string* kernelMessage) {
  if (length < sizeof(int)) return EBADMSG;
  nlmsgerr error;
  std::memset(&error, 0, sizeof error);
  std::memcpy(&error, payload, std::min(length, sizeof error));
  if ((flags & NLM_F_ACK_TLVS) != 0 && length >= sizeof error) {
    // With NETLINK_CAP_ACK the echoed request is only its header; otherwise the whole request.
    size_t offset = (flags & NLM_F_CAPPED) != 0 ? sizeof error
                                                 : sizeof(int) + NLMSG_ALIGN(error.msg.nlmsg_len);
    const auto* bytes = static_cast<const uint8_t*>(payload);
    while (offset + NLA_HDRLEN <= length) {
      nlattr attr;
      std::memcpy(&attr, bytes + offset, sizeof attr);
      if (attr.nla_len < NLA_HDRLEN || offset + attr.nla_len > length) break;
      if ((attr.nla_type & NLA_TYPE_MASK) == NLMSGERR_ATTR_MSG) {
        const char* text = reinterpret_cast<const char*>(bytes + offset + NLA_HDRLEN);
        kernelMessage->assign(text, strnlen(text, attr.nla_len - NLA_HDRLEN));
      }
      offset += NLA_ALIGN(attr.nla_len);
    }
  }
  return -error.error;
}

SysError NetlinkSocket::Open(const std::string& netnsPath, std::shared_ptr<NetlinkSocket>* out, int protocol) {
  int fd = -1;
  if (SysError error = OpenNetlink(protocol, false, netnsPath, &fd)) return error;
  std::shared_ptr<NetlinkSocket> socket(new NetlinkSocket(fd));
  if (SysError error = socket->Configure()) return error;
  *out = std::move(socket);
  return {};
}

NetlinkSocket::~NetlinkSocket() { close(fd_); }

SysError NetlinkSocket::Configure() {
  int on = 1;
  // The kernel's own words for a refusal ("Requested type not found") beat a bare errno.
  setsockopt(fd_, SOL_NETLINK, NETLINK_EXT_ACK, &on, sizeof on);
  // Error acks then echo the request's header only: a failing batch stays small.
  setsockopt(fd_, SOL_NETLINK, NETLINK_CAP_ACK, &on, sizeof on);
  limits_.requests = kMaxChunk;
  limits_.sendBytes = SetBuffer(fd_, SO_SNDBUF, SO_SNDBUFFORCE, kBufferBytes) - 64;
  // Keep a quarter spare: the cost estimates are estimates, and a group joined for an
  // announcement also brings other processes' announcements.
  limits_.replyCost = SetBuffer(fd_, SO_RCVBUF, SO_RCVBUFFORCE, kBufferBytes) / 4 * 3;
  timeval timeout{kReceiveTimeoutSeconds, 0};
  if (setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout) != 0) return {errno, "setsockopt"};
  sockaddr_nl local{};
  local.nl_family = AF_NETLINK;
  if (bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local) != 0) return {errno, "bind"};
  socklen_t length = sizeof local;
  if (getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &length) != 0) return {errno, "getsockname"};
  portId_ = local.nl_pid;
  buffer_.resize(kReceiveBuffer);
  return {};
}

std::vector<Reply> NetlinkSocket::Transact(uint64_t ticket, std::vector<Request>& requests) {
  OrderedLine::Turn turn(line_, ticket);
  std::vector<Reply> replies(requests.size());
  ForEachChunk(requests, limits_, [&](size_t first, size_t last) { RunChunk(requests, first, last, replies); });
  ListenTo(0);
  return replies;
}

void NetlinkSocket::ListenTo(uint32_t groups) {
  for (uint32_t group = 1; group <= 32; group++) {
    uint32_t bit = 1u << (group - 1);
    if ((groups & bit) == (groups_ & bit)) continue;
    int option = (groups & bit) != 0 ? NETLINK_ADD_MEMBERSHIP : NETLINK_DROP_MEMBERSHIP;
    // Refused (no CAP_NET_ADMIN for groups): the announcements do not come, and their
    // requests are answered without them.
    if (setsockopt(fd_, SOL_NETLINK, option, &group, sizeof group) == 0) groups_ ^= bit;
  }
}

void NetlinkSocket::RunChunk(std::vector<Request>& requests, size_t first, size_t last,
                             std::vector<Reply>& replies) {
  uint32_t baseSeq = nextSeq_;
  std::vector<iovec> iov(last - first);
  uint32_t groups = 0;
  for (size_t i = first; i < last; i++) {
    if (requests[i].group != 0) groups |= 1u << (requests[i].group - 1);
    nlmsghdr* header = Header(requests[i]);
    header->nlmsg_seq = nextSeq_++;
    header->nlmsg_pid = portId_;
    iov[i - first] = {requests[i].message.data(), requests[i].message.size()};
  }
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  msghdr message{};
  message.msg_name = &kernel;
  message.msg_namelen = sizeof kernel;
  message.msg_iov = iov.data();
  message.msg_iovlen = iov.size();
  if (groups != 0) ListenTo(groups_ | groups);
  ssize_t sent;
  do {
    sent = sendmsg(fd_, &message, 0);
  } while (sent < 0 && errno == EINTR);
  if (sent < 0) return FailUnanswered(replies, first, last, nullptr, errno, "sendmsg");
  Receive(first, last, baseSeq, replies);
}

void NetlinkSocket::Receive(size_t first, size_t last, uint32_t baseSeq, std::vector<Reply>& replies) {
  size_t count = last - first;
  std::vector<bool> done(count, false);
  size_t pending = count;
  while (pending > 0) {
    sockaddr_nl from{};
    iovec iov{buffer_.data(), buffer_.size()};
    msghdr message{};
    message.msg_name = &from;
    message.msg_namelen = sizeof from;
    message.msg_iov = &iov;
    message.msg_iovlen = 1;
    ssize_t received = recvmsg(fd_, &message, 0);
    if (received < 0) {
      if (errno == EINTR) continue;
      return FailUnanswered(replies, first, last, &done, ReceiveError(errno), "recvmsg");
    }
    if ((message.msg_flags & MSG_TRUNC) != 0) return FailUnanswered(replies, first, last, &done, EMSGSIZE, "recvmsg");
    if (from.nl_pid != 0) continue;  // only the kernel answers requests
    size_t remaining = static_cast<size_t>(received);
    for (const nlmsghdr* h = reinterpret_cast<const nlmsghdr*>(buffer_.data()); NLMSG_OK(h, remaining);
         h = NLMSG_NEXT(h, remaining)) {
      // Unsigned distance: correct across the 32-bit wrap, and stale replies fall outside.
      uint32_t offset = h->nlmsg_seq - baseSeq;
      if (h->nlmsg_pid != portId_ || offset >= count || done[offset]) continue;
      Reply& reply = replies[first + offset];
      const void* payload = NLMSG_DATA(h);
      size_t length = h->nlmsg_len - NLMSG_HDRLEN;
      bool finished = false;
      if (h->nlmsg_type == NLMSG_ERROR) {
        reply.error = ParseError(payload, length, h->nlmsg_flags, &reply.kernelMessage);
        finished = true;
      } else if (h->nlmsg_type == NLMSG_DONE) {
        if (length >= sizeof(int)) reply.error = ParseError(payload, length, h->nlmsg_flags, &reply.kernelMessage);
        finished = true;
      } else if (h->nlmsg_type >= NLMSG_MIN_TYPE) {
        const auto* bytes = reinterpret_cast<const uint8_t*>(h);
        reply.messages.emplace_back(bytes, bytes + h->nlmsg_len);
        // A non-dump request carries NLM_F_ACK, so its ack follows the data (and the
        // announcement, which the kernel multicasts before it returns).
      }
      if (finished) {
        done[offset] = true;
        pending--;
      }
    }
  }
}

}  // namespace ikegate::xfrm

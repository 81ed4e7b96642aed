#ifndef IKEGATE_NATIVE_XFRM_NETLINK_H_
#define IKEGATE_NATIVE_XFRM_NETLINK_H_

#include <linux/netlink.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ordered_line.h"
#include "request_chunks.h"
#include "xfrm_netns.h"

namespace ikegate::xfrm {

// Receive-buffer room one reply may take, counted as the kernel counts it (skb truesize, not
// payload): an ack is a small skb; a state or policy reply is built in a page-sized skb.
constexpr size_t kAckCost = 1024;
constexpr size_t kObjectReplyCost = 8192 + kAckCost;
// A multicast announcement of one object (a policy and its templates) is a small skb.
constexpr size_t kAnnouncedReplyCost = 2048 + kAckCost;

struct Request {
  std::vector<uint8_t> message;  // one complete netlink message; its sequence number is set on send
  bool dump = false;             // a multi-part reply ending in NLMSG_DONE, sent on its own
  size_t replyCost = kAckCost;
  // A multicast group (1-32) on which the kernel announces what the request did, with the
  // request's port id and sequence number: the socket listens to it while the request is
  // answered, and the announcement joins the reply's messages. 0: none.
  uint32_t group = 0;
};

struct Reply {
  int error = 0;                 // errno; 0 when the kernel accepted the request
  std::string syscall;           // set when the failure was a call on this side of the socket
  std::string kernelMessage;     // the extended ack's text, when the kernel gave one
  std::vector<std::vector<uint8_t>> messages;  // data replies (GET, ALLOCSPI, dumps)
};

// A NETLINK_XFRM request socket. Transact runs on libuv's threadpool and blocks there.
// Batches reach the kernel in the order their tickets were taken on the JS thread, whatever
// order the threadpool starts them in: an add queued before a delete must not follow it.
// One batch at a time holds the socket, so replies never mix.
class NetlinkSocket {
 public:
  // `protocol`: NETLINK_XFRM, or NETLINK_ROUTE for the rtnetlink requests (rtnl_socket.cc).
  static SysError Open(const std::string& netnsPath, std::shared_ptr<NetlinkSocket>* out,
                       int protocol = NETLINK_XFRM);
  ~NetlinkSocket();
  NetlinkSocket(const NetlinkSocket&) = delete;
  NetlinkSocket& operator=(const NetlinkSocket&) = delete;

  // A place in line, taken on the JS thread when a batch is queued.
  uint64_t Reserve() { return line_.Reserve(); }

  // Waits for `ticket`'s turn, sends the requests in order, as few sendmsg calls as the
  // socket buffers allow, and returns one reply per request. Failures are per request; the
  // call itself cannot fail, so every ticket is served and the line never stalls.
  std::vector<Reply> Transact(uint64_t ticket, std::vector<Request>& requests);

 private:
  explicit NetlinkSocket(int fd) : fd_(fd) {}
  SysError Configure();
  // Sends requests [first, last) in one sendmsg and collects their replies.
  void RunChunk(std::vector<Request>& requests, size_t first, size_t last, std::vector<Reply>& replies);
  void Receive(size_t first, size_t last, uint32_t baseSeq, std::vector<Reply>& replies);
  // Joins the groups of `groups` (bit n-1 for group n) and leaves the others. A group joined
  // only while its requests are answered keeps other processes' announcements from piling
  // up in the socket between batches.
  void ListenTo(uint32_t groups);

  int fd_;
  uint32_t portId_ = 0;
  uint32_t nextSeq_ = 1;
  uint32_t groups_ = 0;  // joined, as for ListenTo
  ChunkLimits limits_;
  std::vector<uint8_t> buffer_;
  OrderedLine line_;
};

// Reads an NLMSG_ERROR payload: the errno (positive, 0 for an ack) and the extended ack text.
int ParseError(const void* payload, size_t length, uint16_t flags, std::string* kernelMessage);

// Sets a socket buffer to `bytes`, past net.core.[rw]mem_max where the process may
// (CAP_NET_ADMIN), and returns the size in force.
size_t SetBuffer(int fd, int option, int forceOption, int bytes);

}  // namespace ikegate::xfrm

#endif  // IKEGATE_NATIVE_XFRM_NETLINK_H_

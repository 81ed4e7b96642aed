#ifndef IKEGATE_NATIVE_PFKEY_CHANNEL_H_
#define IKEGATE_NATIVE_PFKEY_CHANNEL_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <sys/socket.h>

#include "ordered_line.h"
#include "request_chunks.h"
#include "shared_socket.h"
#include "xfrm_netns.h"

namespace ikegate::pfkey {

// Receive-buffer room one reply may take, counted as the kernel counts it (skb truesize): an
// SA with its keys or a policy with its templates fits a 2 KiB skb.
constexpr size_t kReplyCost = 2048;

struct Request {
  std::vector<uint8_t> message;  // one complete PF_KEY message; seq and pid are set on send
  bool dump = false;             // SADB_DUMP, SADB_X_SPDDUMP: many replies, sent on its own
  bool keep = true;              // whether the reply's messages are wanted, or only its errno
  size_t replyCost = kReplyCost;
};

struct Reply {
  int error = 0;        // errno: the kernel's sadb_msg_errno, or a failed call here
  std::string syscall;  // set when the failure was a call on this side of the socket
  std::vector<std::vector<uint8_t>> messages;
};

// A PF_KEY request socket. Transact runs on libuv's threadpool and blocks there; batches are
// served in ticket order, one at a time (ordered_line.h), as with XFRM.
//
// PF_KEY takes one message per sendmsg, so a batch goes out in sendmmsg calls of many
// messages; each message is answered once (the reply, or the same message with
// sadb_msg_errno set), and replies are told apart by pid and sequence number, because the
// socket also hears the ADD/DELETE broadcasts of every other PF_KEY user. Replies are read
// many to a recvmmsg call. The socket is also the event monitor's (shared_socket.h): the
// ACQUIREs, EXPIREs and REGISTER answers a batch reads are posted to it.
class Channel {
 public:
  static xfrm::SysError Open(const std::string& netnsPath, std::shared_ptr<Channel>* out);
  ~Channel() = default;
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  uint64_t Reserve() { return line_.Reserve(); }
  const std::shared_ptr<SharedSocket>& socket() const { return socket_; }
  std::vector<Reply> Transact(uint64_t ticket, std::vector<Request>& requests);

 private:
  explicit Channel(int fd) : socket_(std::make_shared<SharedSocket>(fd)) {}
  // The requests [first, last) of one chunk while their replies come in.
  struct Chunk {
    std::vector<Request>& requests;
    std::vector<Reply>& replies;
    size_t first;
    size_t last;
    uint32_t baseSeq;
    std::vector<bool> done;  // by offset from first
    size_t pending;
  };
  void RunChunk(std::vector<Request>& requests, size_t first, size_t last, std::vector<Reply>& replies);
  void Receive(Chunk& chunk);
  // Takes one received message: a reply to the chunk, or something else to pass over.
  void Take(Chunk& chunk, const uint8_t* data, size_t length, bool truncated);

  std::shared_ptr<SharedSocket> socket_;  // owns the descriptor
  uint32_t pid_ = 0;
  ChunkLimits limits_;
  std::vector<uint8_t> buffer_;  // the receive slots' bytes
  std::vector<iovec> slotIov_;
  std::vector<mmsghdr> slots_;
  OrderedLine line_;
};

}  // namespace ikegate::pfkey

#endif  // IKEGATE_NATIVE_PFKEY_CHANNEL_H_

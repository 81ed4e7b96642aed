#ifndef IKEGATE_NATIVE_PFKEY_CHANNEL_H_
#define IKEGATE_NATIVE_PFKEY_CHANNEL_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "ordered_line.h"
#include "xfrm_netns.h"

namespace ikegate::pfkey {

struct Request {
  std::vector<uint8_t> message;  // one complete PF_KEY message; seq and pid are set on send
  bool dump = false;             // SADB_DUMP, SADB_X_SPDDUMP: many replies, sent on its own
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
// socket also hears the ADD/DELETE broadcasts of every other PF_KEY user.
class Channel {
 public:
  static xfrm::SysError Open(const std::string& netnsPath, std::shared_ptr<Channel>* out);
  ~Channel();
  Channel(const Channel&) = delete;
  Channel& operator=(const Channel&) = delete;

  uint64_t Reserve() { return line_.Reserve(); }
  std::vector<Reply> Transact(uint64_t ticket, std::vector<Request>& requests);

 private:
  explicit Channel(int fd) : fd_(fd) {}
  void RunChunk(std::vector<Request>& requests, size_t first, size_t last, std::vector<Reply>& replies);
  void Receive(std::vector<Request>& requests, size_t first, size_t last, uint32_t baseSeq,
               std::vector<Reply>& replies, std::vector<bool>& done);

  int fd_;
  uint32_t pid_ = 0;
  size_t chunkLimit_ = 0;  // requests whose replies the receive buffer holds at once
  std::vector<uint8_t> buffer_;
  OrderedLine line_;
};

}  // namespace ikegate::pfkey

#endif  // IKEGATE_NATIVE_PFKEY_CHANNEL_H_

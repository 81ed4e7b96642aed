#ifndef IKEGATE_NATIVE_NETLINK_MESSAGE_H_
#define IKEGATE_NATIVE_NETLINK_MESSAGE_H_

// Netlink message building and attribute reading shared by the XFRM and rtnetlink codecs.

#include <linux/netlink.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace ikegate::netlink {

// A message under construction: header, fixed part, attributes, each padded to 4 bytes.
class Message {
 public:
  Message(uint16_t type, uint16_t flags) {
    nlmsghdr header{};
    header.nlmsg_type = type;
    header.nlmsg_flags = flags;
    Append(&header, sizeof header);
  }

  template <typename Fixed>
  void Put(const Fixed& fixed) {
    Append(&fixed, sizeof fixed);
  }

  // One attribute made of `head` followed by `tail` (the variable-length key of an algorithm).
  void Attr(uint16_t type, const void* head, size_t headSize, const void* tail = nullptr, size_t tailSize = 0) {
    nlattr attr{};
    attr.nla_type = type;
    attr.nla_len = static_cast<uint16_t>(NLA_HDRLEN + headSize + tailSize);
    Append(&attr, sizeof attr);
    size_t start = bytes_.size();
    bytes_.resize(start + headSize + tailSize);
    std::memcpy(bytes_.data() + start, head, headSize);
    if (tailSize > 0) std::memcpy(bytes_.data() + start + headSize, tail, tailSize);
    Pad();
  }

  std::vector<uint8_t> Finish() && {
    auto length = static_cast<uint32_t>(bytes_.size());
    std::memcpy(bytes_.data() + offsetof(nlmsghdr, nlmsg_len), &length, sizeof length);
    return std::move(bytes_);
  }

 private:
  void Append(const void* data, size_t size) {
    const auto* p = static_cast<const uint8_t*>(data);
    bytes_.insert(bytes_.end(), p, p + size);
    Pad();
  }
  void Pad() { bytes_.resize(NLMSG_ALIGN(bytes_.size())); }

  std::vector<uint8_t> bytes_;
};

// The attributes after a message's fixed part, by type up to kMax (the last of a type wins).
template <uint16_t kMax>
class Attributes {
 public:
  Attributes(const nlmsghdr* message, size_t fixedSize) {
    size_t start = NLMSG_HDRLEN + NLMSG_ALIGN(fixedSize);
    if (message->nlmsg_len < NLMSG_HDRLEN + fixedSize) return;
    ok_ = true;
    const auto* bytes = reinterpret_cast<const uint8_t*>(message);
    size_t offset = start;
    while (offset + NLA_HDRLEN <= message->nlmsg_len) {
      nlattr attr;
      std::memcpy(&attr, bytes + offset, sizeof attr);
      if (attr.nla_len < NLA_HDRLEN || offset + attr.nla_len > message->nlmsg_len) break;
      uint16_t type = attr.nla_type & NLA_TYPE_MASK;
      if (type < found_.size()) found_[type] = {bytes + offset + NLA_HDRLEN, static_cast<size_t>(attr.nla_len - NLA_HDRLEN)};
      offset += NLA_ALIGN(attr.nla_len);
    }
  }

  bool ok() const { return ok_; }
  const uint8_t* data(uint16_t type) const { return found_[type].data; }
  size_t size(uint16_t type) const { return found_[type].size; }

  // A fixed-size attribute, if present and long enough.
  template <typename T>
  bool Get(uint16_t type, T* out) const {
    if (data(type) == nullptr || size(type) < sizeof(T)) return false;
    std::memcpy(out, data(type), sizeof(T));
    return true;
  }

 private:
  struct Span {
    const uint8_t* data = nullptr;
    size_t size = 0;
  };
  std::array<Span, kMax + 1> found_{};
  bool ok_ = false;
};

}  // namespace ikegate::netlink

#endif  // IKEGATE_NATIVE_NETLINK_MESSAGE_H_

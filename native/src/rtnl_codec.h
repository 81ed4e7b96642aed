#ifndef IKEGATE_NATIVE_RTNL_CODEC_H_
#define IKEGATE_NATIVE_RTNL_CODEC_H_

// rtnetlink messages for what the router configures: links (admin state), IPv4 addresses and
// IPv4 routes of the main table. Addresses are in network byte order, as on the wire.

#include <linux/netlink.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ikegate::rtnl {

struct LinkRecord {
  uint32_t index = 0;
  std::string name;
  uint32_t flags = 0;      // IFF_* (IFF_UP: administratively up; IFF_LOWER_UP: carrier)
  uint8_t operState = 0;   // IF_OPER_*
  uint32_t mtu = 0;
};

struct AddressRecord {
  uint32_t index = 0;
  uint32_t address = 0;
  uint8_t prefixLength = 0;
  uint8_t scope = 0;
};

struct RouteRecord {
  uint32_t table = 0;
  uint8_t protocol = 0;  // RTPROT_*
  uint8_t scope = 0;     // RT_SCOPE_*
  uint8_t type = 0;      // RTN_*
  uint32_t destination = 0;
  uint8_t prefixLength = 0;
  bool hasGateway = false;
  uint32_t gateway = 0;
  uint32_t outputIndex = 0;  // 0: none given
};

// Requests: dumps carry NLM_F_DUMP, the rest NLM_F_ACK, so each ends in a done or an ack.
std::vector<uint8_t> EncodeDump(uint16_t type);  // RTM_GETLINK, RTM_GETADDR (IPv4), RTM_GETROUTE (IPv4)
std::vector<uint8_t> EncodeLinkState(uint32_t index, bool up);
// RTM_NEWADDR (create or replace: idempotent) or RTM_DELADDR.
std::vector<uint8_t> EncodeAddress(uint16_t type, const AddressRecord& address);
// RTM_NEWROUTE (a static unicast route of the main table, appended beside any other route to
// the same prefix) or RTM_DELROUTE (matching destination and, when given, gateway).
std::vector<uint8_t> EncodeRoute(uint16_t type, const RouteRecord& route);

// Each returns false on a message too short or of another family.
bool DecodeLink(const nlmsghdr* message, LinkRecord* link);
bool DecodeAddress(const nlmsghdr* message, AddressRecord* address);
bool DecodeRoute(const nlmsghdr* message, RouteRecord* route);

}  // namespace ikegate::rtnl

#endif  // IKEGATE_NATIVE_RTNL_CODEC_H_

#include "rtnl_codec.h"

#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cstring>

#include "netlink_message.h"

namespace ikegate::rtnl {

namespace {

using netlink::Message;

constexpr uint16_t kRequest = NLM_F_REQUEST | NLM_F_ACK;

}  // namespace

std::vector<uint8_t> EncodeDump(uint16_t type) {
  Message m(type, NLM_F_REQUEST | NLM_F_DUMP);
  if (type == RTM_GETLINK) {
    ifinfomsg info{};
    info.ifi_family = AF_UNSPEC;
    m.Put(info);
  } else if (type == RTM_GETADDR) {
    ifaddrmsg info{};
    info.ifa_family = AF_INET;
    m.Put(info);
  } else {
    rtmsg info{};
    info.rtm_family = AF_INET;
    m.Put(info);
  }
  return std::move(m).Finish();
}

std::vector<uint8_t> EncodeLinkState(uint32_t index, bool up) {
  Message m(RTM_NEWLINK, kRequest);
  ifinfomsg info{};
  info.ifi_family = AF_UNSPEC;
  info.ifi_index = static_cast<int>(index);
  info.ifi_flags = up ? IFF_UP : 0;
  info.ifi_change = IFF_UP;
  m.Put(info);
  return std::move(m).Finish();
}

std::vector<uint8_t> EncodeAddress(uint16_t type, const AddressRecord& address) {
  Message m(type, type == RTM_NEWADDR ? kRequest | NLM_F_CREATE | NLM_F_REPLACE : kRequest);
  ifaddrmsg info{};
  info.ifa_family = AF_INET;
  info.ifa_prefixlen = address.prefixLength;
  info.ifa_scope = RT_SCOPE_UNIVERSE;
  info.ifa_index = address.index;
  m.Put(info);
  m.Attr(IFA_LOCAL, &address.address, sizeof address.address);
  m.Attr(IFA_ADDRESS, &address.address, sizeof address.address);
  return std::move(m).Finish();
}

std::vector<uint8_t> EncodeRoute(uint16_t type, const RouteRecord& route) {
  bool add = type == RTM_NEWROUTE;
  Message m(type, add ? kRequest | NLM_F_CREATE | NLM_F_APPEND : kRequest);
  rtmsg info{};
  info.rtm_family = AF_INET;
  info.rtm_dst_len = route.prefixLength;
  info.rtm_table = RT_TABLE_MAIN;
  // A delete matches any protocol and scope; an add is a static route through a gateway.
  info.rtm_protocol = add ? RTPROT_STATIC : RTPROT_UNSPEC;
  info.rtm_scope = add ? RT_SCOPE_UNIVERSE : RT_SCOPE_NOWHERE;
  info.rtm_type = add ? RTN_UNICAST : RTN_UNSPEC;
  m.Put(info);
  if (route.prefixLength > 0) m.Attr(RTA_DST, &route.destination, sizeof route.destination);
  if (route.hasGateway) m.Attr(RTA_GATEWAY, &route.gateway, sizeof route.gateway);
  if (route.outputIndex != 0) m.Attr(RTA_OIF, &route.outputIndex, sizeof route.outputIndex);
  return std::move(m).Finish();
}

bool DecodeLink(const nlmsghdr* message, LinkRecord* link) {
  if (message->nlmsg_type != RTM_NEWLINK) return false;
  netlink::Attributes<IFLA_MAX> attrs(message, sizeof(ifinfomsg));
  if (!attrs.ok()) return false;
  ifinfomsg info;
  std::memcpy(&info, NLMSG_DATA(message), sizeof info);
  link->index = static_cast<uint32_t>(info.ifi_index);
  link->flags = info.ifi_flags;
  if (const uint8_t* name = attrs.data(IFLA_IFNAME)) {
    link->name.assign(reinterpret_cast<const char*>(name), strnlen(reinterpret_cast<const char*>(name), attrs.size(IFLA_IFNAME)));
  }
  attrs.Get(IFLA_OPERSTATE, &link->operState);
  attrs.Get(IFLA_MTU, &link->mtu);
  return true;
}

bool DecodeAddress(const nlmsghdr* message, AddressRecord* address) {
  if (message->nlmsg_type != RTM_NEWADDR) return false;
  netlink::Attributes<IFA_MAX> attrs(message, sizeof(ifaddrmsg));
  if (!attrs.ok()) return false;
  ifaddrmsg info;
  std::memcpy(&info, NLMSG_DATA(message), sizeof info);
  if (info.ifa_family != AF_INET) return false;
  address->index = info.ifa_index;
  address->prefixLength = info.ifa_prefixlen;
  address->scope = info.ifa_scope;
  // IFA_LOCAL is the interface's own address; IFA_ADDRESS is the peer's on point-to-point links.
  return attrs.Get(IFA_LOCAL, &address->address) || attrs.Get(IFA_ADDRESS, &address->address);
}

bool DecodeRoute(const nlmsghdr* message, RouteRecord* route) {
  if (message->nlmsg_type != RTM_NEWROUTE) return false;
  netlink::Attributes<RTA_MAX> attrs(message, sizeof(rtmsg));
  if (!attrs.ok()) return false;
  rtmsg info;
  std::memcpy(&info, NLMSG_DATA(message), sizeof info);
  if (info.rtm_family != AF_INET) return false;
  route->table = info.rtm_table;
  attrs.Get(RTA_TABLE, &route->table);
  route->protocol = info.rtm_protocol;
  route->scope = info.rtm_scope;
  route->type = info.rtm_type;
  route->prefixLength = info.rtm_dst_len;
  attrs.Get(RTA_DST, &route->destination);
  route->hasGateway = attrs.Get(RTA_GATEWAY, &route->gateway);
  attrs.Get(RTA_OIF, &route->outputIndex);
  return true;
}

}  // namespace ikegate::rtnl

#ifndef IKEGATE_NATIVE_RTNL_SOCKET_H_
#define IKEGATE_NATIVE_RTNL_SOCKET_H_

#include <napi.h>

#include <memory>

#include "xfrm_netlink.h"

namespace ikegate::rtnl {

// JavaScript: new RtnlSocket({ netns? }); execute(op) resolves with the op's result or rejects
// with an Error carrying code/errno/operation; close(). Ops:
//   { op: 'links' }                       -> [{ index, name, flags, operState, mtu }]
//   { op: 'addresses' }                   -> [{ index, address, prefixLength, scope }] (IPv4)
//   { op: 'routes' }                      -> [{ table, protocol, scope, type, destination,
//                                              prefixLength, gateway?, index? }] (IPv4)
//   { op: 'setlink', index, up }
//   { op: 'newaddr' | 'deladdr', index, address, prefixLength }
//   { op: 'newroute' | 'delroute', destination, prefixLength, gateway?, index? }
// Requests run on the threadpool over the same ordered request socket as XFRM's.
class RtnlSocket : public Napi::ObjectWrap<RtnlSocket> {
 public:
  static void Register(Napi::Env env, Napi::Object exports);
  explicit RtnlSocket(const Napi::CallbackInfo& info);

 private:
  Napi::Value Execute(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);

  std::shared_ptr<xfrm::NetlinkSocket> socket_;
};

}  // namespace ikegate::rtnl

#endif  // IKEGATE_NATIVE_RTNL_SOCKET_H_

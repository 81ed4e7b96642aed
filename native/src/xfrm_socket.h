#ifndef IKEGATE_NATIVE_XFRM_SOCKET_H_
#define IKEGATE_NATIVE_XFRM_SOCKET_H_

#include <napi.h>

#include <memory>

#include "xfrm_netlink.h"

namespace ikegate::xfrm {

// JavaScript: new XfrmSocket({ netns? }); execute(ops) resolves with one result per op (the
// reply's value, or an Error with code/errno/operation); close().
class XfrmSocket : public Napi::ObjectWrap<XfrmSocket> {
 public:
  static void Register(Napi::Env env, Napi::Object exports);
  explicit XfrmSocket(const Napi::CallbackInfo& info);

 private:
  Napi::Value Execute(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);

  // Shared with running workers: close() drops this reference and the socket closes when
  // the last batch in flight is done with it.
  std::shared_ptr<NetlinkSocket> socket_;
};

}  // namespace ikegate::xfrm

#endif  // IKEGATE_NATIVE_XFRM_SOCKET_H_

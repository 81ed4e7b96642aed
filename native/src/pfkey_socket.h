#ifndef IKEGATE_NATIVE_PFKEY_SOCKET_H_
#define IKEGATE_NATIVE_PFKEY_SOCKET_H_

#include <napi.h>

#include <memory>

#include "pfkey_channel.h"

namespace ikegate::pfkey {

// JavaScript: new PfkeySocket({ netns? }); execute(ops) resolves with one result per op (the
// reply's value, or an Error with code/errno/operation); close(). Also exports
// pfkeyEncode(op) -> Buffer and pfkeyDecode(Buffer) -> object, the codec without a socket.
class PfkeySocket : public Napi::ObjectWrap<PfkeySocket> {
 public:
  static void Register(Napi::Env env, Napi::Object exports);
  explicit PfkeySocket(const Napi::CallbackInfo& info);
  // The socket of `value`, which must be an open PfkeySocket: what a PfkeyMonitor listens on.
  static std::shared_ptr<SharedSocket> SharedOf(const Napi::Value& value);

 private:
  Napi::Value Execute(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);

  // Shared with running workers: close() drops this reference and the socket closes when
  // the last batch in flight is done with it.
  std::shared_ptr<Channel> channel_;
};

}  // namespace ikegate::pfkey

#endif  // IKEGATE_NATIVE_PFKEY_SOCKET_H_

#include "xfrm_socket.h"

#include <string>
#include <utility>
#include <vector>

#include "batch_worker.h"
#include "socket_class.h"
#include "xfrm_errno.h"
#include "xfrm_js.h"
#include "xfrm_ops.h"

namespace ikegate::xfrm {

namespace {

// One execute() call (batch_worker.h); replies are parsed on the threadpool.
class ExecuteWorker : public BatchWorker<NetlinkSocket, OpKind, Request, Reply> {
 public:
  ExecuteWorker(Napi::Env env, std::shared_ptr<NetlinkSocket> socket)
      : BatchWorker(env, "ikegate:xfrm", std::move(socket)) {}

 protected:
  void Prepare(const OpKind& kind, Reply& reply, size_t request) override {
    if (decoded_.size() <= request) decoded_.resize(request + 1);
    if (reply.error == 0) decoded_[request] = DecodeReply(kind, reply);
    reply.messages.clear();
  }

  Napi::Value ResultToJs(Napi::Env env, const OpKind& kind, const Reply& reply, size_t request) override {
    if (reply.error != 0) {
      return MakeSystemError(env, reply.error, kind.operation, reply.syscall, reply.kernelMessage).Value();
    }
    const Decoded& decoded = decoded_[request];
    if (decoded.error != 0) {
      return MakeSystemError(env, decoded.error, kind.operation, "", "the kernel's reply could not be parsed").Value();
    }
    return DecodedToJs(env, kind, decoded);
  }

 private:
  std::vector<Decoded> decoded_;  // by request
};

}  // namespace

void XfrmSocket::Register(Napi::Env env, Napi::Object exports) {
  Napi::Function constructor = DefineClass(env, "XfrmSocket", {
      InstanceMethod("execute", &XfrmSocket::Execute),
      InstanceMethod("close", &XfrmSocket::Close),
  });
  exports.Set("XfrmSocket", constructor);
}

XfrmSocket::XfrmSocket(const Napi::CallbackInfo& info) : Napi::ObjectWrap<XfrmSocket>(info) {
  std::string netns = NetnsOption(info, "xfrm");
  if (SysError error = NetlinkSocket::Open(netns, &socket_)) ThrowOpenError(info.Env(), error, "XFRM netlink socket", netns);
}

Napi::Value XfrmSocket::Execute(const Napi::CallbackInfo& info) {
  Napi::Array ops = ExecuteOps(info, socket_, "XFRM socket", "xfrm");
  return (new ExecuteWorker(info.Env(), socket_))->QueueOps(ops, OpFromJs);
}

Napi::Value XfrmSocket::Close(const Napi::CallbackInfo& info) {
  socket_.reset();
  return info.Env().Undefined();
}

}  // namespace ikegate::xfrm

#include "pfkey_socket.h"

#include <string>
#include <utility>

#include "batch_worker.h"
#include "pfkey_ops.h"
#include "pfkey_js.h"
#include "socket_class.h"

namespace ikegate::pfkey {

namespace {

// One execute() call (batch_worker.h); replies are parsed into JavaScript on the JS thread.
// While it exists the socket's batches own its reading, and its monitor does not poll it.
class ExecuteWorker : public BatchWorker<Channel, OpKind, Request, Reply> {
 public:
  ExecuteWorker(Napi::Env env, std::shared_ptr<Channel> channel)
      : BatchWorker(env, "ikegate:pfkey", channel), socket_(channel->socket()) {
    socket_->BatchBegins();
  }
  ~ExecuteWorker() override { socket_->BatchEnds(); }

 protected:
  Napi::Value ResultToJs(Napi::Env env, const OpKind& kind, const Reply& reply, size_t /*request*/) override {
    return ReplyToJs(env, kind, reply);
  }

 private:
  std::shared_ptr<SharedSocket> socket_;
};

// pfkeyEncode(op): the message an op sends (sequence number and pid 0).
Napi::Value EncodeFunction(const Napi::CallbackInfo& info) {
  Op op = OpFromJs(info[0], 0);
  return Napi::Buffer<uint8_t>::Copy(info.Env(), op.request.message.data(), op.request.message.size());
}

// pfkeyDecode(buffer): a message as ikegate reads it.
Napi::Value DecodeFunction(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsBuffer()) throw Napi::TypeError::New(info.Env(), "pfkey: pfkeyDecode(buffer) takes a Buffer");
  auto buffer = info[0].As<Napi::Buffer<uint8_t>>();
  return DecodeToJs(info.Env(), buffer.Data(), buffer.Length());
}

// Marks PfkeySocket objects, so that SharedOf unwraps no other kind.
constexpr napi_type_tag kPfkeySocketTag = {0x6b9e2f1c4d7a3b05ULL, 0x91c8e4a2f3d65b17ULL};

}  // namespace

void PfkeySocket::Register(Napi::Env env, Napi::Object exports) {
  Napi::Function constructor = DefineClass(env, "PfkeySocket", {
      InstanceMethod("execute", &PfkeySocket::Execute),
      InstanceMethod("close", &PfkeySocket::Close),
  });
  exports.Set("PfkeySocket", constructor);
  exports.Set("pfkeyEncode", Napi::Function::New(env, EncodeFunction, "pfkeyEncode"));
  exports.Set("pfkeyDecode", Napi::Function::New(env, DecodeFunction, "pfkeyDecode"));
}

PfkeySocket::PfkeySocket(const Napi::CallbackInfo& info) : Napi::ObjectWrap<PfkeySocket>(info) {
  std::string netns = NetnsOption(info, "pfkey");
  if (xfrm::SysError error = Channel::Open(netns, &channel_)) ThrowOpenError(info.Env(), error, "PF_KEY socket", netns);
  info.This().As<Napi::Object>().TypeTag(&kPfkeySocketTag);
}

std::shared_ptr<SharedSocket> PfkeySocket::SharedOf(const Napi::Value& value) {
  Napi::Env env = value.Env();
  if (!value.IsObject() || !value.As<Napi::Object>().CheckTypeTag(&kPfkeySocketTag)) {
    throw Napi::TypeError::New(env, "pfkey: PfkeyMonitor listens on a PfkeySocket");
  }
  PfkeySocket* socket = Unwrap(value.As<Napi::Object>());
  if (!socket->channel_) throw xfrm::MakeSystemError(env, EBADF, "open PF_KEY event socket", "", "the PF_KEY socket is closed");
  return socket->channel_->socket();
}

Napi::Value PfkeySocket::Execute(const Napi::CallbackInfo& info) {
  Napi::Array ops = ExecuteOps(info, channel_, "PF_KEY socket", "pfkey");
  return (new ExecuteWorker(info.Env(), channel_))->QueueOps(ops, OpFromJs);
}

Napi::Value PfkeySocket::Close(const Napi::CallbackInfo& info) {
  channel_.reset();
  return info.Env().Undefined();
}

}  // namespace ikegate::pfkey

#include "xfrm_socket.h"

#include <string>
#include <utility>
#include <vector>

#include "xfrm_errno.h"
#include "xfrm_js.h"
#include "xfrm_ops.h"

namespace ikegate::xfrm {

namespace {

// One execute() call: requests encoded on the JS thread, sent and decoded on the threadpool,
// turned into JavaScript values back on the JS thread.
class ExecuteWorker : public Napi::AsyncWorker {
 public:
  ExecuteWorker(Napi::Env env, std::shared_ptr<NetlinkSocket> socket)
      : Napi::AsyncWorker(env, "ikegate:xfrm"), socket_(std::move(socket)), deferred_(Napi::Promise::Deferred::New(env)) {}

  void Add(Op op) {
    Slot slot;
    slot.kind = op.kind;
    slot.request = requests_.size();
    requests_.push_back(std::move(op.request));
    slots_.push_back(std::move(slot));
  }

  // A malformed op fails alone, so one bad entry does not sink a batch of thousands.
  void AddInvalid(const Napi::Error& error) {
    Slot slot;
    slot.invalid = Napi::Persistent(error.Value());
    slots_.push_back(std::move(slot));
  }

  Napi::Promise Promise() const { return deferred_.Promise(); }

  // Last, once nothing can throw any more: a reserved ticket must reach Transact.
  void QueueInLine() {
    ticket_ = socket_->Reserve();
    Queue();
  }

 protected:
  void Execute() override {
    std::vector<Reply> replies = socket_->Transact(ticket_, requests_);
    for (Slot& slot : slots_) {
      if (slot.kind == nullptr) continue;
      slot.reply = std::move(replies[slot.request]);
      if (slot.reply.error == 0) slot.decoded = DecodeReply(*slot.kind, slot.reply);
      slot.reply.messages.clear();
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Array results = Napi::Array::New(env, slots_.size());
    for (uint32_t i = 0; i < slots_.size(); i++) {
      const Slot& slot = slots_[i];
      if (slot.kind == nullptr) {
        results.Set(i, slot.invalid.Value());
      } else if (slot.reply.error != 0) {
        results.Set(i, MakeSystemError(env, slot.reply.error, slot.kind->operation, slot.reply.syscall,
                                       slot.reply.kernelMessage).Value());
      } else if (slot.decoded.error != 0) {
        results.Set(i, MakeSystemError(env, slot.decoded.error, slot.kind->operation, "",
                                       "the kernel's reply could not be parsed").Value());
      } else {
        results.Set(i, DecodedToJs(env, *slot.kind, slot.decoded));
      }
    }
    deferred_.Resolve(results);
  }

  // Only reached if Execute threw (out of memory): the batch as a whole failed.
  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  struct Slot {
    const OpKind* kind = nullptr;  // null: the op was malformed and `invalid` says why
    size_t request = 0;
    Napi::ObjectReference invalid;
    Reply reply;
    Decoded decoded;
  };

  std::shared_ptr<NetlinkSocket> socket_;
  Napi::Promise::Deferred deferred_;
  uint64_t ticket_ = 0;
  std::vector<Request> requests_;
  std::vector<Slot> slots_;
};

std::string NetnsOption(const Napi::CallbackInfo& info) {
  if (info.Length() == 0 || info[0].IsUndefined()) return "";
  Fields options(info[0], "options");
  return options.Has("netns") ? options.String("netns") : "";
}

}  // namespace

void XfrmSocket::Register(Napi::Env env, Napi::Object exports) {
  Napi::Function constructor = DefineClass(env, "XfrmSocket", {
      InstanceMethod("execute", &XfrmSocket::Execute),
      InstanceMethod("close", &XfrmSocket::Close),
  });
  exports.Set("XfrmSocket", constructor);
}

XfrmSocket::XfrmSocket(const Napi::CallbackInfo& info) : Napi::ObjectWrap<XfrmSocket>(info) {
  std::string netns = NetnsOption(info);
  if (SysError error = NetlinkSocket::Open(netns, &socket_)) {
    std::string what = netns.empty() ? "open XFRM netlink socket" : "open XFRM netlink socket in " + netns;
    throw MakeSystemError(info.Env(), error.error, what, error.syscall, "");
  }
}

Napi::Value XfrmSocket::Execute(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!socket_) throw MakeSystemError(env, EBADF, "execute", "", "the XFRM socket is closed");
  if (info.Length() < 1 || !info[0].IsArray()) throw Napi::TypeError::New(env, "xfrm: execute(ops) takes an array");
  Napi::Array ops = info[0].As<Napi::Array>();
  auto* worker = new ExecuteWorker(env, socket_);
  for (uint32_t i = 0; i < ops.Length(); i++) {
    try {
      worker->Add(OpFromJs(ops.Get(i), i));
    } catch (const Napi::Error& error) {
      worker->AddInvalid(error);
    }
  }
  Napi::Promise promise = worker->Promise();
  worker->QueueInLine();
  return promise;
}

Napi::Value XfrmSocket::Close(const Napi::CallbackInfo& info) {
  socket_.reset();
  return info.Env().Undefined();
}

}  // namespace ikegate::xfrm

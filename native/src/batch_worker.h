#ifndef IKEGATE_NATIVE_BATCH_WORKER_H_
#define IKEGATE_NATIVE_BATCH_WORKER_H_

#include <napi.h>

#include <memory>
#include <utility>
#include <vector>

namespace ikegate {

// One execute() call of a kernel socket class (XFRM netlink, PF_KEY): requests encoded on the
// JS thread, sent and answered on the threadpool by `Channel::Transact` in ticket order
// (ordered_line.h), and resolved as one array of results back on the JS thread. A malformed
// op fails alone, so one bad entry does not sink a batch of thousands.
//
// `Kind` describes an operation (what its reply holds); the subclass turns each reply into
// a JavaScript value (ResultToJs), after an optional step on the threadpool (Prepare).
template <typename Channel, typename Kind, typename Request, typename Reply>
class BatchWorker : public Napi::AsyncWorker {
 public:
  BatchWorker(Napi::Env env, const char* resource, std::shared_ptr<Channel> channel)
      : Napi::AsyncWorker(env, resource), channel_(std::move(channel)), deferred_(Napi::Promise::Deferred::New(env)) {}

  // Takes each op of `ops` as `opFromJs(value, index)` reads it (an op with `kind` and
  // `request`, or a Napi::Error for a malformed one), queues the batch and returns the
  // promise of all the results.
  template <typename OpFromJs>
  Napi::Promise QueueOps(const Napi::Array& ops, OpFromJs opFromJs) {
    for (uint32_t i = 0; i < ops.Length(); i++) {
      try {
        auto op = opFromJs(ops.Get(i), i);
        Add(op.kind, std::move(op.request));
      } catch (const Napi::Error& error) {
        AddInvalid(error);
      }
    }
    Napi::Promise promise = deferred_.Promise();
    // Last, once nothing can throw any more: a reserved ticket must reach Transact.
    ticket_ = channel_->Reserve();
    this->Queue();
    return promise;
  }

 protected:
  // On the threadpool, for each op's reply once all are in.
  virtual void Prepare(const Kind& /*kind*/, Reply& /*reply*/, size_t /*request*/) {}
  // On the JS thread: the op's result, an Error for a failed one.
  virtual Napi::Value ResultToJs(Napi::Env env, const Kind& kind, const Reply& reply, size_t request) = 0;

  void Execute() override {
    replies_ = channel_->Transact(ticket_, requests_);
    for (const Slot& slot : slots_) {
      if (slot.kind != nullptr) Prepare(*slot.kind, replies_[slot.request], slot.request);
    }
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Array results = Napi::Array::New(env, slots_.size());
    for (uint32_t i = 0; i < slots_.size(); i++) {
      const Slot& slot = slots_[i];
      results.Set(i, slot.kind == nullptr ? slot.invalid.Value() : ResultToJs(env, *slot.kind, replies_[slot.request], slot.request));
    }
    deferred_.Resolve(results);
  }

  // Only reached if Execute threw (out of memory): the batch as a whole failed.
  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  void Add(const Kind* kind, Request request) {
    Slot slot;
    slot.kind = kind;
    slot.request = requests_.size();
    requests_.push_back(std::move(request));
    slots_.push_back(std::move(slot));
  }

  void AddInvalid(const Napi::Error& error) {
    Slot slot;
    slot.invalid = Napi::Persistent(error.Value());
    slots_.push_back(std::move(slot));
  }

  struct Slot {
    const Kind* kind = nullptr;  // null: the op was malformed and `invalid` says why
    size_t request = 0;
    Napi::ObjectReference invalid;
  };

  std::shared_ptr<Channel> channel_;
  Napi::Promise::Deferred deferred_;
  uint64_t ticket_ = 0;
  std::vector<Request> requests_;
  std::vector<Reply> replies_;
  std::vector<Slot> slots_;
};

}  // namespace ikegate

#endif  // IKEGATE_NATIVE_BATCH_WORKER_H_

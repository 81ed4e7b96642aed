#include "crypto_table.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <string>

#include "xfrm_errno.h"

namespace ikegate::crypto {

namespace {

constexpr const char* kDefaultTable = "/proc/crypto";

class ReadTableWorker : public Napi::AsyncWorker {
 public:
  ReadTableWorker(Napi::Env env, std::string path)
      : Napi::AsyncWorker(env, "ikegate:crypto-table"), path_(std::move(path)), deferred_(env) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    int fd = open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
      error_ = errno;
      syscall_ = "open";
      return;
    }
    // procfs files report size 0: read until end of file.
    char chunk[16384];
    for (;;) {
      ssize_t n = read(fd, chunk, sizeof chunk);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        error_ = errno;
        syscall_ = "read";
        break;
      }
      if (n == 0) break;
      text_.append(chunk, static_cast<size_t>(n));
    }
    close(fd);
  }

  void OnOK() override {
    Napi::Env env = Env();
    if (error_ != 0) {
      deferred_.Reject(xfrm::MakeSystemError(env, error_, "read " + path_, syscall_, "").Value());
    } else {
      deferred_.Resolve(Napi::String::New(env, text_));
    }
  }

  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  std::string path_;
  Napi::Promise::Deferred deferred_;
  std::string text_;
  int error_ = 0;
  const char* syscall_ = "";
};

Napi::Value ReadCryptoTable(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string path = kDefaultTable;
  if (info.Length() > 0 && !info[0].IsUndefined()) {
    if (!info[0].IsString()) throw Napi::TypeError::New(env, "crypto: readCryptoTable(path?) takes a string path");
    path = info[0].As<Napi::String>().Utf8Value();
  }
  auto* worker = new ReadTableWorker(env, path);
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace

void RegisterCryptoTable(Napi::Env env, Napi::Object exports) {
  exports.Set("readCryptoTable", Napi::Function::New(env, ReadCryptoTable, "readCryptoTable"));
}

}  // namespace ikegate::crypto

#include "ike_crypto.h"

#include "openssl_args.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <string>

namespace ikegate {
namespace crypto {

namespace {

// The IKE hashes (RFC 2409 appendix A, RFC 4868), by the names node:crypto uses for them.
constexpr const char* kDigests[] = {"md5", "sha1", "sha256", "sha384"};
constexpr size_t kDigestCount = sizeof(kDigests) / sizeof(kDigests[0]);

// The IKE ciphers in CBC mode, by OpenSSL's names (des-cbc needs the legacy provider,
// which node --openssl-legacy-provider loads into the default library context used here).
constexpr const char* kCiphers[] = {"des-cbc", "des-ede3-cbc", "aes-128-cbc", "aes-192-cbc", "aes-256-cbc"};
constexpr size_t kCipherCount = sizeof(kCiphers) / sizeof(kCiphers[0]);

// Fetched algorithms and one reusable context each: every call re-initialises them, and all
// calls come from the JavaScript thread.
struct DigestSlot {
  EVP_MD* md = nullptr;
  EVP_MD_CTX* hash = nullptr;
  EVP_MAC_CTX* hmac = nullptr;
};
DigestSlot digest_slots[kDigestCount];
EVP_CIPHER* cipher_slots[kCipherCount];
EVP_CIPHER_CTX* cipher_ctx = nullptr;

size_t IndexOf(Napi::Env env, const Napi::Value& name, const char* const* names, size_t count, const char* kind) {
  if (!name.IsString()) throw Napi::TypeError::New(env, std::string(kind) + " name must be a string");
  std::string s = name.As<Napi::String>().Utf8Value();
  for (size_t i = 0; i < count; ++i) {
    if (s == names[i]) return i;
  }
  throw Napi::TypeError::New(env, std::string("unsupported ") + kind + " " + s);
}

DigestSlot& Digest(Napi::Env env, const Napi::Value& name) {
  size_t i = IndexOf(env, name, kDigests, kDigestCount, "hash");
  DigestSlot& slot = digest_slots[i];
  if (slot.hmac) return slot;
  slot.md = EVP_MD_fetch(nullptr, kDigests[i], nullptr);
  slot.hash = EVP_MD_CTX_new();
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (!slot.md || !slot.hash || !mac) Fail(env, std::string("cannot load ") + kDigests[i]);
  slot.hmac = EVP_MAC_CTX_new(mac);
  EVP_MAC_free(mac);  // the context holds its own reference
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(kDigests[i]), 0),
      OSSL_PARAM_construct_end(),
  };
  if (!slot.hmac || !EVP_MAC_CTX_set_params(slot.hmac, params)) Fail(env, std::string("cannot set up HMAC-") + kDigests[i]);
  return slot;
}

// ikeHash(out, hash, ...parts): the digest of the parts' concatenation, into out.
void IkeHash(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  DigestSlot& slot = Digest(env, info[1]);
  uint8_t* out = SizedBufferArg(info, 0, "out", static_cast<size_t>(EVP_MD_get_size(slot.md)));
  if (!EVP_DigestInit_ex2(slot.hash, slot.md, nullptr)) Fail(env, "hash init");
  for (size_t i = 2; i < info.Length(); ++i) {
    Napi::Buffer<uint8_t> part = BufferArg(info, i, "every part");
    if (!EVP_DigestUpdate(slot.hash, part.Data(), part.Length())) Fail(env, "hash update");
  }
  unsigned int length = 0;
  if (!EVP_DigestFinal_ex(slot.hash, out, &length)) Fail(env, "hash final");
}

// ikeHmac(out, hash, key, ...parts): HMAC of the parts' concatenation (IKE's prf, RFC 2409
// 4), into out.
void IkeHmac(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  DigestSlot& slot = Digest(env, info[1]);
  size_t size = static_cast<size_t>(EVP_MD_get_size(slot.md));
  uint8_t* out = SizedBufferArg(info, 0, "out", size);
  Napi::Buffer<uint8_t> key = BufferArg(info, 2, "key");
  // OpenSSL refuses a NULL key; an empty one is a valid HMAC key.
  static const unsigned char kEmpty[1] = {0};
  if (!EVP_MAC_init(slot.hmac, key.Length() ? key.Data() : kEmpty, key.Length(), nullptr)) Fail(env, "HMAC init");
  for (size_t i = 3; i < info.Length(); ++i) {
    Napi::Buffer<uint8_t> part = BufferArg(info, i, "every part");
    if (!EVP_MAC_update(slot.hmac, part.Data(), part.Length())) Fail(env, "HMAC update");
  }
  size_t length = 0;
  if (!EVP_MAC_final(slot.hmac, out, &length, size)) Fail(env, "HMAC final");
}

// ikeCbc(out, cipher, encrypt, key, iv, data): CBC without padding (IKE pads itself), into
// out (as long as data).
void IkeCbc(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  size_t c = IndexOf(env, info[1], kCiphers, kCipherCount, "cipher");
  if (!info[2].IsBoolean()) throw Napi::TypeError::New(env, "encrypt must be a boolean");
  bool encrypt = info[2].As<Napi::Boolean>().Value();
  Napi::Buffer<uint8_t> key = BufferArg(info, 3, "key");
  Napi::Buffer<uint8_t> iv = BufferArg(info, 4, "iv");
  Napi::Buffer<uint8_t> data = BufferArg(info, 5, "data");
  if (!cipher_slots[c]) {
    cipher_slots[c] = EVP_CIPHER_fetch(nullptr, kCiphers[c], nullptr);
    if (!cipher_slots[c]) Fail(env, std::string("cannot load ") + kCiphers[c]);
  }
  if (!cipher_ctx && !(cipher_ctx = EVP_CIPHER_CTX_new())) Fail(env, "cipher context");
  EVP_CIPHER* cipher = cipher_slots[c];
  if (static_cast<size_t>(EVP_CIPHER_get_key_length(cipher)) != key.Length() ||
      static_cast<size_t>(EVP_CIPHER_get_iv_length(cipher)) != iv.Length()) {
    throw Napi::RangeError::New(env, std::string(kCiphers[c]) + ": wrong key or IV length");
  }
  size_t block = static_cast<size_t>(EVP_CIPHER_get_block_size(cipher));
  if (data.Length() == 0 || data.Length() % block != 0) {
    throw Napi::RangeError::New(env, std::string(kCiphers[c]) + ": data must be a non-empty multiple of the block size");
  }
  if (!EVP_CipherInit_ex2(cipher_ctx, cipher, key.Data(), iv.Data(), encrypt ? 1 : 0, nullptr) ||
      !EVP_CIPHER_CTX_set_padding(cipher_ctx, 0)) {
    Fail(env, std::string(kCiphers[c]) + " init");
  }
  uint8_t* out = SizedBufferArg(info, 0, "out", data.Length());
  int written = 0;
  int tail = 0;
  if (!EVP_CipherUpdate(cipher_ctx, out, &written, data.Data(), static_cast<int>(data.Length())) ||
      !EVP_CipherFinal_ex(cipher_ctx, out + written, &tail)) {
    Fail(env, std::string(kCiphers[c]) + (encrypt ? " encrypt" : " decrypt"));
  }
}

}  // namespace

void RegisterIkeCrypto(Napi::Env env, Napi::Object exports) {
  exports.Set("ikeHash", Napi::Function::New(env, IkeHash, "ikeHash"));
  exports.Set("ikeHmac", Napi::Function::New(env, IkeHmac, "ikeHmac"));
  exports.Set("ikeCbc", Napi::Function::New(env, IkeCbc, "ikeCbc"));
}

}  // namespace crypto
}  // namespace ikegate

#ifndef IKEGATE_NATIVE_IKE_CRYPTO_H_
#define IKEGATE_NATIVE_IKE_CRYPTO_H_

#include <napi.h>

namespace ikegate {
namespace crypto {

// Exports ikeHash, ikeHmac and ikeCbc: one call each for IKE's hashes, its prf (HMAC) and
// its CBC message encryption, through the OpenSSL that Node itself runs (and exports). An IKE
// setup makes dozens of these on short inputs, where node:crypto's object per operation
// costs several times the cryptography.
void RegisterIkeCrypto(Napi::Env env, Napi::Object exports);

}  // namespace crypto
}  // namespace ikegate

#endif  // IKEGATE_NATIVE_IKE_CRYPTO_H_

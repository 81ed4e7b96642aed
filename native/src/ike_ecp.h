#ifndef IKEGATE_NATIVE_IKE_ECP_H_
#define IKEGATE_NATIVE_IKE_ECP_H_

#include <napi.h>

namespace ikegate {
namespace crypto {

// Exports ecpKeyPair and ecpSharedSecret: the ECP Diffie-Hellman of IKE groups 19 and 20
// (RFC 5903) on the OpenSSL inside Node. node:crypto's ECDH object checks its own key pair
// again on every computeSecret (one more scalar multiplication) and builds its curve anew for
// every key: together about half of a Main Mode's ECDH time.
void RegisterIkeEcp(Napi::Env env, Napi::Object exports);

}  // namespace crypto
}  // namespace ikegate

#endif  // IKEGATE_NATIVE_IKE_ECP_H_

#ifndef IKEGATE_NATIVE_CRYPTO_TABLE_H_
#define IKEGATE_NATIVE_CRYPTO_TABLE_H_

#include <napi.h>

namespace ikegate::crypto {

// JavaScript: readCryptoTable(path?) -> Promise<string>. Reads the kernel's algorithm table
// (/proc/crypto unless a path is given) on the libuv threadpool: procfs builds the text
// under the kernel's algorithm lock, which can take a while while a driver registers.
void RegisterCryptoTable(Napi::Env env, Napi::Object exports);

}  // namespace ikegate::crypto

#endif  // IKEGATE_NATIVE_CRYPTO_TABLE_H_

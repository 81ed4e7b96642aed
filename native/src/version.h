#ifndef IKEGATE_NATIVE_VERSION_H_
#define IKEGATE_NATIVE_VERSION_H_

#include <napi.h>

namespace ikegate {

// Exports version(): { addon: package version, napi: Node-API level built against },
// so JavaScript can tell a stale build from the current sources.
void RegisterVersion(Napi::Env env, Napi::Object exports);

}  // namespace ikegate

#endif  // IKEGATE_NATIVE_VERSION_H_

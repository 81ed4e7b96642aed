#ifndef IKEGATE_NATIVE_PFKEY_JS_H_
#define IKEGATE_NATIVE_PFKEY_JS_H_

#include <napi.h>

#include "pfkey_decode.h"
#include "pfkey_types.h"
#include "xfrm_fields.h"

namespace ikegate::pfkey {

using xfrm::Fields;

// The kernel's numbers by the names the TypeScript binding (src/native/pfkey.ts) uses.
extern const xfrm::Name kSatypes[3];  // 'unspec', 'ah', 'esp'
uint8_t SatypeFromJs(const Fields& fields, const char* key, uint8_t fallback);
uint8_t ModeFromJs(const Fields& fields, const char* key);  // 'any', 'transport', 'tunnel'

Address HostFromJs(const Fields& fields, const char* key);  // an SA endpoint: "192.0.2.1"
Sa SaFromJs(const Fields& fields);
Policy PolicyFromJs(const Fields& fields);

Napi::Object SaToJs(Napi::Env env, const Sa& sa);
Napi::Object PolicyToJs(Napi::Env env, const Policy& policy);
Napi::Object SupportedToJs(Napi::Env env, const Supported& supported);
Napi::Object EventToJs(Napi::Env env, const Event& event);

}  // namespace ikegate::pfkey

#endif  // IKEGATE_NATIVE_PFKEY_JS_H_

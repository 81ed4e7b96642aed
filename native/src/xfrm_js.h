#ifndef IKEGATE_NATIVE_XFRM_JS_H_
#define IKEGATE_NATIVE_XFRM_JS_H_

#include <napi.h>


#include "xfrm_decode.h"
#include "xfrm_fields.h"
#include "xfrm_types.h"

namespace ikegate::xfrm {

SaRecord SaFromJs(const Fields& fields);
PolicyRecord PolicyFromJs(const Fields& fields);
xfrm_userspi_info AllocSpiFromJs(const Fields& fields);
xfrm_usersa_id SaIdFromJs(const Fields& fields);
xfrm_userpolicy_id PolicyIdFromJs(const Fields& fields);

Napi::Object SaToJs(Napi::Env env, const SaRecord& sa);
Napi::Object PolicyToJs(Napi::Env env, const PolicyRecord& policy);
Napi::Object EventToJs(Napi::Env env, const Event& event);

}  // namespace ikegate::xfrm

#endif  // IKEGATE_NATIVE_XFRM_JS_H_

// Module entry point: each concern registers its own exports.
#include <napi.h>

#include "crypto_table.h"
#include "crypto_uevents.h"
#include "ike_crypto.h"
#include "ike_ecp.h"
#include "rtnl_socket.h"
#include "pfkey_monitor.h"
#include "pfkey_socket.h"
#include "udp_send.h"
#include "version.h"
#include "xfrm_monitor.h"
#include "xfrm_socket.h"

namespace {

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  ikegate::RegisterVersion(env, exports);
  ikegate::xfrm::XfrmSocket::Register(env, exports);
  ikegate::xfrm::XfrmMonitor::Register(env, exports);
  ikegate::pfkey::PfkeySocket::Register(env, exports);
  ikegate::pfkey::PfkeyMonitor::Register(env, exports);
  ikegate::crypto::RegisterCryptoTable(env, exports);
  ikegate::crypto::DeviceMonitor::Register(env, exports);
  ikegate::crypto::RegisterIkeCrypto(env, exports);
  ikegate::crypto::RegisterIkeEcp(env, exports);
  ikegate::rtnl::RtnlSocket::Register(env, exports);
  ikegate::udp::RegisterUdpSend(env, exports);
  return exports;
}

}  // namespace

NODE_API_MODULE(ikegate, Init)

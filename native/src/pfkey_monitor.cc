#include "pfkey_monitor.h"

#include <linux/pfkeyv2.h>
#include <sys/socket.h>

#include <cerrno>
#include <string>
#include <vector>

#include "pfkey_decode.h"
#include "pfkey_encode.h"
#include "pfkey_js.h"
#include "pfkey_socket.h"

namespace ikegate::pfkey {

namespace {

constexpr size_t kReceiveBuffer = 64 << 10;

std::vector<uint8_t> SatypesOption(const Fields& options) {
  Napi::Value list = options.Array("satypes");
  if (list.IsUndefined()) return {SADB_SATYPE_ESP, SADB_SATYPE_AH};
  std::vector<uint8_t> satypes;
  Napi::Array names = list.As<Napi::Array>();
  for (uint32_t i = 0; i < names.Length(); i++) {
    Napi::Value name = names.Get(i);
    std::string text = name.IsString() ? name.As<Napi::String>().Utf8Value() : "";
    if (text == "esp") satypes.push_back(SADB_SATYPE_ESP);
    else if (text == "ah") satypes.push_back(SADB_SATYPE_AH);
    else options.Fail("satypes", "may name 'esp' and 'ah', got '" + text + "'");
  }
  return satypes;
}

}  // namespace

void PfkeyMonitor::Register(Napi::Env env, Napi::Object exports) {
  exports.Set("PfkeyMonitor", DefineMonitor(env, "PfkeyMonitor"));
}

PfkeyMonitor::PfkeyMonitor(const Napi::CallbackInfo& info) : EventMonitor<PfkeyMonitor>(info) {
  Napi::Env env = info.Env();
  std::shared_ptr<SharedSocket> socket = PfkeySocket::SharedOf(info[0]);
  Napi::Function onEvents = OnEventsArgument(info, 1, "pfkey: PfkeyMonitor");
  Fields options(info.Length() > 2 && !info[2].IsUndefined() ? info[2] : Napi::Object::New(env), "options", "pfkey");
  std::vector<uint8_t> satypes = SatypesOption(options);

  xfrm::SysError error;
  // The kernel handles SADB_REGISTER inside send(): nothing here waits for the network.
  for (uint8_t satype : satypes) {
    std::vector<uint8_t> message = EncodeBare(SADB_REGISTER, satype);
    if (send(socket->fd(), message.data(), message.size(), 0) < 0) {
      error = {errno, "send"};
      break;
    }
  }
  Listen(env, -1, error, onEvents, "PF_KEY event socket", kReceiveBuffer, std::move(socket));
}

void PfkeyMonitor::DatagramToJs(Napi::Env env, const uint8_t* data, size_t length, EventList& events) {
  Parsed message;
  Event event;
  if (Parse(data, length, &message) && DecodeEvent(message, &event)) events.Add(EventToJs(env, event));
}

Napi::Value PfkeyMonitor::OverrunToJs(Napi::Env env) { return EventToJs(env, Overrun{}); }

}  // namespace ikegate::pfkey

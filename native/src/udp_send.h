#ifndef IKEGATE_NATIVE_UDP_SEND_H_
#define IKEGATE_NATIVE_UDP_SEND_H_

#include <napi.h>

namespace ikegate {
namespace udp {

// Exports udpSocketFd and udpSend: IKE datagrams leave with one sendmsg each, on the
// descriptor of a socket node:dgram bound and receives on. dgram's send reports its result
// through process.nextTick (with a callback) or not at all (without one), and a burst of
// tunnel setups sends thousands of messages whose failures must still be logged.
void RegisterUdpSend(Napi::Env env, Napi::Object exports);

}  // namespace udp
}  // namespace ikegate

#endif  // IKEGATE_NATIVE_UDP_SEND_H_

/**
 * Typed access to the addon's datagram sending (native/src/udp_send.cc): one sendmsg on the
 * descriptor of a socket node:dgram bound, with its result at once.
 */
import { addonWith } from './addon';

interface UdpSendAddon {
  udpSocketFd(address: string, port: number): number;
  udpSend(fd: number, address: string, port: number, data: Buffer, prefix?: Buffer): number;
}

let loaded: UdpSendAddon | undefined;

function addon(): UdpSendAddon {
  loaded ??= addonWith<UdpSendAddon>(['udpSocketFd', 'udpSend'], 'UDP sending');
  return loaded;
}

/** The descriptor of this process's UDP socket bound to exactly `address`:`port`, if any. */
export function boundUdpFd(address: string, port: number): number | undefined {
  const fd = addon().udpSocketFd(address, port);
  return fd >= 0 ? fd : undefined;
}

/**
 * Sends `prefix` (when given) and `data` as one datagram from `fd` to an address literal,
 * without waiting: 0, or the errno (EAGAIN when the socket's send buffer is full).
 */
export function sendUdp(fd: number, address: string, port: number, data: Buffer, prefix?: Buffer): number {
  return addon().udpSend(fd, address, port, data, prefix);
}

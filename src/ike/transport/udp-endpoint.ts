import * as dgram from 'node:dgram';
import { lookup as dnsLookup, type LookupOneOptions } from 'node:dns';
import { isIP, isIPv6 } from 'node:net';
import { constants } from 'node:os';
import { getSystemErrorName } from 'node:util';
import { boundUdpFd, sendUdp } from '../../native/udp-send';

/** A UDP peer: where a datagram came from or goes to. */
export interface UdpPeer {
  address: string;
  port: number;
}

export interface UdpEndpoint {
  /** The bound port (the one the system chose when 0 was asked for). */
  readonly port: number;
  /**
   * Sends `prefix` (when given) and `datagram` as one datagram. Undefined when the kernel took
   * it at once, as it usually does; otherwise a promise, settled once it is sent, that rejects
   * with the send error (EHOSTUNREACH, EMSGSIZE, ...).
   */
  send(datagram: Buffer, to: UdpPeer, prefix?: Buffer): Promise<void> | undefined;
  close(): Promise<void>;
}

const RECEIVE_BUFFER_BYTES = 4 << 20;

/** A send error as dgram words it ("send EHOSTUNREACH 192.0.2.9:500"), from an errno. */
function sendError(errno: number, to: UdpPeer): NodeJS.ErrnoException {
  const code = getSystemErrorName(-errno);
  return Object.assign(new Error(`send ${code} ${to.address}:${to.port}`), { code, errno: -errno, syscall: 'send', address: to.address, port: to.port });
}

/**
 * The addon sends to address literals and ports dgram would take; names (dns.lookup) and
 * bad ports (dgram's own error) go through dgram.
 */
function directlySendable(to: UdpPeer): boolean {
  return isIP(to.address) !== 0 && Number.isInteger(to.port) && to.port > 0 && to.port <= 0xffff;
}

/**
 * dgram resolves every destination before sending, through dns.lookup, which answers an
 * address literal (IKE's peers always are) only on the next tick: answering at once saves a
 * deferral per datagram. Names still go to dns.lookup.
 */
function literalLookup(
  hostname: string,
  options: LookupOneOptions | number,
  callback: (err: NodeJS.ErrnoException | null, address: string, family: number) => void,
): void {
  const family = isIP(hostname);
  if (family !== 0) callback(null, hostname, family);
  else dnsLookup(hostname, typeof options === 'number' ? { family: options } : options, callback);
}

/**
 * Bind one UDP socket (IPv4 or IPv6 after the address). Datagrams go to `onDatagram`.
 * Rejects with the bind error (EACCES without root, EADDRINUSE when another IKE daemon runs).
 */
export function bindUdp(
  address: string,
  port: number,
  onDatagram: (msg: Buffer, from: dgram.RemoteInfo) => void,
  onError: (err: Error) => void = () => undefined,
): Promise<UdpEndpoint> {
  return new Promise((resolve, reject) => {
    // A gateway meets bursts (every spoke of a hub at once after a restart) while a DH
    // computation holds the event loop: the default buffer (~200 KiB) then drops datagrams,
    // each costing a retransmission wait. The kernel caps the size at net.core.rmem_max.
    const sock = dgram.createSocket({ type: isIPv6(address) ? 'udp6' : 'udp4', reuseAddr: false, recvBufferSize: RECEIVE_BUFFER_BYTES,
      lookup: literalLookup });
    const failBind = (err: Error): void => {
      sock.close();
      reject(err);
    };
    sock.once('error', failBind);
    sock.on('message', onDatagram);
    sock.bind({ address, port, exclusive: true }, () => {
      sock.off('error', failBind);
      // A socket error after the bind (e.g. ICMP-driven) must not crash the daemon.
      sock.on('error', onError);
      const bound = sock.address();
      // Sent straight on the socket's descriptor: dgram would settle each send through
      // process.nextTick, a cost a burst of tunnel setups pays thousands of times. A full
      // send buffer (EAGAIN) leaves the datagram to dgram, which waits for room.
      let fd = boundUdpFd(bound.address, bound.port);
      const queued = (datagram: Buffer, to: UdpPeer, prefix?: Buffer): Promise<void> => new Promise<void>((ok, fail) => {
        sock.send(prefix ? [prefix, datagram] : datagram, to.port, to.address, (err) => (err ? fail(err) : ok()));
      });
      resolve({
        port: bound.port,
        send: (datagram, to, prefix) => {
          if (fd === undefined || !directlySendable(to)) return queued(datagram, to, prefix);
          const errno = sendUdp(fd, to.address, to.port, datagram, prefix);
          if (errno === 0) return undefined;
          return errno === constants.errno.EAGAIN ? queued(datagram, to, prefix) : Promise.reject(sendError(errno, to));
        },
        close: () => new Promise<void>((r) => {
          // Closed, the number may soon name another descriptor: later sends go to dgram, which refuses them.
          fd = undefined;
          sock.close(() => r());
        }),
      });
    });
  });
}

import * as dgram from 'node:dgram';
import { lookup as dnsLookup, type LookupOneOptions } from 'node:dns';
import { isIP, isIPv6 } from 'node:net';

/** A UDP peer: where a datagram came from or goes to. */
export interface UdpPeer {
  address: string;
  port: number;
}

export interface UdpEndpoint {
  /** The bound port (the one the system chose when 0 was asked for). */
  readonly port: number;
  /** Rejects with the send error (EHOSTUNREACH, EMSGSIZE, ...). */
  send(datagram: Buffer, to: UdpPeer): Promise<void>;
  close(): Promise<void>;
}

const RECEIVE_BUFFER_BYTES = 4 << 20;

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
      resolve({
        port: sock.address().port,
        send: (datagram, to) => new Promise<void>((ok, fail) => {
          sock.send(datagram, to.port, to.address, (err) => (err ? fail(err) : ok()));
        }),
        close: () => new Promise<void>((r) => sock.close(() => r())),
      });
    });
  });
}

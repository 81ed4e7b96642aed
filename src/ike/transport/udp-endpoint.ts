import * as dgram from 'node:dgram';

export interface UdpEndpoint {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Bind one IKE UDP socket. Datagrams go to `onDatagram`; the IKE exchanges plug in there.
 * Rejects with the bind error (EACCES without root, EADDRINUSE when another IKE daemon runs).
 */
export function bindUdp(
  address: string,
  port: number,
  onDatagram: (msg: Buffer, from: dgram.RemoteInfo) => void,
  onError: (err: Error) => void = () => undefined,
): Promise<UdpEndpoint> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket({ type: 'udp4', reuseAddr: false });
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
        close: () => new Promise<void>((r) => sock.close(() => r())),
      });
    });
  });
}

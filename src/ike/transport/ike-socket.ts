/**
 * IKE's two UDP ports on one address: 500 for plain IKE, 4500 for NAT traversal (RFC 3947,
 * 3948), where IKE messages carry the non-ESP marker, ESP may arrive encapsulated and NAT
 * keepalives keep the mapping open. The IKE side sees bare IKE messages and says which port
 * to answer on.
 */
import { bindUdp, type UdpEndpoint, type UdpPeer } from './udp-endpoint';
import { classifyNatT, NAT_KEEPALIVE, NON_ESP_MARKER } from './non-esp-marker';
import { systemTimers, type Timers } from './timers';

/** Which of the two ports: 'nat-t' once NAT traversal has floated to it. */
export type IkePort = 'ike' | 'nat-t';

export interface IkeDatagram {
  /** The IKE message, without the non-ESP marker. */
  message: Buffer;
  from: UdpPeer;
  /** The port it arrived on, i.e. the one to answer from. */
  via: IkePort;
}

export interface IkeSocketOptions {
  address: string;
  /** 500 when absent; 0 lets the system choose (tests). */
  ikePort?: number;
  /** 4500 when absent; 0 lets the system choose (tests). */
  natTPort?: number;
  onMessage(datagram: IkeDatagram): void;
  /**
   * ESP in UDP that reached user space: the kernel takes it once UDP encapsulation is enabled
   * on the socket, so this sees it only without a kernel datapath. Dropped when absent.
   */
  onEsp?(packet: Buffer, from: UdpPeer): void;
  /** Socket errors after the bind, and failed keepalive sends. */
  onError?(err: Error, port: IkePort): void;
  /**
   * Bind what can be bound: a port that cannot is reported here and left out (sends from it
   * reject, e.g. IKE without NAT-T) instead of failing the whole socket. Without it, either
   * bind failing rejects openIkeSocket and nothing stays bound.
   */
  onBindError?(err: Error, port: IkePort): void;
  timers?: Timers;
}

export interface IkeSocket {
  readonly ikePort: number;
  readonly natTPort: number;
  /**
   * Sends an IKE message from the given port, adding the non-ESP marker on NAT-T: undefined
   * when sent at once, else a promise as UdpEndpoint.send's.
   */
  send(message: Buffer, to: UdpPeer, via: IkePort): Promise<void> | undefined;
  /**
   * Sends a NAT-keepalive from the NAT-T port to `to` every `intervalMs` (20 s, RFC 3948's
   * suggestion, when absent) until the returned function is called or the socket closes.
   */
  startKeepalive(to: UdpPeer, intervalMs?: number): () => void;
  /** Stops keepalives and closes both ports; closing again is harmless. */
  close(): Promise<void>;
}

const DEFAULT_KEEPALIVE_MS = 20_000;

/**
 * Binds both ports; when either bind fails, nothing stays bound and the promise rejects with
 * that bind error (its message names the address and port), unless `onBindError` takes it.
 */
export async function openIkeSocket(options: IkeSocketOptions): Promise<IkeSocket> {
  const timers = options.timers ?? systemTimers;
  const onError = options.onError ?? (() => undefined);
  const bind = async (port: number, via: IkePort, onDatagram: Parameters<typeof bindUdp>[2]): Promise<UdpEndpoint | undefined> => {
    try {
      return await bindUdp(options.address, port, onDatagram, (err) => onError(err, via));
    } catch (err) {
      if (!options.onBindError) throw err;
      options.onBindError(err as Error, via);
      return undefined;
    }
  };
  const ikePort = options.ikePort ?? 500;
  const natTPort = options.natTPort ?? 4500;
  const ike = await bind(ikePort, 'ike', (msg, from) => options.onMessage({ message: msg, from: { address: from.address, port: from.port }, via: 'ike' }));
  let natT: UdpEndpoint | undefined;
  try {
    natT = await bind(natTPort, 'nat-t', (datagram, info) => {
      const from = { address: info.address, port: info.port };
      const d = classifyNatT(datagram);
      if (d.kind === 'ike') options.onMessage({ message: d.message, from, via: 'nat-t' });
      else if (d.kind === 'esp') options.onEsp?.(d.packet, from);
      // Keepalives only refresh the peer's NAT mapping; malformed datagrams are noise.
    });
  } catch (err) {
    await ike?.close();
    throw err;
  }
  const unbound = (port: number): Promise<void> => Promise.reject(new Error(`UDP port ${port} is not bound`));

  const keepalives = new Set<() => void>();
  let closing: Promise<void> | undefined;
  return {
    ikePort: ike?.port ?? ikePort,
    natTPort: natT?.port ?? natTPort,
    send: (message, to, via) => {
      if (via === 'ike') return ike ? ike.send(message, to) : unbound(ikePort);
      return natT ? natT.send(message, to, NON_ESP_MARKER) : unbound(natTPort);
    },
    startKeepalive(to, intervalMs = DEFAULT_KEEPALIVE_MS) {
      let handle: unknown;
      const tick = (): void => {
        (natT ? natT.send(NAT_KEEPALIVE, to) : unbound(natTPort))?.catch((err: Error) => onError(err, 'nat-t'));
        handle = timers.setTimeout(tick, intervalMs);
      };
      handle = timers.setTimeout(tick, intervalMs);
      const stop = (): void => {
        timers.clearTimeout(handle);
        keepalives.delete(stop);
      };
      keepalives.add(stop);
      return stop;
    },
    close() {
      for (const stop of [...keepalives]) stop();
      closing ??= Promise.all([ike?.close(), natT?.close()]).then(() => undefined);
      return closing;
    },
  };
}

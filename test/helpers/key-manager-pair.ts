/**
 * Two in-process KeyManagers (gateways A and B of ike-exchange-harness) joined by an
 * in-memory UDP network, each with its own MemoryBackend. Datagrams are delivered on a later
 * turn of the event loop, as a socket would, and a test may drop or watch them. Time is a
 * FakeClock shared by both gateways and their backends, so lifetimes and retransmissions run
 * when the test advances it.
 */
import { once } from 'node:events';
import pino from 'pino';
import type { Config } from '../../src/config/model';
import { KeyManager, type KeyManagerOptions } from '../../src/ike/key-manager/key-manager';
import type { IkeDatagram, IkePort, IkeSocket, IkeSocketOptions } from '../../src/ike/transport/ike-socket';
import type { RetransmitPolicy } from '../../src/ike/transport/retransmit';
import type { UdpPeer } from '../../src/ike/transport/udp-endpoint';
import { MemoryBackend } from '../../src/kernel/memory-backend';
import type { SaSpec, SaState } from '../../src/kernel/sad-backend';
import { FakeClock } from './fake-clock';
import { ADDRESS_A, ADDRESS_B, gatewayPair, type Gateway, type GatewayOptions } from './ike-exchange-harness';

export const IKE_PORT = 500;
export const NAT_T_PORT = 4500;

/** One datagram on the wire. */
export interface Wire {
  readonly from: UdpPeer;
  readonly to: UdpPeer;
  readonly via: IkePort;
  readonly message: Buffer;
}

/** A NAT in front of `inside`: it appears as `outside`, its port P as 40000 + P. */
export interface Nat {
  readonly inside: string;
  readonly outside: string;
}

const NAT_PORT_OFFSET = 40000;

/**
 * UDP between in-process sockets. `drop` decides a datagram's fate, `duplicate` delivers it
 * twice, `log` keeps every one as sent (before any NAT).
 */
export class FakeNetwork {
  readonly log: Wire[] = [];
  drop: (wire: Wire, index: number) => boolean = () => false;
  duplicate: (wire: Wire, index: number) => boolean = () => false;
  nat: Nat | undefined;
  private readonly ports = new Map<string, (d: IkeDatagram) => void>();
  private inFlight = 0;

  /** What the NAT makes of a datagram's source and destination. */
  private translate(from: UdpPeer, to: UdpPeer): { from: UdpPeer; to: UdpPeer } {
    const nat = this.nat;
    if (!nat) return { from, to };
    const src = from.address === nat.inside ? { address: nat.outside, port: from.port + NAT_PORT_OFFSET } : from;
    const dst = to.address === nat.outside ? { address: nat.inside, port: to.port - NAT_PORT_OFFSET } : to;
    return { from: src, to: dst };
  }

  /** Datagrams sent and not yet delivered (or dropped). */
  get busy(): boolean {
    return this.inFlight > 0;
  }

  /** Delivers a datagram no socket sent (a forged one, or one the test built). */
  inject(from: UdpPeer, to: UdpPeer, message: Buffer): void {
    const deliver = this.ports.get(`${to.address}:${to.port}`);
    if (!deliver) throw new Error(`nothing listens on ${to.address}:${to.port}`);
    this.inFlight++;
    setImmediate(() => {
      this.inFlight--;
      deliver({ message, from, via: 'ike' });
    });
  }

  opener(): (options: IkeSocketOptions) => Promise<IkeSocket> {
    return async (options) => {
      const ikePort = options.ikePort ?? IKE_PORT;
      const natTPort = options.natTPort ?? NAT_T_PORT;
      const keys = [`${options.address}:${ikePort}`, `${options.address}:${natTPort}`];
      this.ports.set(keys[0], (d) => options.onMessage({ ...d, via: 'ike' }));
      this.ports.set(keys[1], (d) => options.onMessage({ ...d, via: 'nat-t' }));
      return {
        ikePort,
        natTPort,
        send: async (message, to, via) => {
          const wire: Wire = { from: { address: options.address, port: via === 'ike' ? ikePort : natTPort }, to, via, message: Buffer.from(message) };
          const index = this.log.length;
          this.log.push(wire);
          if (this.drop(wire, index)) return;
          const path = this.translate(wire.from, to);
          const deliver = this.ports.get(`${path.to.address}:${path.to.port}`);
          if (!deliver) return;
          const copies = this.duplicate(wire, index) ? 2 : 1;
          for (let i = 0; i < copies; i++) {
            this.inFlight++;
            setImmediate(() => {
              this.inFlight--;
              deliver({ message: wire.message, from: path.from, via: 'ike' });
            });
          }
        },
        startKeepalive: () => () => undefined,
        close: async () => {
          for (const k of keys) this.ports.delete(k);
        },
      };
    };
  }
}

export interface Side {
  readonly gw: Gateway;
  readonly km: KeyManager;
  readonly backend: MemoryBackend;
  /** The key manager's log records (debug and up); IKEGATE_TEST_LOG=1 echoes them. */
  readonly logs: Array<Record<string, unknown>>;
}

export interface Pair {
  readonly a: Side;
  readonly b: Side;
  readonly net: FakeNetwork;
  readonly clock: FakeClock;
  close(): Promise<void>;
}

/** Short retransmission waits: 1, 2, 4 s of fake time, then give up. */
export const TEST_RETRANSMIT: RetransmitPolicy = { initialTimeoutMs: 1000, backoff: 2, retries: 2 };

/** Key manager options a test may add (e.g. a key log file, another retransmission schedule). */
export type SideOptions = Pick<KeyManagerOptions, 'keyLogFile' | 'retransmit' | 'initiationLimit'>;

/** A gateway's key manager on the network, its socket open and its policies installed. */
export async function startSide(gw: Gateway, net: FakeNetwork, clock: FakeClock, extra: SideOptions = {}): Promise<Side> {
  const logs: Array<Record<string, unknown>> = [];
  const echo = process.env.IKEGATE_TEST_LOG === '1';
  const dest = {
    write(line: string): void {
      logs.push(JSON.parse(line) as Record<string, unknown>);
      if (echo) process.stderr.write(line);
    },
  };
  const backend = new MemoryBackend({ clock });
  const km = new KeyManager({
    config: () => gw.config as Readonly<Config>,
    engine: gw.engine,
    backend,
    log: pino({ level: 'debug', base: { gw: gw.config.hostname } }, dest),
    clock,
    retransmit: TEST_RETRANSMIT,
    openSocket: net.opener(),
    ...extra,
  });
  await km.open({ address: gw.address, ikePort: IKE_PORT, natTPort: NAT_T_PORT });
  await km.configChanged();
  return { gw, km, backend, logs };
}

/** A and B started, policies installed. */
export async function keyManagerPair(options: {
  a?: GatewayOptions; b?: GatewayOptions; edit?: (a: Config, b: Config) => void; sides?: { a?: SideOptions; b?: SideOptions };
} = {}): Promise<Pair> {
  const { a: gwA, b: gwB } = gatewayPair(options.a ?? {}, options.b ?? options.a ?? {});
  options.edit?.(gwA.config, gwB.config);
  const net = new FakeNetwork();
  const clock = new FakeClock(Date.now());
  const a = await startSide(gwA, net, clock, options.sides?.a);
  const b = await startSide(gwB, net, clock, options.sides?.b);
  return {
    a, b, net, clock,
    async close() {
      await Promise.all([a.km.close(), b.km.close()]);
      await Promise.all([a.backend.close(), b.backend.close()]);
    },
  };
}

/** Waits (in real time) until `test` holds; fails after `ms`. */
export async function until(test: () => boolean | Promise<boolean>, ms = 5000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** Lets deliveries and queued work finish: the network idle over a few turns of the event loop. */
export async function quiet(net: FakeNetwork): Promise<void> {
  for (let calm = 0; calm < 5;) {
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 1));
    calm = net.busy ? 0 : calm + 1;
  }
}

/** A packet from A's LAN to B's LAN through A's backend. */
export function trafficAtoB(pair: Pair, bytes = 100): ReturnType<MemoryBackend['simulateTraffic']> {
  return pair.a.backend.simulateTraffic({ src: '10.1.0.5', dst: '10.2.0.7', proto: 1, bytes });
}

/** Log records of a side whose message contains `text`. */
export function logged(s: Side, text: string): Array<Record<string, unknown>> {
  return s.logs.filter((r) => String(r.msg).includes(text));
}

/** Resolves with the next IPsec SA a side installs. */
export function nextIpsecSa(s: Side): Promise<unknown> {
  return once(s.km, 'ipsec-sa');
}

/** The installed SAs of a backend going from `src` to `dst`. */
export async function sasFrom(backend: MemoryBackend, src: string, dst: string): Promise<SaState[]> {
  return (await backend.listSas()).filter((s) => s.spec.src === src && s.spec.dst === dst);
}

/** Clears A's IPsec SAs, has traffic from A negotiate fresh ones; resolves with A's newest outbound SA. */
export async function renegotiateAtoB(pair: Pair): Promise<SaSpec | undefined> {
  await pair.a.km.clearIpsec({ kind: 'all' });
  await quiet(pair.net);
  const installed = Promise.all([nextIpsecSa(pair.a), nextIpsecSa(pair.b)]);
  trafficAtoB(pair);
  await installed;
  await quiet(pair.net);
  return (await sasFrom(pair.a.backend, ADDRESS_A, ADDRESS_B)).at(-1)?.spec;
}

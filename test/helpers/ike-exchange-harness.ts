/**
 * Two gateways negotiating in memory for the IKE exchange tests: each side's machine gets
 * the other's datagrams as bytes (so every message goes through the real wire codec and the
 * real ciphers), optionally through a simulated NAT that rewrites the initiator's source.
 */
import { randomBytes } from 'node:crypto';
import type { DhGroup, IkeCipher, IkeHash } from '../../src/config/algorithms';
import { emptyConfig, type AclEntry, type Config, type Transform, type TransformSet } from '../../src/config/model';
import {
  AggressiveModeInitiator, AggressiveModeResponder, generateDhKeyPair, MainModeInitiator, MainModeResponder,
  QuickModeInitiator, QuickModeResponder, type Arrival, type Effect, type ExchangeServices, type Phase1Options, type QuickModeOptions,
} from '../../src/ike/exchange';
import { outboundEntry, phase2Offer, type CapabilityOracle, type Phase2Offer } from '../../src/ike/policy';
import type { IkeSa, NegotiatedIpsecSa } from '../../src/ike/sa';
import { EngineRegistry } from '../../src/hw/engine-registry';

export const ADDRESS_A = '192.0.2.1';
export const ADDRESS_B = '198.51.100.2';
export const LAN_A = { address: '10.1.0.0', wildcard: '0.0.255.255' };
export const LAN_B = { address: '10.2.0.0', wildcard: '0.0.255.255' };

export interface Gateway {
  readonly address: string;
  readonly config: Config;
  readonly engine: CapabilityOracle;
}

export interface GatewayOptions {
  readonly policies?: ReadonlyArray<{ priority?: number; encryption?: IkeCipher; hash?: IkeHash; group?: DhGroup; lifetime?: number }>;
  /** Pre-shared key for the peer by address (default "secret"); null for none. */
  readonly key?: string | null;
  readonly transformSets?: ReadonlyArray<{ name: string; transforms: Transform[]; mode?: 'tunnel' | 'transport' }>;
  readonly pfs?: DhGroup;
  readonly lifetimeSeconds?: number;
  readonly lifetimeKilobytes?: number;
  readonly identity?: 'address' | 'hostname';
  readonly engine?: CapabilityOracle;
}

/**
 * A gateway at `address` protecting `lan` towards `peerLan` at `peer`: one policy (aes/sha/
 * group 14 unless given), an address key, a transform set, ACL 101 and crypto map VPN 10
 * applied to its outside interface.
 */
export function gateway(
  address: string,
  peer: string,
  lans: { local: typeof LAN_A; remote: typeof LAN_A },
  options: GatewayOptions = {},
): Gateway {
  const config = emptyConfig();
  config.hostname = address === ADDRESS_A ? 'GwA' : 'GwB';
  config.domainName = 'example.net';
  config.isakmp.identity = options.identity ?? 'address';
  const policies = options.policies ?? [{}];
  config.isakmp.policies = policies.map((p, i) => ({
    priority: p.priority ?? (i + 1) * 10,
    encryption: p.encryption ?? 'aes128',
    hash: p.hash ?? 'sha1',
    authentication: 'pre-share',
    group: p.group ?? 14,
    lifetime: p.lifetime ?? 86400,
  }));
  if (options.key !== null) {
    config.isakmp.keys.push({ key: options.key ?? 'secret', target: { kind: 'address', address: peer, mask: '255.255.255.255' }, noXauth: false });
  }
  const sets: TransformSet[] = (options.transformSets ?? [{ name: 'TS', transforms: [{ name: 'esp-aes' }, { name: 'esp-sha-hmac' }] }])
    .map((s) => ({ name: s.name, transforms: s.transforms, mode: s.mode ?? 'tunnel' }));
  config.transformSets = sets;
  const acl: AclEntry = {
    action: 'permit', protocol: 'ip',
    source: { kind: 'wildcard', ...lans.local },
    destination: { kind: 'wildcard', ...lans.remote },
  };
  config.accessLists['101'] = [acl];
  config.cryptoMaps = [{
    tag: 'VPN',
    entries: [{
      seq: 10, peers: [peer], transformSets: sets.map((s) => s.name), matchAddress: '101',
      ...(options.pfs !== undefined ? { pfs: options.pfs } : {}),
      ...(options.lifetimeSeconds !== undefined ? { lifetimeSeconds: options.lifetimeSeconds } : {}),
      ...(options.lifetimeKilobytes !== undefined ? { lifetimeKilobytes: options.lifetimeKilobytes } : {}),
    }],
    clientConfigInitiate: false,
    clientConfigRespond: false,
  }];
  config.interfaces = [{ name: 'GigabitEthernet0/0', address: { address, mask: '255.255.255.0' }, cryptoMap: 'VPN' }];
  return { address, config, engine: options.engine ?? new EngineRegistry() };
}

/** Gateways A (initiator side, LAN 10.1/16) and B (LAN 10.2/16) with mirrored configs. */
export function gatewayPair(a: GatewayOptions = {}, b: GatewayOptions = a): { a: Gateway; b: Gateway } {
  return {
    a: gateway(ADDRESS_A, ADDRESS_B, { local: LAN_A, remote: LAN_B }, a),
    b: gateway(ADDRESS_B, ADDRESS_A, { local: LAN_B, remote: LAN_A }, b),
  };
}

export function services(gw: Gateway): ExchangeServices {
  return { config: gw.config, engine: gw.engine, random: randomBytes, dh: generateDhKeyPair };
}

/** SPIs from 0x100 up, so they never fall in the reserved range 1..255 (RFC 4303). */
export function spiSource(): (protocol: 'esp' | 'ah') => Buffer {
  return () => {
    const spi = randomBytes(4);
    spi[0] |= 0x01;
    return spi;
  };
}

interface Machine {
  receive(datagram: Buffer, now: number, arrival?: Arrival): Effect[];
}

/**
 * A simulated NAT in front of the initiator: the responder sees the initiator at
 * `public`, with port 500 mapped to `port500` and 4500 to `port4500`.
 */
export interface Nat {
  readonly public: string;
  readonly port500: number;
  readonly port4500: number;
}

export interface PumpResult {
  /** Effects of each side, in order (the initiator's include those of start()). */
  readonly initiator: Effect[];
  readonly responder: Effect[];
  /** Every datagram, in delivery order, with its sender. */
  readonly wire: Array<{ readonly from: 'initiator' | 'responder'; readonly bytes: Buffer }>;
}

/** How a test interferes with the wire: lose datagrams, or rewrite them in flight. */
export interface WireTap {
  readonly drop?: (index: number) => boolean;
  readonly rewrite?: (index: number, bytes: Buffer) => Buffer;
}

/** Deliver sends back and forth until both sides are quiet. */
export function pump(
  startEffects: Effect[],
  initiator: Machine,
  responder: Machine,
  options: WireTap & { now?: number; nat?: Nat } = {},
): PumpResult {
  const result: PumpResult = { initiator: [...startEffects], responder: [], wire: [] };
  const now = options.now ?? 1_000_000;
  // The initiator floats both ends of its packets; the responder answers from the port it was reached on.
  let initiatorPort = 500;
  let responderPort = 500;
  const queue: Array<{ to: 'initiator' | 'responder'; bytes: Buffer }> = [];
  const enqueue = (from: 'initiator' | 'responder', effects: Effect[]) => {
    for (const e of effects) {
      if (e.kind === 'float-to-nat-t') {
        if (from === 'initiator') initiatorPort = 4500;
        else responderPort = 4500;
      }
      if (e.kind === 'send') queue.push({ to: from === 'initiator' ? 'responder' : 'initiator', bytes: e.bytes });
    }
  };
  enqueue('initiator', startEffects);
  let index = 0;
  while (queue.length > 0) {
    const next = queue.shift() as { to: 'initiator' | 'responder'; bytes: Buffer };
    const { to } = next;
    const at = index++;
    const bytes = options.rewrite ? options.rewrite(at, next.bytes) : next.bytes;
    result.wire.push({ from: to === 'responder' ? 'initiator' : 'responder', bytes });
    if (options.drop?.(at)) continue;
    if (to === 'responder') {
      const nat = options.nat;
      const remote = nat
        ? { address: nat.public, port: initiatorPort === 500 ? nat.port500 : nat.port4500 }
        : { address: ADDRESS_A, port: initiatorPort };
      const effects = responder.receive(bytes, now, { remote, localPort: initiatorPort });
      result.responder.push(...effects);
      enqueue('responder', effects);
    } else {
      const effects = initiator.receive(bytes, now, { remote: { address: ADDRESS_B, port: responderPort }, localPort: initiatorPort });
      result.initiator.push(...effects);
      enqueue('initiator', effects);
    }
  }
  return result;
}

export function established(effects: readonly Effect[]): IkeSa | undefined {
  const e = effects.find((x) => x.kind === 'established');
  return e?.kind === 'established' ? e.ikeSa : undefined;
}

export function ipsecSaOf(effects: readonly Effect[]): NegotiatedIpsecSa | undefined {
  const e = effects.find((x) => x.kind === 'ipsec-sa');
  return e?.kind === 'ipsec-sa' ? e.sa : undefined;
}

export function failure(effects: readonly Effect[]): Extract<Effect, { kind: 'failed' }> | undefined {
  return effects.find((x): x is Extract<Effect, { kind: 'failed' }> => x.kind === 'failed');
}

export interface Phase1Run extends PumpResult {
  readonly ikeSaI: IkeSa | undefined;
  readonly ikeSaR: IkeSa | undefined;
}

/** Phase 1 between A (initiator) and B in the given mode. */
export function phase1(
  a: Gateway,
  b: Gateway,
  options: WireTap & { mode?: 'main' | 'aggressive'; initiator?: Phase1Options; responder?: Phase1Options; nat?: Nat } = {},
): Phase1Run {
  const natted = options.nat ? { address: options.nat.public, port: options.nat.port500 } : { address: a.address, port: 500 };
  const iCtx = { ...services(a), local: { address: a.address, port: 500 }, remote: { address: b.address, port: 500 } };
  const rCtx = { ...services(b), local: { address: b.address, port: 500 }, remote: natted };
  const aggressive = options.mode === 'aggressive';
  const initiator = aggressive ? new AggressiveModeInitiator(iCtx, options.initiator) : new MainModeInitiator(iCtx, options.initiator);
  const responder = aggressive ? new AggressiveModeResponder(rCtx, options.responder) : new MainModeResponder(rCtx, options.responder);
  const run = pump(initiator.start(), initiator, responder, options);
  return { ...run, ikeSaI: established(run.initiator), ikeSaR: established(run.responder) };
}

/** The Quick Mode offer of A's crypto map for its LAN-to-LAN ACL line. */
export function offerOf(gw: Gateway, from = '10.1.0.1', to = '10.2.0.1'): Phase2Offer {
  const match = outboundEntry(gw.config, gw.address, from, to);
  if (!match) throw new Error('no crypto map entry protects the flow');
  const result = phase2Offer(gw.config, gw.engine, match.ref, match.acl);
  if (!result.ok) throw new Error(result.reason);
  return result.offer;
}

export interface QuickModeRun extends PumpResult {
  readonly saI: NegotiatedIpsecSa | undefined;
  readonly saR: NegotiatedIpsecSa | undefined;
  readonly initiatorMachine: QuickModeInitiator;
  readonly responderMachine: QuickModeResponder;
}

/** Quick Mode under an established pair of IKE SAs. */
export function quickMode(
  a: Gateway,
  b: Gateway,
  sas: { ikeSaI: IkeSa; ikeSaR: IkeSa },
  options: WireTap & { offer?: Phase2Offer; qm?: QuickModeOptions; nat?: Nat } = {},
): QuickModeRun {
  const initiator = new QuickModeInitiator({ ...services(a), ikeSa: sas.ikeSaI, inboundSpi: spiSource() }, options.offer ?? offerOf(a), options.qm);
  const responder = new QuickModeResponder({ ...services(b), ikeSa: sas.ikeSaR, inboundSpi: spiSource() });
  const run = pump(initiator.start(), initiator, responder, options);
  return { ...run, saI: ipsecSaOf(run.initiator), saR: ipsecSaOf(run.responder), initiatorMachine: initiator, responderMachine: responder };
}

import type { DhGroup, IkeCipher, IkeHash } from '../../config/algorithms';
import type { SaState } from '../../kernel/sad-backend';
import { SadError } from '../../kernel/sad-error';
import type { IpsecMode, IpsecProtocol } from '../policy/ipsec-transform';
import { aclProxy } from '../policy/proxy-id';
import { natDetected, remainingSeconds, type Role } from '../sa/ike-sa';
import type { IpsecProtocolSa, IpsecSa } from '../sa/ipsec-sa';
import type { Phase1Slot } from './exchange-slots';
import { proxyIdent } from './flows';
import type { KeyManager } from './key-manager';
import { saId } from './sa-specs';

/** One row of `show crypto isakmp sa`: an IKE SA, or a phase 1 in progress (conn-id 0). */
export interface IsakmpSaRow {
  readonly connId: number;
  /** IOS names the phase-1 responder dst and the initiator src. */
  readonly dst: string;
  readonly src: string;
  readonly state: string;
  readonly status: string;
  readonly local: string;
  readonly remote: string;
  readonly cookies: { readonly initiator: string; readonly responder: string };
  readonly role: Role;
  readonly exchange: 'main' | 'aggressive';
  /** Established SAs only. */
  readonly suite?: { readonly encryption: IkeCipher; readonly hash: IkeHash; readonly group: DhGroup; readonly remainingSeconds: number };
  readonly natT: boolean;
}

/** IOS's phase-1 state names, from how far an exchange in progress got. */
function negotiationState(slot: Phase1Slot): string {
  if (slot.exchange === 'aggressive') return 'AG_INIT_EXCH';
  // The highest message number seen: ours go odd (initiator) or even (responder).
  const message = slot.role === 'initiator' ? 1 + 2 * slot.received : 2 * slot.received;
  if (message <= 1) return 'MM_NO_STATE';
  return message <= 3 ? 'MM_SA_SETUP' : 'MM_KEY_EXCH';
}

export function isakmpSaRows(km: KeyManager): IsakmpSaRow[] {
  const now = km.now();
  const rows: IsakmpSaRow[] = km.table.ikeSas().map((sa) => {
    const [initiator, responder] = sa.role === 'initiator' ? [sa.local, sa.remote] : [sa.remote, sa.local];
    return {
      connId: km.connIds.ikeOf(sa), dst: responder.address, src: initiator.address, state: 'QM_IDLE', status: 'ACTIVE',
      local: sa.local.address, remote: sa.remote.address,
      cookies: { initiator: sa.cookies.initiator.toString('hex'), responder: sa.cookies.responder.toString('hex') },
      role: sa.role, exchange: sa.exchange,
      suite: { encryption: sa.policy.encryption, hash: sa.policy.hash, group: sa.policy.group, remainingSeconds: remainingSeconds(sa, now) },
      natT: natDetected(sa.natT),
    };
  });
  for (const slot of km.phase1Exchanges()) {
    const cookies = slot.machine.cookies;
    const [dst, src] = slot.role === 'initiator' ? [slot.peer, slot.local] : [slot.local, slot.peer];
    rows.push({
      connId: 0, dst, src, state: negotiationState(slot), status: 'ACTIVE', local: slot.local, remote: slot.peer,
      cookies: { initiator: cookies.initiator.toString('hex'), responder: cookies.responder.toString('hex') },
      role: slot.role, exchange: slot.exchange, natT: slot.via === 'nat-t',
    });
  }
  return rows.sort((a, b) => a.connId - b.connId);
}

/** One direction of one protocol of a bundle, with the kernel's counters. */
export interface IpsecDirectionView {
  readonly spi: number;
  readonly connId: number;
  readonly packets: number;
  readonly bytes: number;
  readonly remainingKilobytes: number | undefined;
  readonly remainingSeconds: number | undefined;
}

export interface IpsecProtocolView {
  readonly protocol: IpsecProtocol;
  /** IOS's transform names, e.g. "esp-256-aes esp-sha-hmac". */
  readonly transform: string;
  readonly inbound: IpsecDirectionView;
  readonly outbound: IpsecDirectionView;
}

export interface IpsecBundleView {
  readonly mode: IpsecMode;
  readonly udpEncapsulated: boolean;
  readonly pfsGroup: DhGroup | undefined;
  readonly protocols: readonly IpsecProtocolView[];
}

/** One protected flow of `show crypto ipsec sa`: a crypto map line or a negotiated proxy pair. */
export interface IpsecFlowView {
  readonly interfaceName: string;
  readonly mapTag: string;
  readonly localAddress: string;
  readonly localIdent: string;
  readonly remoteIdent: string;
  readonly peer: string;
  readonly peerPort: number;
  /** From a crypto map ACL (IOS origin_is_acl), rather than only negotiated. */
  readonly fromAcl: boolean;
  /** Oldest first; the last one's outbound SPI is the current one. */
  readonly bundles: readonly IpsecBundleView[];
}

const ESP_AUTH: Readonly<Record<string, string>> = {
  'hmac-md5': 'esp-md5-hmac', 'hmac-sha1': 'esp-sha-hmac', 'hmac-sha256': 'esp-sha256-hmac',
  'hmac-sha384': 'esp-sha384-hmac', 'hmac-sha512': 'esp-sha512-hmac',
};

/** IOS spells sized AES as esp-256-aes, 128 bits as plain esp-aes. */
function sized(name: string, keyBits: number | undefined): string {
  return keyBits === undefined || keyBits === 128 ? `esp-${name}` : `esp-${keyBits}-${name}`;
}

export function transformText(p: IpsecProtocolSa): string {
  const a = p.algorithms;
  if (p.protocol === 'ah') return a.integrity === 'hmac-md5' ? 'ah-md5-hmac' : 'ah-sha-hmac';
  const cipher = a.cipher === 'aes-cbc' ? sized('aes', a.keyBits) : a.cipher === 'aes-gcm' ? sized('gcm', a.keyBits) : `esp-${a.cipher ?? 'null'}`;
  return a.integrity ? `${cipher} ${ESP_AUTH[a.integrity]}` : cipher;
}

async function kernelState(km: KeyManager, sa: IpsecSa, p: IpsecProtocolSa, direction: 'inbound' | 'outbound'): Promise<SaState | undefined> {
  try {
    return await km.backend.getSa(saId(sa, p, direction));
  } catch (err) {
    if (err instanceof SadError && err.code === 'ESRCH') return undefined;
    throw err;
  }
}

async function bundleView(km: KeyManager, sa: IpsecSa): Promise<IpsecBundleView> {
  const protocols: IpsecProtocolView[] = [];
  for (const [i, p] of sa.protocols.entries()) {
    const direction = async (d: 'inbound' | 'outbound'): Promise<IpsecDirectionView> => {
      const state = await kernelState(km, sa, p, d);
      const hardBytes = state?.remaining.hardBytes;
      return {
        spi: p[d].spi.readUInt32BE(0), connId: km.connIds.ipsecOf(sa, i, d),
        packets: state?.counters.packets ?? 0, bytes: state?.counters.bytes ?? 0,
        remainingKilobytes: hardBytes === undefined ? undefined : Math.floor(hardBytes / 1024),
        remainingSeconds: state?.remaining.hardSeconds,
      };
    };
    protocols.push({ protocol: p.protocol, transform: transformText(p), inbound: await direction('inbound'), outbound: await direction('outbound') });
  }
  return { mode: sa.mode, udpEncapsulated: sa.encapsulation !== undefined, pfsGroup: sa.pfsGroup, protocols };
}

type Flow = { -readonly [K in keyof IpsecFlowView]: K extends 'bundles' ? IpsecBundleView[] : IpsecFlowView[K] };

/**
 * The flows of `show crypto ipsec sa`: every crypto map line with a policy (with or without
 * SAs, as IOS lists them), then negotiated flows no line names, each with its SA bundles
 * and their kernel counters. Read between events, so counters and table agree.
 */
export function ipsecFlows(km: KeyManager): Promise<IpsecFlowView[]> {
  return km.inspect(async () => {
    const config = km.config();
    const ports = km.boundPorts;
    const flows = new Map<string, Flow>();
    const key = (f: Pick<IpsecFlowView, 'interfaceName' | 'mapTag' | 'peer' | 'localIdent' | 'remoteIdent'>): string =>
      [f.interfaceName, f.mapTag, f.peer, f.localIdent, f.remoteIdent].join(' ');
    for (const o of km.policyOrigins()) {
      const local = aclProxy(o.line.source);
      const remote = aclProxy(o.line.destination);
      if (!local || !remote) continue;
      const flow: Flow = {
        interfaceName: o.interfaceName, mapTag: o.tag, localAddress: o.local, localIdent: proxyIdent(local), remoteIdent: proxyIdent(remote),
        peer: o.peer, peerPort: ports?.ikePort ?? 500, fromAcl: true, bundles: [],
      };
      if (!flows.has(key(flow))) flows.set(key(flow), flow);
    }
    const sas = km.table.ipsecSas().sort((a, b) => a.createdAt - b.createdAt);
    for (const sa of sas) {
      const tag = sa.map?.tag ?? '(none)';
      const iface = config.interfaces.find((i) => i.cryptoMap === tag && i.address?.address === sa.local.address)
        ?? config.interfaces.find((i) => i.cryptoMap === tag);
      const flow: Flow = {
        interfaceName: iface?.name ?? '(none)', mapTag: tag, localAddress: sa.local.address,
        localIdent: proxyIdent(sa.localProxy), remoteIdent: proxyIdent(sa.remoteProxy), peer: sa.remote.address,
        peerPort: ports ? ports.physical(sa.remote.port) : sa.remote.port, fromAcl: false, bundles: [],
      };
      const existing = flows.get(key(flow));
      const target = existing ?? flow;
      if (!existing) flows.set(key(flow), flow);
      target.peerPort = flow.peerPort;
      target.bundles.push(await bundleView(km, sa));
    }
    return [...flows.values()];
  });
}

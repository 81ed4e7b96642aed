import type { DhGroup } from '../../config/algorithms';
import type { Config } from '../../config/model';
import { NotifyType, type Proposal, type Transform } from '../wire';
import type { CapabilityOracle } from './capabilities';
import { entryAcl, responderEntries, type MapEntryRef } from './crypto-map-lookup';
import {
  PROTOCOL_ID, readEncapsulation, readIpsecTransform, suiteMatches, type IpsecMode, type IpsecProtocol, type IpsecSuite,
  type Lifetime, type OfferedIpsecTransform,
} from './ipsec-transform';
import { entryLifetime, entryProposals, type Phase2Proposal } from './phase2-offer';
import { proxyRange, rangeWithin, specRange, type ProxyId } from './proxy-id';

/** RFC 2407 4.5: an IPsec SA offered without a time limit lasts 8 hours. */
export const DEFAULT_OFFERED_SECONDS = 28800;

/** What the responder of a Quick Mode received. */
export interface Phase2Request {
  readonly localAddress: string;
  readonly peerAddress: string;
  /** IDci, or the initiator's address when the IDs were left out (RFC 2409 5.5). */
  readonly initiatorProxy: ProxyId;
  /** IDcr, or our address. */
  readonly responderProxy: ProxyId;
  /** The SA payload's proposals, those sharing a number (a bundle) together, in offer order. */
  readonly proposals: readonly (readonly Proposal[])[];
  /** Whether a KE payload came with the offer (PFS). */
  readonly keyExchange: boolean;
  /** Whether NAT-T was negotiated in phase 1: only then are UDP-encapsulated modes acceptable. */
  readonly natTraversal: boolean;
}

export interface ChosenProtocol {
  readonly protocol: IpsecProtocol;
  /** The offered proposal (its SPI is the initiator's inbound SPI). */
  readonly offered: Proposal;
  /** The offered transform, echoed unchanged in the answer. */
  readonly transform: Transform;
  readonly suite: IpsecSuite;
}

export interface Phase2Selection {
  readonly ref: MapEntryRef;
  readonly transformSet: string;
  readonly proposalNumber: number;
  readonly protocols: readonly ChosenProtocol[];
  readonly mode: IpsecMode;
  readonly udpEncapsulated: boolean;
  /** The encapsulation value the initiator used (RFC or draft NAT-T numbering). */
  readonly encapsulation: number;
  readonly pfsGroup: DhGroup | undefined;
  /** The lifetime in force: the shorter of offered and ours, per kind. */
  readonly lifetime: Lifetime;
  /** Our limits that are shorter than offered: announced with RESPONDER-LIFETIME (RFC 2407 4.6.3.1). */
  readonly responderLifetime: Lifetime | undefined;
}

export type Phase2SelectResult =
  | { readonly ok: true; readonly selection: Phase2Selection }
  | { readonly ok: false; readonly notify: NotifyType; readonly reason: string };

/**
 * Whether an entry's crypto ACL mirrors the proxies: the first line covering the initiator's
 * proxy as its destination and ours as its source decides (a deny line refuses). A dynamic
 * map entry without `match address` accepts whatever the peer proposes.
 */
function aclAllows(config: Readonly<Config>, ref: MapEntryRef, request: Phase2Request): boolean {
  const acl = entryAcl(config, ref.entry);
  if (ref.entry.matchAddress === undefined) return ref.dynamic !== undefined;
  const theirs = proxyRange(request.initiatorProxy);
  const ours = proxyRange(request.responderProxy);
  if (!acl || !theirs || !ours) return false;
  const line = acl.find((l) => rangeWithin(ours, specRange(l.source)) && rangeWithin(theirs, specRange(l.destination)));
  return line?.action === 'permit';
}

interface Pick {
  readonly transform: Transform;
  readonly values: OfferedIpsecTransform;
}

/** The first transform of an offered proposal that fits a suite, the set's mode and our PFS rule. */
function pickTransform(
  offered: Proposal,
  suite: IpsecSuite,
  set: Phase2Proposal,
  pfs: DhGroup | undefined,
  request: Phase2Request,
  engine: CapabilityOracle,
): Pick | undefined {
  for (const transform of offered.transforms) {
    const values = readIpsecTransform(transform);
    if (!values || !suiteMatches(suite, values)) continue;
    const encapsulation = readEncapsulation(values.encapsulation ?? 1);
    if (!encapsulation || (encapsulation.udp && !request.natTraversal)) continue;
    // IOS: `mode transport` requests transport but accepts tunnel; a tunnel set wants tunnel.
    if (set.mode === 'tunnel' && encapsulation.mode !== 'tunnel') continue;
    // With `set pfs` the group must be ours; without it a peer's PFS group is accepted.
    if (pfs !== undefined && values.group !== pfs) continue;
    if (values.group !== undefined && (!request.keyExchange || !engine.canDh(values.group))) continue;
    if (values.group === undefined && request.keyExchange) continue;
    return { transform, values };
  }
  return undefined;
}

function shorter(ours: number, offered: number | undefined): number {
  return offered === undefined ? ours : Math.min(ours, offered);
}

function matchProposal(
  ref: MapEntryRef,
  bundle: readonly Proposal[],
  set: Phase2Proposal,
  request: Phase2Request,
  engine: CapabilityOracle,
): Phase2Selection | undefined {
  if (bundle.length !== set.suites.length) return undefined;
  const picks: Array<{ chosen: ChosenProtocol; values: OfferedIpsecTransform }> = [];
  for (const suite of set.suites) {
    const offered = bundle.find((p) => p.protocolId === PROTOCOL_ID[suite.protocol]);
    const pick = offered && pickTransform(offered, suite, set, ref.entry.pfs, request, engine);
    if (!offered || !pick) return undefined;
    picks.push({ chosen: { protocol: suite.protocol, offered, transform: pick.transform, suite }, values: pick.values });
  }
  const first = picks[0].values;
  const sameForAll = picks.every((p) => p.values.encapsulation === first.encapsulation && p.values.group === first.group);
  if (!sameForAll) return undefined;
  const encapsulation = first.encapsulation ?? 1;
  const mode = readEncapsulation(encapsulation);
  if (!mode) return undefined;
  const ours = entryLifetime(ref.entry);
  const offeredSeconds = first.lifetime.seconds ?? (first.lifetime.kilobytes === undefined ? DEFAULT_OFFERED_SECONDS : undefined);
  const offeredKilobytes = first.lifetime.kilobytes;
  const lifetime = { seconds: shorter(ours.seconds, offeredSeconds), kilobytes: shorter(ours.kilobytes, offeredKilobytes) };
  const announce: { seconds?: number; kilobytes?: number } = {};
  if (offeredSeconds === undefined || ours.seconds < offeredSeconds) announce.seconds = ours.seconds;
  if (offeredKilobytes === undefined || ours.kilobytes < offeredKilobytes) announce.kilobytes = ours.kilobytes;
  return {
    ref,
    transformSet: set.transformSet,
    proposalNumber: bundle[0].number,
    protocols: picks.map((p) => p.chosen),
    mode: mode.mode,
    udpEncapsulated: mode.udp,
    encapsulation,
    pfsGroup: first.group,
    lifetime,
    responderLifetime: Object.keys(announce).length > 0 ? announce : undefined,
  };
}

/**
 * The responder's choice: our crypto map entries (and dynamic map entries) in order; the
 * first whose ACL mirrors the proxies and one of whose transform sets matches an offered
 * proposal (taken in the initiator's order) wins.
 */
export function selectPhase2(config: Readonly<Config>, engine: CapabilityOracle, request: Phase2Request): Phase2SelectResult {
  const entries = responderEntries(config, request.localAddress, request.peerAddress).filter((ref) => aclAllows(config, ref, request));
  if (entries.length === 0) {
    return { ok: false, notify: NotifyType.INVALID_ID_INFORMATION, reason: `no crypto map entry for peer ${request.peerAddress} permits the proposed proxy identities` };
  }
  for (const ref of entries) {
    const sets = entryProposals(config, ref.entry, engine);
    for (const bundle of request.proposals) {
      for (const set of sets) {
        const selection = matchProposal(ref, bundle, set, request, engine);
        if (selection) return { ok: true, selection };
      }
    }
  }
  return { ok: false, notify: NotifyType.NO_PROPOSAL_CHOSEN, reason: `no transform set of the matching crypto map entries accepts the proposals of ${request.peerAddress}` };
}

import type { DhGroup } from '../../config/algorithms';
import { DEFAULT_SA_LIFETIME_KILOBYTES, DEFAULT_SA_LIFETIME_SECONDS, type AclEntry, type Config, type CryptoMapEntry } from '../../config/model';
import type { CapabilityOracle } from './capabilities';
import type { MapEntryRef } from './crypto-map-lookup';
import { transformSetSuites, type IpsecMode, type IpsecSuite } from './ipsec-transform';
import { aclProxy, type ProxyId } from './proxy-id';

/** One transform set as a Quick Mode proposal (a protocol bundle under one proposal number). */
export interface Phase2Proposal {
  readonly transformSet: string;
  readonly mode: IpsecMode;
  readonly suites: readonly IpsecSuite[];
}

/** An IPsec SA's lifetime as configured: both limits always set (IOS defaults otherwise). */
export interface ConfiguredLifetime {
  readonly seconds: number;
  readonly kilobytes: number;
}

/** What the initiator of a Quick Mode asks for. */
export interface Phase2Offer {
  readonly ref: MapEntryRef;
  /** IDci: our side of the ACL line (its source). */
  readonly localProxy: ProxyId;
  /** IDcr: the peer's side (the ACL line's destination). */
  readonly remoteProxy: ProxyId;
  readonly proposals: readonly Phase2Proposal[];
  readonly pfsGroup: DhGroup | undefined;
  readonly lifetime: ConfiguredLifetime;
}

export type Phase2OfferResult = { readonly ok: true; readonly offer: Phase2Offer } | { readonly ok: false; readonly reason: string };

export function entryLifetime(entry: CryptoMapEntry): ConfiguredLifetime {
  return {
    seconds: entry.lifetimeSeconds ?? DEFAULT_SA_LIFETIME_SECONDS,
    kilobytes: entry.lifetimeKilobytes ?? DEFAULT_SA_LIFETIME_KILOBYTES,
  };
}

/** The proposals of an entry's transform sets, in `set transform-set` order, skipping unusable ones. */
export function entryProposals(config: Readonly<Config>, entry: CryptoMapEntry, engine: CapabilityOracle): Phase2Proposal[] {
  const proposals: Phase2Proposal[] = [];
  for (const name of entry.transformSets) {
    const set = config.transformSets.find((s) => s.name === name);
    const suites = set && transformSetSuites(set, engine);
    if (set && suites) proposals.push({ transformSet: name, mode: set.mode, suites });
  }
  return proposals;
}

/**
 * The Quick Mode offer for one ACL line of a crypto map entry: proxy IDs from the line,
 * every usable transform set as a proposal, PFS per `set pfs`, lifetimes in seconds and
 * kilobytes.
 */
export function phase2Offer(config: Readonly<Config>, engine: CapabilityOracle, ref: MapEntryRef, line: AclEntry): Phase2OfferResult {
  const localProxy = aclProxy(line.source);
  const remoteProxy = aclProxy(line.destination);
  if (!localProxy || !remoteProxy) return { ok: false, reason: `ACL line "${line.action} ip ..." has a wildcard no proxy ID can carry` };
  const proposals = entryProposals(config, ref.entry, engine);
  if (proposals.length === 0) return { ok: false, reason: `crypto map ${ref.tag} ${ref.seq} has no transform set that can be negotiated` };
  const pfsGroup = ref.entry.pfs;
  if (pfsGroup !== undefined && !engine.canDh(pfsGroup)) return { ok: false, reason: `the crypto engine cannot do PFS group ${pfsGroup}` };
  return { ok: true, offer: { ref, localProxy, remoteProxy, proposals, pfsGroup, lifetime: entryLifetime(ref.entry) } };
}

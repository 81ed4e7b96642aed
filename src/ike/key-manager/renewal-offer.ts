import type { Config } from '../../config/model';
import type { CapabilityOracle } from '../policy/capabilities';
import { responderEntries } from '../policy/crypto-map-lookup';
import { entryLifetime, entryProposals, type Phase2Offer } from '../policy/phase2-offer';
import type { IpsecSa } from '../sa/ipsec-sa';

/**
 * The Quick Mode offer that renews an IPsec SA, whichever side negotiated it: its crypto map
 * entry's transform sets and lifetimes for the same proxies, with its PFS group unless the
 * entry sets one. Undefined when the entry is gone or has nothing usable left.
 */
export function renewalOffer(config: Readonly<Config>, engine: CapabilityOracle, sa: IpsecSa): Phase2Offer | undefined {
  const map = sa.map;
  if (!map) return undefined;
  const ref = responderEntries(config, sa.local.address, sa.remote.address).find((r) => r.tag === map.tag && r.seq === map.seq);
  const proposals = ref ? entryProposals(config, ref.entry, engine) : [];
  if (!ref || proposals.length === 0) return undefined;
  return {
    ref, localProxy: sa.localProxy, remoteProxy: sa.remoteProxy, proposals,
    pfsGroup: ref.entry.pfs ?? sa.pfsGroup, lifetime: entryLifetime(ref.entry),
  };
}

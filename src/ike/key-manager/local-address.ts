import type { Config } from '../../config/model';
import { entryNamesPeer } from '../policy/crypto-map-lookup';

/**
 * Our address towards a peer that contacts us: the bound one when IKE is bound to one, else
 * that of the interface whose crypto map can answer the peer (a static entry naming it, or a
 * dynamic map), else of any interface with a crypto map.
 */
export function localAddressFor(config: Readonly<Config>, bindAddress: string, peer: string): string {
  if (bindAddress !== '0.0.0.0') return bindAddress;
  const applied = config.interfaces.filter((i) => i.address && i.cryptoMap !== undefined);
  const naming = applied.find((i) => config.cryptoMaps.find((m) => m.tag === i.cryptoMap)?.entries
    .some((e) => e.dynamicMap !== undefined || entryNamesPeer(config, e, peer)));
  return (naming ?? applied[0])?.address?.address ?? bindAddress;
}

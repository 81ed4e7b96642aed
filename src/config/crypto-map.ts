import type { Config, CryptoMap, CryptoMapEntry, DynamicMap } from './model';
import { findWhere, insertedSorted } from './collection';

export function findMap(config: Config, kind: 'crypto' | 'dynamic', tag: string): CryptoMap | DynamicMap | undefined {
  const list: Array<CryptoMap | DynamicMap> = kind === 'crypto' ? config.cryptoMaps : config.dynamicMaps;
  return findWhere(list, (m) => m.tag === tag);
}

export function ensureCryptoMap(config: Config, tag: string): CryptoMap {
  let m = findWhere(config.cryptoMaps, (x) => x.tag === tag);
  if (!m) {
    m = { tag, entries: [], clientConfigInitiate: false, clientConfigRespond: false };
    config.cryptoMaps.push(m);
  }
  return m;
}

export function ensureDynamicMap(config: Config, tag: string): DynamicMap {
  let m = findWhere(config.dynamicMaps, (x) => x.tag === tag);
  if (!m) {
    m = { tag, entries: [] };
    config.dynamicMaps.push(m);
  }
  return m;
}

/** Returns the entry and whether it was just created; keeps entries in sequence order. */
export function ensureEntry(map: CryptoMap | DynamicMap, seq: number): { entry: CryptoMapEntry; created: boolean } {
  const found = findWhere(map.entries, (e) => e.seq === seq);
  if (found) return { entry: found, created: false };
  map.entries = insertedSorted(map.entries, { seq, peers: [], transformSets: [] }, (e) => e.seq);
  return { entry: findWhere(map.entries, (e) => e.seq === seq) as CryptoMapEntry, created: true };
}

/** The entry a config-crypto-map session is editing. */
export function entryAt(config: Config, kind: 'crypto' | 'dynamic', tag: string, seq: number): CryptoMapEntry {
  const map = findMap(config, kind, tag);
  const e = map && findWhere(map.entries, (x) => x.seq === seq);
  if (!e) throw new Error(`internal: crypto map entry ${tag} ${seq} vanished`);
  return e;
}

/** A crypto map with no entries and no client configuration says nothing: drop it. */
export function pruneCryptoMap(config: Config, tag: string): void {
  const i = config.cryptoMaps.findIndex((m) => m.tag === tag);
  const m = config.cryptoMaps[i];
  if (m && m.entries.length === 0 && !m.clientConfigInitiate && !m.clientConfigRespond) config.cryptoMaps.splice(i, 1);
}

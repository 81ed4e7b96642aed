import type { AclEntry, Config, CryptoMapEntry } from '../../config/model';
import { hostAddresses } from './host-names';
import { rangeWithin, specRange } from './proxy-id';

/** A crypto map entry in use, and the dynamic map entry standing in for it when there is one. */
export interface MapEntryRef {
  readonly tag: string;
  readonly seq: number;
  readonly entry: CryptoMapEntry;
  readonly dynamic?: { readonly tag: string; readonly seq: number };
}

/** The crypto maps in force: those applied to the interface holding `localAddress`, else all applied ones. */
function activeMapTags(config: Readonly<Config>, localAddress: string): string[] {
  const applied = config.interfaces.filter((i) => i.cryptoMap !== undefined);
  const own = applied.filter((i) => i.address?.address === localAddress);
  return [...new Set((own.length > 0 ? own : applied).map((i) => i.cryptoMap as string))];
}

/** Whether `set peer` of a static entry names this address (directly or through `ip host`). */
export function entryNamesPeer(config: Readonly<Config>, entry: CryptoMapEntry, peerAddress: string): boolean {
  return entry.peers.some((p) => hostAddresses(config, p).includes(peerAddress));
}

/**
 * The entries a responder may answer a peer from, in map and sequence order: static entries
 * that name the peer, and the entries of dynamic maps that a static entry refers to (these
 * match any peer unless they set one).
 */
export function responderEntries(config: Readonly<Config>, localAddress: string, peerAddress: string): MapEntryRef[] {
  const refs: MapEntryRef[] = [];
  for (const tag of activeMapTags(config, localAddress)) {
    const map = config.cryptoMaps.find((m) => m.tag === tag);
    for (const entry of map?.entries ?? []) {
      if (entry.dynamicMap === undefined) {
        if (entryNamesPeer(config, entry, peerAddress)) refs.push({ tag, seq: entry.seq, entry });
        continue;
      }
      const dynamic = config.dynamicMaps.find((d) => d.tag === entry.dynamicMap);
      for (const d of dynamic?.entries ?? []) {
        if (d.peers.length === 0 || entryNamesPeer(config, d, peerAddress)) {
          refs.push({ tag, seq: entry.seq, entry: d, dynamic: { tag: dynamic?.tag as string, seq: d.seq } });
        }
      }
    }
  }
  return refs;
}

/** The access list an entry matches traffic with; undefined when it names none or a missing one. */
export function entryAcl(config: Readonly<Config>, entry: CryptoMapEntry): AclEntry[] | undefined {
  return entry.matchAddress === undefined ? undefined : config.accessLists[entry.matchAddress];
}

/** What protects a packet from `source` to `destination`: the entry and the ACL line that matched. */
export interface OutboundMatch {
  readonly ref: MapEntryRef;
  readonly acl: AclEntry;
}

/**
 * The static entry that wants a flow protected (the kernel's ACQUIRE), first by map and
 * sequence; the first ACL line matching the flow decides, a deny line meaning "not this entry".
 */
export function outboundEntry(config: Readonly<Config>, localAddress: string, source: string, destination: string): OutboundMatch | undefined {
  const flow = (s: string) => specRange({ kind: 'host', address: s });
  for (const tag of activeMapTags(config, localAddress)) {
    const map = config.cryptoMaps.find((m) => m.tag === tag);
    for (const entry of map?.entries ?? []) {
      if (entry.dynamicMap !== undefined || entry.peers.length === 0) continue;
      const line = (entryAcl(config, entry) ?? []).find(
        (l) => rangeWithin(flow(source), specRange(l.source)) && rangeWithin(flow(destination), specRange(l.destination)),
      );
      if (line?.action === 'permit') return { ref: { tag, seq: entry.seq, entry }, acl: line };
    }
  }
  return undefined;
}

import { addressBytes, addressHex, samePrefix } from './address';
import type { Prefix, Selector } from './sad-backend';

/** A packet's addressing, as policies and transport-mode SAs see it. */
export interface Flow {
  src: string;
  dst: string;
  /** IP protocol number; absent for "some protocol without ports". */
  proto?: number;
  srcPort?: number;
  dstPort?: number;
}

/** IP protocols whose selectors may name ports. */
export const PORT_PROTOCOLS: readonly number[] = [6, 17, 132];

/** Bytes of an address spec-checks has validated. */
function bytesOf(address: string): Buffer {
  const b = addressBytes(address);
  if (!b) throw new TypeError(`not an IP address: ${address}`);
  return b;
}

/**
 * One string per distinct (validated) selector, whatever the spelling of its IPv6 addresses.
 * Joined, not a template literal: kept as a Map key, a template's rope holds a flattened copy besides.
 */
export function selectorKey(s: Selector): string {
  return [addressHex(s.src.address), '/', s.src.prefixLength, ' ', addressHex(s.dst.address), '/', s.dst.prefixLength, ' ', s.proto ?? '*', ' ', s.srcPort ?? '*', ' ', s.dstPort ?? '*'].join('');
}

function prefixContains(p: Prefix, address: Buffer): boolean {
  return samePrefix(bytesOf(p.address), address, p.prefixLength);
}

export function selectorMatches(s: Selector, flow: Flow): boolean {
  const src = addressBytes(flow.src);
  const dst = addressBytes(flow.dst);
  if (!src || !dst || !prefixContains(s.src, src) || !prefixContains(s.dst, dst)) return false;
  if (s.proto !== undefined && s.proto !== flow.proto) return false;
  if (s.srcPort !== undefined && s.srcPort !== flow.srcPort) return false;
  return s.dstPort === undefined || s.dstPort === flow.dstPort;
}

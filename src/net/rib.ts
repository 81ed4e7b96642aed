import type { StaticRoute } from '../config/model';
import { maskLength, parseIpv4, maskFromLength } from '../config/ipv4';
import type { InterfaceStatus } from './interface-status';

/** One route as `show ip route` lists it. */
export interface RibEntry {
  code: 'C' | 'L' | 'S';
  /** Network address as a 32-bit unsigned number. */
  network: number;
  length: number;
  interface?: string;
  nextHop?: string;
}

/**
 * The routing table the router has: a connected and a local route for each interface that is
 * up with an address, and each static route whose next hop is on a connected network (IOS
 * does not install a static route it cannot resolve).
 */
export function buildRib(statuses: readonly InterfaceStatus[], routes: readonly StaticRoute[]): RibEntry[] {
  const out: RibEntry[] = [];
  const connected: RibEntry[] = [];
  for (const s of statuses) {
    if (!s.operUp || !s.address) continue;
    const address = parseIpv4(s.address.address) as number;
    const length = maskLength(parseIpv4(s.address.mask) as number);
    const c: RibEntry = { code: 'C', network: (address & maskFromLength(length)) >>> 0, length, interface: s.name };
    connected.push(c);
    out.push(c);
    if (length < 32) out.push({ code: 'L', network: address, length: 32, interface: s.name });
  }
  for (const r of routes) {
    const hop = parseIpv4(r.nextHop) as number;
    if (!connected.some((c) => ((hop & maskFromLength(c.length)) >>> 0) === c.network)) continue;
    out.push({ code: 'S', network: parseIpv4(r.prefix) as number, length: maskLength(parseIpv4(r.mask) as number), nextHop: r.nextHop });
  }
  return out.sort((a, b) => a.network - b.network || a.length - b.length || a.code.localeCompare(b.code));
}

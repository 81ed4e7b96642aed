import type { StaticRoute } from './model';
import { canonicalIpv4, isContiguousMask, maskLength, parseIpv4 } from './ipv4';

/** Why a route's destination is refused (IOS's words), or undefined when it is fine. */
export function routePrefixProblem(prefix: string, mask: string): string | undefined {
  const p = parseIpv4(prefix) as number;
  const m = parseIpv4(mask) as number;
  if (!isContiguousMask(m) || (p & ~m) !== 0) return 'Inconsistent address and mask';
  if (p >>> 28 >= 14) return 'Invalid destination prefix';
  return undefined;
}

/** Why a next hop is refused: 0.0.0.0, 127/8, class D/E and the limited broadcast cannot be one. */
export function nextHopProblem(nextHop: string): string | undefined {
  const n = parseIpv4(nextHop) as number;
  return n === 0 || n >>> 24 === 127 || n >>> 28 >= 14 ? 'Invalid next hop address' : undefined;
}

/** A route in canonical dotted form. */
export function staticRoute(prefix: string, mask: string, nextHop: string): StaticRoute {
  return { prefix: canonicalIpv4(prefix), mask: canonicalIpv4(mask), nextHop: canonicalIpv4(nextHop) };
}

export function sameRoute(a: StaticRoute, b: StaticRoute): boolean {
  return a.prefix === b.prefix && a.mask === b.mask && a.nextHop === b.nextHop;
}

/** Running-config order: by prefix, then mask length, then next hop. */
export function compareRoutes(a: StaticRoute, b: StaticRoute): number {
  const key = (r: StaticRoute): number[] => [parseIpv4(r.prefix) as number, maskLength(parseIpv4(r.mask) as number), parseIpv4(r.nextHop) as number];
  const ka = key(a);
  const kb = key(b);
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return (ka[i] as number) - (kb[i] as number);
  return 0;
}

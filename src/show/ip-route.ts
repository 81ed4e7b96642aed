import { formatIpv4, maskFromLength } from '../config/ipv4';
import type { RibEntry } from '../net/rib';

/** The classful length of a network (A /8, B /16, C /24; D and E have none). */
function classfulLength(network: number): number {
  const first = network >>> 24;
  return first < 128 ? 8 : first < 192 ? 16 : first < 224 ? 24 : 32;
}

function code(e: RibEntry): string {
  return e.code === 'S' && e.length === 0 ? 'S*' : e.code;
}

function body(e: RibEntry): string {
  const prefix = `${formatIpv4(e.network)}/${e.length}`;
  return e.code === 'S' ? `${prefix} [1/0] via ${e.nextHop}` : `${prefix} is directly connected, ${e.interface}`;
}

/**
 * `show ip route` as IOS prints it, for the route sources this router has: the legend, the
 * gateway of last resort, then routes grouped under their classful network ("is subnetted" /
 * "is variably subnetted"), a network or supernet that stands alone on one line.
 */
export function renderIpRoute(rib: readonly RibEntry[]): string[] {
  const fallback = rib.find((e) => e.code === 'S' && e.length === 0);
  const out = [
    'Codes: L - local, C - connected, S - static',
    '       * - candidate default',
    '',
    fallback ? `Gateway of last resort is ${fallback.nextHop} to network 0.0.0.0` : 'Gateway of last resort is not set',
    '',
  ];
  const groups = new Map<string, RibEntry[]>();
  const items: Array<{ network: number; length: number; lines: string[] }> = [];
  for (const e of rib) {
    const classful = classfulLength(e.network);
    if (e.length < classful) {
      items.push({ network: e.network, length: e.length, lines: [`${code(e).padEnd(6)}${body(e)}`] });
      continue;
    }
    const major = (e.network & maskFromLength(classful)) >>> 0;
    const key = `${major}/${classful}`;
    if (!groups.has(key)) groups.set(key, []);
    (groups.get(key) as RibEntry[]).push(e);
  }
  for (const [key, entries] of groups) {
    const [major, classful] = key.split('/').map(Number) as [number, number];
    const only = entries[0] as RibEntry;
    if (entries.length === 1 && only.length === classful) {
      items.push({ network: major, length: classful, lines: [`${code(only).padEnd(6)}${body(only)}`] });
      continue;
    }
    const masks = new Set(entries.map((e) => e.length));
    const header = masks.size === 1
      ? `      ${formatIpv4(major)}/${only.length} is subnetted, ${entries.length} subnets`
      : `      ${formatIpv4(major)}/${classful} is variably subnetted, ${entries.length} subnets, ${masks.size} masks`;
    items.push({ network: major, length: classful, lines: [header, ...entries.map((e) => `${code(e).padEnd(9)}${body(e)}`)] });
  }
  items.sort((a, b) => a.network - b.network || a.length - b.length);
  return [...out, ...items.flatMap((i) => i.lines)];
}

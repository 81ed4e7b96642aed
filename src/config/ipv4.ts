/** IPv4 helpers on 32-bit unsigned integers. */
import { ipv4Value } from '../kernel/address';

/** Dotted-quad text as IOS reads it: parts of 1 to 3 digits up to 255, leading zeros allowed. */
export function parseIpv4(text: string): number | undefined {
  return ipv4Value(text, true);
}

export function formatIpv4(v: number): string {
  return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
}

/** Canonical dotted form ("010.1.1.1" -> "10.1.1.1"); the caller has validated it. */
export function canonicalIpv4(text: string): string {
  const v = parseIpv4(text);
  if (v === undefined) throw new Error(`not an IPv4 address: ${text}`);
  return formatIpv4(v);
}

/** True for a contiguous netmask such as 255.255.255.0 (0.0.0.0 included). */
export function isContiguousMask(mask: number): boolean {
  const inv = ~mask >>> 0;
  return (inv & (inv + 1)) === 0;
}

export function maskLength(mask: number): number {
  let n = 0;
  for (let m = mask >>> 0; m & 0x80000000; m = (m << 1) >>> 0) n++;
  return n;
}

/** The netmask of a prefix length (24 -> 255.255.255.0 as a number). */
export function maskFromLength(length: number): number {
  return length === 0 ? 0 : (0xffffffff << (32 - length)) >>> 0;
}

export function compareIpv4(a: string, b: string): number {
  return (parseIpv4(a) as number) - (parseIpv4(b) as number);
}

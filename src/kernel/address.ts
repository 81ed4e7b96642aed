import { isIPv4, isIPv6 } from 'node:net';

/**
 * IP addresses as the kernel sees them: 4 or 16 bytes. Backends key and match on bytes so
 * that two spellings of one IPv6 address ("2001:db8::1", "2001:0db8:0:0::1") are one address.
 */

/** The address's bytes, or undefined when `text` is not an IPv4 or IPv6 address. */
export function addressBytes(text: string): Buffer | undefined {
  if (isIPv4(text)) return Buffer.from(text.split('.').map(Number));
  if (isIPv6(text)) return ipv6Bytes(text);
  return undefined;
}

/** `isIPv6` has validated the text, so only the shape is handled here. */
function ipv6Bytes(text: string): Buffer {
  const groups = (part: string): number[] => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (g.includes('.')) {
        // An embedded IPv4 tail ("::ffff:192.0.2.1") is two 16-bit groups.
        const [a, b, c, d] = g.split('.').map(Number) as [number, number, number, number];
        out.push(a * 256 + b, c * 256 + d);
      } else out.push(parseInt(g, 16));
    }
    return out;
  };
  const [head, tail] = text.split('::') as [string, string | undefined];
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const bytes = Buffer.alloc(16);
  all.forEach((g, i) => bytes.writeUInt16BE(g, i * 2));
  return bytes;
}

/** True when the first `bits` bits of `a` and `b` (same length) are equal. */
export function samePrefix(a: Buffer, b: Buffer, bits: number): boolean {
  if (a.length !== b.length) return false;
  const whole = bits >> 3;
  if (a.subarray(0, whole).compare(b.subarray(0, whole)) !== 0) return false;
  const rest = bits & 7;
  if (rest === 0) return true;
  const mask = (0xff << (8 - rest)) & 0xff;
  return ((a[whole] as number) & mask) === ((b[whole] as number) & mask);
}

/** `bytes` with every bit after the first `bits` cleared: the network part of a prefix. */
export function networkBytes(bytes: Buffer, bits: number): Buffer {
  const out = Buffer.from(bytes);
  for (let i = 0; i < out.length; i++) {
    const keep = Math.max(0, Math.min(8, bits - i * 8));
    out[i] = (out[i] as number) & ((0xff << (8 - keep)) & 0xff);
  }
  return out;
}

import { isIPv6 } from 'node:net';

/**
 * IP addresses as the kernel sees them: 4 or 16 bytes. Backends key and match on bytes so
 * that two spellings of one IPv6 address ("2001:db8::1", "2001:0db8:0:0::1") are one address.
 */

/**
 * The value of dotted-quad text as an unsigned 32-bit number, or undefined: four parts of 1 to
 * 3 digits, each at most 255. `leadingZeros` admits parts such as "010" (IOS configuration
 * does; net.isIPv4 and inet_pton do not). A scan, not a regular expression: policy and
 * selector keys parse addresses once per SA and policy, thousands of times in a burst.
 */
export function ipv4Value(text: string, leadingZeros: boolean): number | undefined {
  let value = 0;
  let part = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i <= text.length; i++) {
    // The end of the text closes the last part as a dot closes the others.
    const c = i < text.length ? text.charCodeAt(i) : DOT;
    if (c >= DIGIT_0 && c <= DIGIT_9) {
      if (digits === 3 || (digits === 1 && part === 0 && !leadingZeros)) return undefined;
      part = part * 10 + (c - DIGIT_0);
      digits++;
    } else if (c === DOT) {
      if (digits === 0 || part > 255 || (i < text.length && ++dots > 3)) return undefined;
      value = value * 256 + part;
      part = 0;
      digits = 0;
    } else return undefined;
  }
  return dots === 3 ? value : undefined;
}

const DOT = 0x2e;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;

/** The address's bytes, or undefined when `text` is not an IPv4 or IPv6 address. */
export function addressBytes(text: string): Buffer | undefined {
  const v4 = ipv4Value(text, false);
  if (v4 !== undefined) {
    const bytes = Buffer.allocUnsafe(4);
    bytes.writeUInt32BE(v4);
    return bytes;
  }
  if (isIPv6(text)) return ipv6Bytes(text);
  return undefined;
}

/**
 * The hex of a validated address's bytes, one spelling per address (backends' keys); IPv4
 * straight from its value, without a Buffer.
 */
export function addressHex(text: string): string {
  const v4 = ipv4Value(text, false);
  if (v4 !== undefined) return v4.toString(16).padStart(8, '0');
  const bytes = addressBytes(text);
  if (!bytes) throw new TypeError(`not an IP address: ${text}`);
  return bytes.toString('hex');
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

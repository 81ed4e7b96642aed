/**
 * Address text <-> wire bytes for ID and NAT-OA payloads. Decoding yields the canonical text
 * (dotted quad, RFC 5952 for IPv6) so a decoded payload re-encodes to the same bytes.
 */

import { ipv4Value } from '../../kernel/address';

export const IPV4_LENGTH = 4;
export const IPV6_LENGTH = 16;

export function formatAddress(bytes: Buffer): string {
  // Indexed, not Array.from(bytes).join('.'): every ID payload received comes through here.
  if (bytes.length === IPV4_LENGTH) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  const groups: number[] = [];
  for (let i = 0; i < IPV6_LENGTH; i += 2) groups.push(bytes.readUInt16BE(i));
  // RFC 5952 4.2: compress the longest run of two or more zero groups, the first on a tie.
  let runStart = -1;
  let runLength = 1;
  for (let i = 0; i < groups.length; ) {
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > runLength) [runStart, runLength] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (runStart < 0) return hex.join(':');
  return `${hex.slice(0, runStart).join(':')}::${hex.slice(runStart + runLength).join(':')}`;
}

/** Bytes of an address of the given length; RangeError when the text is not one. */
export function addressBytes(text: string, length: typeof IPV4_LENGTH | typeof IPV6_LENGTH): Buffer {
  const bytes = length === IPV4_LENGTH ? ipv4Bytes(text) : ipv6Bytes(text);
  if (!bytes) throw new RangeError(`not an IPv${length === IPV4_LENGTH ? 4 : 6} address: ${text}`);
  return bytes;
}

/** Parts may have leading zeros ("010"), as IOS configuration writes them. */
function ipv4Bytes(text: string): Buffer | undefined {
  const value = ipv4Value(text, true);
  if (value === undefined) return undefined;
  const bytes = Buffer.allocUnsafe(IPV4_LENGTH);
  bytes.writeUInt32BE(value);
  return bytes;
}

function ipv6Bytes(text: string): Buffer | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (s: string): string[] => (s === '' ? [] : s.split(':'));
  const head = groupsOf(halves[0]);
  const tail = halves.length === 2 ? groupsOf(halves[1]) : [];
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...Array<string>(missing).fill('0'), ...tail];
  if (!groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
  const bytes = Buffer.alloc(IPV6_LENGTH);
  groups.forEach((g, i) => bytes.writeUInt16BE(parseInt(g, 16), i * 2));
  return bytes;
}

/**
 * The few DER pieces the key code needs: INTEGER and SEQUENCE encoding (to build a PKCS#1
 * RSAPrivateKey by hand) and reading one element header (to check a pasted key's length).
 */

export const TAG_INTEGER = 0x02;
export const TAG_BIT_STRING = 0x03;
export const TAG_SEQUENCE = 0x30;

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function encodeElement(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

/** DER INTEGER for a non-negative value: minimal big-endian, a 0x00 pad keeps it positive. */
export function derInteger(value: bigint): Buffer {
  if (value < 0n) throw new RangeError('derInteger: negative values are not needed here');
  let hex = value.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  let bytes = Buffer.from(hex, 'hex');
  if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return encodeElement(TAG_INTEGER, bytes);
}

export function derSequence(elements: Buffer[]): Buffer {
  return encodeElement(TAG_SEQUENCE, Buffer.concat(elements));
}

export interface DerHeader {
  tag: number;
  /** Bytes taken by tag and length octets. */
  headerLength: number;
  contentLength: number;
}

/**
 * Read the tag and definite length at `offset`; undefined when the bytes are not a
 * well-formed DER header (truncated, indefinite or non-minimal length, multi-byte tag).
 */
export function readDerHeader(buf: Buffer, offset = 0): DerHeader | undefined {
  if (offset + 2 > buf.length) return undefined;
  const tag = buf[offset];
  if ((tag & 0x1f) === 0x1f) return undefined;
  const first = buf[offset + 1];
  if (first < 0x80) return { tag, headerLength: 2, contentLength: first };
  const count = first & 0x7f;
  // 0x80 is BER's indefinite form; more than 4 length octets cannot describe a real key.
  if (count === 0 || count > 4 || offset + 2 + count > buf.length) return undefined;
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + buf[offset + 2 + i];
  if (buf[offset + 2] === 0 || length < 0x80) return undefined;
  return { tag, headerLength: 2 + count, contentLength: length };
}

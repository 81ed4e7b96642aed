/** Byte helpers the IKE formulas need: fixed-width integers, as RFC 2409 writes them. */

/** Big-endian value left-padded with zeros to `length` bytes (RFC 2409: g^x, g^xy are fixed length). */
export function leftPad(value: Buffer, length: number): Buffer {
  if (value.length === length) return value;
  if (value.length > length) throw new RangeError(`value of ${value.length} bytes does not fit in ${length}`);
  return Buffer.concat([Buffer.alloc(length - value.length), value]);
}

/** The 4-byte big-endian form of a message ID, as it appears in the ISAKMP header. */
export function uint32(value: number): Buffer {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value);
  return out;
}

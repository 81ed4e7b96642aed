/**
 * `length` zero octets carved from node's shared pool. Buffer.alloc makes a new ArrayBuffer
 * (a calloc and a GC-tracked backing store) per call: too dear for the few-octet fixed fields
 * every encoder writes for every message.
 */
export function zeroed(length: number): Buffer {
  const b = Buffer.allocUnsafe(length);
  // A loop, not fill(0): fill's argument checks cost more than a few stores.
  for (let i = 0; i < length; i++) b[i] = 0;
  return b;
}

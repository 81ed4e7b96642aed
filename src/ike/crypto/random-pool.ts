import { randomBytes, randomFillSync } from 'node:crypto';

/** Bytes drawn from the CSPRNG at once; requests larger than a quarter of it go straight there. */
const POOL_BYTES = 8192;

let pool = Buffer.alloc(0);
let offset = 0;

/**
 * `length` random bytes, in a buffer of their own, from a pool the CSPRNG refills 8 KiB at a
 * time: a negotiation draws dozens of small values (cookies, nonces, IVs, SPIs, message IDs)
 * and one OpenSSL call each cost more than the bytes. Same generator, same quality; the pool's
 * bytes are handed out once and overwritten by the next refill.
 */
export function pooledRandomBytes(length: number): Buffer {
  if (length > POOL_BYTES / 4) return randomBytes(length);
  if (offset + length > pool.length) {
    if (pool.length === 0) pool = Buffer.allocUnsafeSlow(POOL_BYTES);
    randomFillSync(pool);
    offset = 0;
  }
  const out = Buffer.from(pool.subarray(offset, offset + length));
  pool.fill(0, offset, offset + length);
  offset += length;
  return out;
}

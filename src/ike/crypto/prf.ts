import { nativeHmac } from '../../native/ike-crypto';
import type { IkeHash } from './hash';

/**
 * prf(key, msg) of RFC 2409 section 4: HMAC of the negotiated hash. RFC 2409 defines no PRF
 * attribute values, so a negotiated PRF never replaces it; callers pass the hash.
 * The message is the concatenation of `parts`, which saves the callers a Buffer.concat.
 */
export function prf(algorithm: IkeHash, key: Buffer, ...parts: Buffer[]): Buffer {
  return nativeHmac(algorithm, key, ...parts);
}

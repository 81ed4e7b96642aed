import { uint32 } from './bytes';
import type { IkeHash } from './hash';
import { prf } from './prf';

/**
 * Authentication hashes of Quick Mode (RFC 2409 section 5.5) and of informational exchanges
 * (section 5.7). `afterHash` is the message after the HASH payload: every following payload
 * as on the wire, generic headers included.
 */

/** HASH(1) = prf(SKEYID_a, M-ID | SA | Ni [ | KE ] [ | IDci | IDcr ]). */
export function quickModeHash1(prfHash: IkeHash, skeyidA: Buffer, messageId: number, afterHash: Buffer): Buffer {
  return prf(prfHash, skeyidA, uint32(messageId), afterHash);
}

/** HASH(2) = prf(SKEYID_a, M-ID | Ni_b | SA | Nr [ | KE ] [ | IDci | IDcr ]). */
export function quickModeHash2(prfHash: IkeHash, skeyidA: Buffer, messageId: number, niB: Buffer, afterHash: Buffer): Buffer {
  return prf(prfHash, skeyidA, uint32(messageId), niB, afterHash);
}

/** HASH(3) = prf(SKEYID_a, 0 | M-ID | Ni_b | Nr_b), the 0 a single octet. */
export function quickModeHash3(prfHash: IkeHash, skeyidA: Buffer, messageId: number, niB: Buffer, nrB: Buffer): Buffer {
  return prf(prfHash, skeyidA, Buffer.from([0]), uint32(messageId), niB, nrB);
}

/** Informational HASH(1) = prf(SKEYID_a, M-ID | N/D): the same form as Quick Mode's HASH(1). */
export function informationalHash(prfHash: IkeHash, skeyidA: Buffer, messageId: number, afterHash: Buffer): Buffer {
  return prf(prfHash, skeyidA, uint32(messageId), afterHash);
}

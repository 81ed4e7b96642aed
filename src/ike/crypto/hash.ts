import { nativeHash } from '../../native/ike-crypto';

/** IKE hash algorithms (RFC 2409 appendix A, RFC 4868 for the SHA-2 sizes). */
export type IkeHash = 'md5' | 'sha1' | 'sha256' | 'sha384';

/** Digest length in bytes; also the PRF output length, since the PRF is HMAC of the hash. */
export const HASH_LENGTH: Readonly<Record<IkeHash, number>> = { md5: 16, sha1: 20, sha256: 32, sha384: 48 };

/** The plain hash of the concatenated parts (used for IVs and public-key-encryption SKEYID). */
export function hash(algorithm: IkeHash, ...parts: Buffer[]): Buffer {
  return nativeHash(algorithm, ...parts);
}

import { generateKeyPair } from 'node:crypto';
import type { KeyPair } from './rsa-keygen';

/** `crypto key generate ec keysize 256|384`: NIST P-256 or P-384 (RFC 5903 groups 19/20). */
export const EC_CURVE_BY_BITS = { 256: 'prime256v1', 384: 'secp384r1' } as const;

export type EcKeyBits = keyof typeof EC_CURVE_BY_BITS;

/** Key size for an OpenSSL curve name, or undefined for curves IOS cannot generate. */
export function ecBitsForCurve(namedCurve: string | undefined): EcKeyBits | undefined {
  if (namedCurve === EC_CURVE_BY_BITS[256]) return 256;
  if (namedCurve === EC_CURVE_BY_BITS[384]) return 384;
  return undefined;
}

export function generateEcKeyPair(bits: EcKeyBits): Promise<KeyPair> {
  const namedCurve = EC_CURVE_BY_BITS[bits];
  // The type already says 256 | 384; this guards callers that pass a parsed number.
  if (namedCurve === undefined) return Promise.reject(new RangeError('EC key size must be 256 or 384 bits'));
  return new Promise((resolve, reject) => {
    generateKeyPair('ec', { namedCurve }, (err, publicKey, privateKey) => {
      if (err) reject(err);
      else resolve({ privateKey, publicKey });
    });
  });
}

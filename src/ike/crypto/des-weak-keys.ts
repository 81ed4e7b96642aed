/**
 * DES weak and semi-weak keys (FIPS 74 section 3.6; RFC 2409 appendix B: keys derived for
 * DES-family ciphers that are weak must be rejected). Parity bits are ignored.
 */

const WEAK_AND_SEMI_WEAK = new Set([
  // weak: encryption is its own inverse
  '0101010101010101', 'fefefefefefefefe', 'e0e0e0e0f1f1f1f1', '1f1f1f1f0e0e0e0e',
  // semi-weak pairs: one key decrypts what the other encrypts
  '01fe01fe01fe01fe', 'fe01fe01fe01fe01',
  '1fe01fe00ef10ef1', 'e01fe01ff10ef10e',
  '01e001e001f101f1', 'e001e001f101f101',
  '1ffe1ffe0efe0efe', 'fe1ffe1ffe0efe0e',
  '011f011f010e010e', '1f011f010e010e01',
  'e0fee0fef1fef1fe', 'fee0fee0fef1fef1',
].map(withoutParity));

/** The key with each byte's parity bit (bit 0) cleared, as hex, so parity never matters. */
function withoutParity(hex: string): string {
  return Buffer.from(Buffer.from(hex, 'hex').map((b) => b & 0xfe)).toString('hex');
}

/** Single DES: the 8-byte key is weak or semi-weak. */
export function isWeakDesKey(key: Buffer): boolean {
  return WEAK_AND_SEMI_WEAK.has(withoutParity(key.toString('hex')));
}

/**
 * 3DES (EDE): a weak or semi-weak component key, or K1 = K2 or K2 = K3, where EDE
 * collapses to single DES under the remaining key.
 */
export function isWeakTripleDesKey(key: Buffer): boolean {
  const [k1, k2, k3] = [0, 8, 16].map((o) => key.subarray(o, o + 8));
  const same = (a: Buffer, b: Buffer) => withoutParity(a.toString('hex')) === withoutParity(b.toString('hex'));
  return isWeakDesKey(k1) || isWeakDesKey(k2) || isWeakDesKey(k3) || same(k1, k2) || same(k2, k3);
}

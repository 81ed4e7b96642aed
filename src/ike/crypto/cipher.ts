import { nativeCbc, type NativeCbcCipher } from '../../native/ike-crypto';
import { isWeakDesKey, isWeakTripleDesKey } from './des-weak-keys';
import { requireDes } from './legacy-provider';

/** IKE phase-1 encryption algorithms (RFC 2409 appendix A; AES-CBC per RFC 3602 key lengths). */
export type IkeCipher = 'des' | '3des' | 'aes128' | 'aes192' | 'aes256';

export interface IkeCipherSpec {
  readonly openssl: NativeCbcCipher;
  /** Key bytes taken from SKEYID_e (or its expansion); DES keys include parity bits. */
  readonly keyLength: number;
  readonly blockSize: number;
}

export const IKE_CIPHERS: Readonly<Record<IkeCipher, IkeCipherSpec>> = {
  des: { openssl: 'des-cbc', keyLength: 8, blockSize: 8 },
  '3des': { openssl: 'des-ede3-cbc', keyLength: 24, blockSize: 8 },
  aes128: { openssl: 'aes-128-cbc', keyLength: 16, blockSize: 16 },
  aes192: { openssl: 'aes-192-cbc', keyLength: 24, blockSize: 16 },
  aes256: { openssl: 'aes-256-cbc', keyLength: 32, blockSize: 16 },
};

/** A derived key the RFC says must not be used; the exchange must not go on with it. */
export class WeakKeyError extends Error {
  constructor(readonly cipher: string) {
    super(`derived ${cipher} key is weak or semi-weak`);
    this.name = 'WeakKeyError';
  }
}

/** DES and 3DES weak keys (RFC 2409 appendix B); AES has none. */
export function isWeakKey(cipher: IkeCipher, key: Buffer): boolean {
  if (cipher === 'des') return isWeakDesKey(key);
  if (cipher === '3des') return isWeakTripleDesKey(key);
  return false;
}

function checkInputs(cipher: IkeCipher, key: Buffer, iv: Buffer, data: Buffer): IkeCipherSpec {
  const spec = IKE_CIPHERS[cipher];
  if (key.length !== spec.keyLength) throw new RangeError(`${cipher} key must be ${spec.keyLength} bytes, got ${key.length}`);
  if (iv.length !== spec.blockSize) throw new RangeError(`${cipher} IV must be ${spec.blockSize} bytes, got ${iv.length}`);
  if (data.length === 0 || data.length % spec.blockSize !== 0) {
    throw new RangeError(`${cipher} data must be a non-empty multiple of ${spec.blockSize} bytes, got ${data.length}`);
  }
  if (cipher === 'des') requireDes();
  return spec;
}

/** CBC-encrypt an already padded message body (IKE pads itself, so OpenSSL must not). */
export function ikeEncrypt(cipher: IkeCipher, key: Buffer, iv: Buffer, plaintext: Buffer): Buffer {
  const spec = checkInputs(cipher, key, iv, plaintext);
  return nativeCbc(spec.openssl, true, key, iv, plaintext);
}

/** CBC-decrypt a message body; the result still carries the sender's padding. */
export function ikeDecrypt(cipher: IkeCipher, key: Buffer, iv: Buffer, ciphertext: Buffer): Buffer {
  const spec = checkInputs(cipher, key, iv, ciphertext);
  return nativeCbc(spec.openssl, false, key, iv, ciphertext);
}

/**
 * Pad as RFC 2409 section 5.3 describes: zeros, then a last byte counting the padding bytes
 * before it, up to the block size; there is always at least that one byte.
 */
export function padToBlock(plaintext: Buffer, blockSize: number): Buffer {
  const padLength = blockSize - (plaintext.length % blockSize);
  const padding = Buffer.alloc(padLength);
  padding[padLength - 1] = padLength - 1;
  return Buffer.concat([plaintext, padding]);
}

/**
 * The most padding a peer may add: 255 counted bytes plus the count byte. Peers differ (none
 * when aligned, up to a block, random lengths), so the content is never checked.
 */
export const MAX_PADDING = 256;

/** A decrypted body whose payloads do not fit it, or that carries implausible padding. */
export class PaddingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PaddingError';
  }
}

/**
 * Cut the padding off a decrypted body. `contentLength` is where the payload chain ends
 * (known from the payload headers); whatever follows is padding.
 */
export function stripPadding(decrypted: Buffer, contentLength: number): Buffer {
  const padLength = decrypted.length - contentLength;
  if (contentLength < 0 || padLength < 0) {
    throw new PaddingError(`payloads claim ${contentLength} bytes but ${decrypted.length} were decrypted`);
  }
  if (padLength > MAX_PADDING) throw new PaddingError(`${padLength} bytes of padding exceed ${MAX_PADDING}`);
  return decrypted.subarray(0, contentLength);
}

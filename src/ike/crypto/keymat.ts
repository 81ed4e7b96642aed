import { isWeakDesKey, isWeakTripleDesKey } from './des-weak-keys';
import { WeakKeyError } from './cipher';
import type { IkeHash } from './hash';
import { prf } from './prf';

/** What one IPsec SA's KEYMAT is bound to (RFC 2409 section 5.5). */
export interface KeymatInput {
  /** RFC 2407 protocol ID of the SA: 2 AH, 3 ESP. */
  protocol: number;
  /** The SPI of this SA, chosen by its receiving side: each direction has its own KEYMAT. */
  spi: Buffer;
  niB: Buffer;
  nrB: Buffer;
  /** g(qm)^xy of the Quick Mode's own Diffie-Hellman when PFS is used. */
  pfsSharedSecret?: Buffer;
}

/**
 * KEYMAT = K1 | K2 | ... cut to `length` bytes, where
 * K1 = prf(SKEYID_d, [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b) and
 * Kn = prf(SKEYID_d, Kn-1 | [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b).
 * When K1 is long enough this is the unexpanded KEYMAT of the RFC.
 */
export function keymat(prfHash: IkeHash, skeyidD: Buffer, input: KeymatInput, length: number): Buffer {
  const seed = [...(input.pfsSharedSecret ? [input.pfsSharedSecret] : []), Buffer.from([input.protocol]), input.spi, input.niB, input.nrB];
  const blocks: Buffer[] = [];
  let k: Buffer = Buffer.alloc(0);
  for (let have = 0; have < length; have += k.length) {
    k = prf(prfHash, skeyidD, k, ...seed);
    blocks.push(k);
  }
  return Buffer.concat(blocks).subarray(0, length);
}

/** ESP ciphers; 'aes-gcm' is RFC 4106 with its 16-byte ICV, 'seal' is IOS's esp-seal. */
export type EspCipher = 'des' | '3des' | 'aes-cbc' | 'aes-gcm' | 'seal' | 'null';
/** ESP and AH integrity algorithms (RFC 2403, 2404, 4868). */
export type IpsecIntegrity = 'hmac-md5' | 'hmac-sha1' | 'hmac-sha256' | 'hmac-sha384' | 'hmac-sha512';

export interface IpsecTransform {
  cipher?: EspCipher;
  /** AES key size (128, 192 or 256); 128 when absent. */
  keyBits?: number;
  integrity?: IpsecIntegrity;
}

const INTEGRITY_KEY_LENGTH: Readonly<Record<IpsecIntegrity, number>> = {
  'hmac-md5': 16, 'hmac-sha1': 20, 'hmac-sha256': 32, 'hmac-sha384': 48, 'hmac-sha512': 64,
};

/** GCM keys carry a 4-byte salt after the AES key (RFC 4106 section 8.1). */
const GCM_SALT_LENGTH = 4;

/** Bytes of KEYMAT the cipher takes. */
export function encryptionKeyLength(cipher: EspCipher, keyBits = 128): number {
  switch (cipher) {
    case 'des': return 8;
    case '3des': return 24;
    case 'aes-cbc': return aesKeyBytes(keyBits);
    case 'aes-gcm': return aesKeyBytes(keyBits) + GCM_SALT_LENGTH;
    case 'seal': return 20;
    case 'null': return 0;
  }
}

function aesKeyBytes(keyBits: number): number {
  if (keyBits !== 128 && keyBits !== 192 && keyBits !== 256) throw new RangeError(`AES key size must be 128, 192 or 256 bits, got ${keyBits}`);
  return keyBits / 8;
}

export function integrityKeyLength(integrity: IpsecIntegrity): number {
  return INTEGRITY_KEY_LENGTH[integrity];
}

export interface IpsecKeys {
  /** Empty without a cipher; for AES-GCM the key followed by the salt. */
  encryptionKey: Buffer;
  /** Empty without an integrity algorithm. */
  integrityKey: Buffer;
}

/**
 * One SA's keys from its KEYMAT: the encryption key from the first bytes, the integrity key
 * from the bytes after it. Throws WeakKeyError for a weak DES/3DES key.
 */
export function ipsecKeys(prfHash: IkeHash, skeyidD: Buffer, input: KeymatInput, transform: IpsecTransform): IpsecKeys {
  const encryptionLength = transform.cipher ? encryptionKeyLength(transform.cipher, transform.keyBits) : 0;
  const integrityLength = transform.integrity ? integrityKeyLength(transform.integrity) : 0;
  const material = keymat(prfHash, skeyidD, input, encryptionLength + integrityLength);
  const encryptionKey = material.subarray(0, encryptionLength);
  if ((transform.cipher === 'des' && isWeakDesKey(encryptionKey)) || (transform.cipher === '3des' && isWeakTripleDesKey(encryptionKey))) {
    throw new WeakKeyError(transform.cipher);
  }
  return { encryptionKey, integrityKey: material.subarray(encryptionLength) };
}

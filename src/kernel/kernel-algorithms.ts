/**
 * Transform-set names to the Linux crypto API names and key lengths XFRM and PF_KEY expect,
 * and the facts the backends check SAs against. Key lengths are of the key handed to the
 * kernel, i.e. what KEYMAT must supply (RFC 2409 section 5.5).
 */
import type { AhTransform, EspAuthTransform, EspCipherTransform } from '../config/algorithms';
import type { KernelCipher, KernelIntegrity } from './sad-backend';

export interface KernelCipherChoice {
  name: KernelCipher;
  /** Key bits including GCM's 32-bit salt. */
  keyBits: number;
  /** AEAD ICV bits; absent for the CBC ciphers. */
  icvBits?: number;
}

export interface KernelIntegrityChoice {
  name: KernelIntegrity;
  keyBits: number;
  truncationBits: number;
}

/** Key bits each cipher accepts, GCM's with its salt. */
export const CIPHER_KEY_BITS: Readonly<Record<KernelCipher, readonly number[]>> = {
  'cbc(des)': [64],
  'cbc(des3_ede)': [192],
  'cbc(aes)': [128, 192, 256],
  'rfc4106(gcm(aes))': [160, 224, 288],
  'ecb(cipher_null)': [0],
};

/** ICV lengths RFC 4106 allows. */
export const GCM_ICV_BITS: readonly number[] = [64, 96, 128];

/** The HMAC key is as long as the digest (RFC 2403, 2404, 4868). */
export const INTEGRITY_KEY_BITS: Readonly<Record<KernelIntegrity, number>> = {
  'hmac(md5)': 128,
  'hmac(sha1)': 160,
  'hmac(sha256)': 256,
  'hmac(sha384)': 384,
  'hmac(sha512)': 512,
};

const GCM_SALT_BITS = 32;
/** IOS's esp-gcm uses the 16-byte ICV. */
const GCM_ICV_DEFAULT = 128;
const AES_KEY_BITS: readonly number[] = [128, 192, 256];

/**
 * The kernel cipher for an ESP cipher transform (`keyBits`: esp-aes and esp-gcm, 128 when
 * absent). Undefined for esp-seal: no Linux kernel implements SEAL, so a gateway whose
 * backend is a kernel must not negotiate it. Throws RangeError on a key size the transform
 * does not have.
 */
export function kernelCipher(transform: EspCipherTransform, keyBits?: number): KernelCipherChoice | undefined {
  if (keyBits !== undefined && transform !== 'esp-aes' && transform !== 'esp-gcm') {
    throw new RangeError(`${transform} has a fixed key size, got ${keyBits} bits`);
  }
  const aes = keyBits ?? 128;
  if (!AES_KEY_BITS.includes(aes)) throw new RangeError(`AES key size must be 128, 192 or 256 bits, got ${aes}`);
  switch (transform) {
    case 'esp-des': return { name: 'cbc(des)', keyBits: 64 };
    case 'esp-3des': return { name: 'cbc(des3_ede)', keyBits: 192 };
    case 'esp-aes': return { name: 'cbc(aes)', keyBits: aes };
    case 'esp-gcm': return { name: 'rfc4106(gcm(aes))', keyBits: aes + GCM_SALT_BITS, icvBits: GCM_ICV_DEFAULT };
    case 'esp-null': return { name: 'ecb(cipher_null)', keyBits: 0 };
    case 'esp-seal': return undefined;
  }
}

/** The kernel HMAC for an ESP or AH authentication transform, with the RFC truncation. */
export function kernelIntegrity(transform: EspAuthTransform | AhTransform): KernelIntegrityChoice {
  const choice = (name: KernelIntegrity, truncationBits: number): KernelIntegrityChoice =>
    ({ name, keyBits: INTEGRITY_KEY_BITS[name], truncationBits });
  switch (transform) {
    case 'esp-md5-hmac':
    case 'ah-md5-hmac': return choice('hmac(md5)', 96);
    case 'esp-sha-hmac':
    case 'ah-sha-hmac': return choice('hmac(sha1)', 96);
    case 'esp-sha256-hmac': return choice('hmac(sha256)', 128);
    case 'esp-sha384-hmac': return choice('hmac(sha384)', 192);
    case 'esp-sha512-hmac': return choice('hmac(sha512)', 256);
  }
}

/**
 * The algorithm vocabulary shared by config, show renderers, the hardware engine registry
 * and (later) negotiation. Names are the IOS keywords' meanings, not their spellings.
 */

/** IKE (ISAKMP policy) encryption. */
export type IkeCipher = 'des' | '3des' | 'aes128' | 'aes192' | 'aes256';
export type IkeHash = 'md5' | 'sha1' | 'sha256' | 'sha384';
export type IkeAuth = 'rsa-sig' | 'rsa-encr' | 'pre-share';
export type DhGroup = 1 | 2 | 5 | 14 | 15 | 16 | 19 | 20 | 24;

export const DH_GROUPS: readonly DhGroup[] = [1, 2, 5, 14, 15, 16, 19, 20, 24];

/** IPsec transform keywords as IOS spells them (key sizes are separate). */
export type EspCipherTransform = 'esp-des' | 'esp-3des' | 'esp-aes' | 'esp-gcm' | 'esp-seal' | 'esp-null';
export type EspAuthTransform =
  | 'esp-md5-hmac' | 'esp-sha-hmac' | 'esp-sha256-hmac' | 'esp-sha384-hmac' | 'esp-sha512-hmac';
export type AhTransform = 'ah-md5-hmac' | 'ah-sha-hmac';
export type TransformName = EspCipherTransform | EspAuthTransform | AhTransform;

/**
 * A bulk-cipher capability as a crypto engine states it, e.g. "cbc(aes)-128". This is the
 * vocabulary of /proc/crypto names plus key length, so kernel-discovered cards and built-in
 * profiles speak the same language.
 */
export type CipherCapability =
  | 'cbc(des)-56' | 'cbc(des3_ede)-168'
  | 'cbc(aes)-128' | 'cbc(aes)-192' | 'cbc(aes)-256'
  | 'gcm(aes)-128' | 'gcm(aes)-192' | 'gcm(aes)-256'
  | 'seal-160';

export function ikeCipherCapability(c: IkeCipher): CipherCapability {
  switch (c) {
    case 'des': return 'cbc(des)-56';
    case '3des': return 'cbc(des3_ede)-168';
    case 'aes128': return 'cbc(aes)-128';
    case 'aes192': return 'cbc(aes)-192';
    case 'aes256': return 'cbc(aes)-256';
  }
}

/** The cipher an ESP cipher transform needs; undefined for esp-null (nothing to encrypt). */
export function espCipherCapability(t: EspCipherTransform, keyBits: number | undefined): CipherCapability | undefined {
  switch (t) {
    case 'esp-des': return 'cbc(des)-56';
    case 'esp-3des': return 'cbc(des3_ede)-168';
    case 'esp-aes': return `cbc(aes)-${keyBits ?? 128}` as CipherCapability;
    case 'esp-gcm': return `gcm(aes)-${keyBits ?? 128}` as CipherCapability;
    case 'esp-seal': return 'seal-160';
    case 'esp-null': return undefined;
  }
}

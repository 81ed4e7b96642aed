/**
 * Built-in card profiles for `ikegated --card PROFILE`, used on hosts where no card can be
 * detected (development machines, boards without a crypto device) to behave as if one
 * were inserted.
 */
import type { CryptoEngine } from './engine';
import { acceleratorName } from './proc-crypto';

const PROFILES: Readonly<Record<string, () => CryptoEngine>> = {
  // QEMU's virtio-crypto device as the Linux virtio_crypto driver registers it:
  // "cbc(aes)" (virtio_crypto_aes_cbc, 16..32-byte keys), "rsa" and "pkcs1pad(rsa,sha1)".
  // No DES/3DES, GCM, SEAL, HMAC or DH.
  'virtio-crypto': () => ({
    id: 'virtio_crypto',
    name: acceleratorName('virtio_crypto'),
    kind: 'hardware',
    driver: 'virtio_crypto',
    location: 'card profile virtio-crypto',
    ciphers: new Set(['cbc(aes)-128', 'cbc(aes)-192', 'cbc(aes)-256'] as const),
    hashes: new Set(),
    dhGroups: new Set(),
    asymmetric: new Set(['rsa'] as const),
  }),
};

export const CARD_PROFILE_NAMES: readonly string[] = Object.keys(PROFILES);

/** A fresh engine for the named profile; throws listing the valid names when unknown. */
export function cardProfile(name: string): CryptoEngine {
  const make = Object.hasOwn(PROFILES, name) ? PROFILES[name] : undefined;
  if (!make) {
    throw new Error(`unknown card profile "${name}" (valid: ${CARD_PROFILE_NAMES.join(', ')})`);
  }
  return make();
}

/**
 * A crypto engine as the rest of ikegate sees it: what it is, where it sits, and which
 * algorithms (in the shared vocabulary of src/config/algorithms.ts) it can run.
 */
import { DH_GROUPS, type CipherCapability, type DhGroup, type IkeHash } from '../config/algorithms';

export type EngineKind = 'software' | 'hardware';
export type AsymmetricAlgorithm = 'rsa' | 'ecdsa';

export interface CryptoEngine {
  /** Stable key: the kernel module name for cards, "software" for the CPU engine. */
  readonly id: string;
  readonly name: string;
  readonly kind: EngineKind;
  /** Kernel driver module (e.g. "virtio_crypto"); "generic" for the CPU engine. */
  readonly driver: string;
  /** Where the engine sits, as shown in `show crypto engine` ("N/A" for software). */
  readonly location: string;
  readonly ciphers: ReadonlySet<CipherCapability>;
  /** HMAC ability per hash. */
  readonly hashes: ReadonlySet<IkeHash>;
  readonly dhGroups: ReadonlySet<DhGroup>;
  readonly asymmetric: ReadonlySet<AsymmetricAlgorithm>;
}

/** The four kinds of work an engine may take over; a card may offer none of a class. */
export type CapabilityClass = 'cipher' | 'hash' | 'dh' | 'asymmetric';
export const CAPABILITY_CLASSES: readonly CapabilityClass[] = ['cipher', 'hash', 'dh', 'asymmetric'];

// Written as records so the compiler fails here when the vocabulary grows.
const CIPHER_KEYS = {
  'cbc(des)-56': true, 'cbc(des3_ede)-168': true,
  'cbc(aes)-128': true, 'cbc(aes)-192': true, 'cbc(aes)-256': true,
  'gcm(aes)-128': true, 'gcm(aes)-192': true, 'gcm(aes)-256': true,
  'seal-160': true,
} satisfies Record<CipherCapability, true>;
const HASH_KEYS = { md5: true, sha1: true, sha256: true, sha384: true } satisfies Record<IkeHash, true>;

export const ALL_CIPHERS = Object.keys(CIPHER_KEYS) as readonly CipherCapability[];
export const ALL_HASHES = Object.keys(HASH_KEYS) as readonly IkeHash[];
export const ALL_ASYMMETRIC: readonly AsymmetricAlgorithm[] = ['rsa', 'ecdsa'];

export function isCipherCapability(s: string): s is CipherCapability {
  return Object.hasOwn(CIPHER_KEYS, s);
}

export function isIkeHash(s: string): s is IkeHash {
  return Object.hasOwn(HASH_KEYS, s);
}

/** True when the engine offers at least one algorithm of the class. */
export function offersClass(engine: CryptoEngine, cls: CapabilityClass): boolean {
  switch (cls) {
    case 'cipher': return engine.ciphers.size > 0;
    case 'hash': return engine.hashes.size > 0;
    case 'dh': return engine.dhGroups.size > 0;
    case 'asymmetric': return engine.asymmetric.size > 0;
  }
}

/** The CPU engine: everything in the vocabulary (Node's OpenSSL for IKE, the kernel's generic code for ESP). */
export function softwareEngine(): CryptoEngine {
  return {
    id: 'software',
    name: 'Software Crypto Engine',
    kind: 'software',
    driver: 'generic',
    location: 'N/A',
    ciphers: new Set(ALL_CIPHERS),
    hashes: new Set(ALL_HASHES),
    dhGroups: new Set(DH_GROUPS),
    asymmetric: new Set(ALL_ASYMMETRIC),
  };
}

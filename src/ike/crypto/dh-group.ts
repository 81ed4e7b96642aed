/** The Diffie-Hellman groups IKEv1 negotiates, by their IANA group numbers. */
export type DhGroupId = 1 | 2 | 5 | 14 | 15 | 16 | 19 | 20 | 24;

export const DH_GROUP_IDS: readonly DhGroupId[] = [1, 2, 5, 14, 15, 16, 19, 20, 24];

/** One side's ephemeral key: the KE payload data and the means to reach g^xy. */
export interface DhKeyPair {
  /** KE payload data: a fixed-length big-endian g^x (MODP) or x || y (ECP, RFC 5903). */
  readonly publicValue: Buffer;
  /**
   * g^xy as RFC 2409 uses it: MODP left-padded to the prime's length, ECP the x coordinate
   * only (RFC 5903 section 7). Throws InvalidPublicValueError for a bad peer value.
   */
  sharedSecret(peerPublicValue: Buffer): Buffer;
}

export interface DhGroup {
  readonly id: DhGroupId;
  readonly kind: 'modp' | 'ecp';
  readonly publicValueLength: number;
  readonly sharedSecretLength: number;
  generateKeyPair(): DhKeyPair;
  /** A key pair from a known private value (known-answer tests, reproducible runs). */
  keyPairFromPrivateKey(privateKey: Buffer): DhKeyPair;
  /** Throws InvalidPublicValueError unless the value may be used as the peer's g^x. */
  validatePublicValue(value: Buffer): void;
}

/** A peer's KE data that must not be used: wrong length, out of range, off the curve. */
export class InvalidPublicValueError extends Error {
  constructor(readonly group: DhGroupId, reason: string) {
    super(`invalid DH group ${group} public value: ${reason}`);
    this.name = 'InvalidPublicValueError';
  }
}

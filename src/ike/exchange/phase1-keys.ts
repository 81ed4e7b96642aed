import { IKE_CIPHERS } from '../crypto/cipher';
import { IvChain } from '../crypto/iv';
import { deriveSkeyids, phase1EncryptionKey, skeyidPreSharedKey } from '../crypto/skeyid';
import type { PolicyParameters } from '../../config/model';
import type { CookiePair, Phase1Keys } from '../sa/ike-sa';

/** The exchanged values phase-1 keying depends on (RFC 2409 5). */
export interface Phase1Secrets {
  readonly presharedKey: Buffer;
  /** Nonce payload bodies. */
  readonly niB: Buffer;
  readonly nrB: Buffer;
  readonly gxy: Buffer;
  readonly cookies: CookiePair;
}

/** SKEYID for pre-shared keys, its three children and the cipher key. Throws WeakKeyError. */
export function phase1Keys(suite: PolicyParameters, secrets: Phase1Secrets): Phase1Keys {
  const skeyid = skeyidPreSharedKey(suite.hash, secrets.presharedKey, secrets.niB, secrets.nrB);
  const set = deriveSkeyids(suite.hash, skeyid, secrets.gxy, secrets.cookies.initiator, secrets.cookies.responder);
  return { ...set, encryptionKey: phase1EncryptionKey(suite.hash, suite.encryption, set.skeyidE) };
}

/** The phase-1 CBC chain, starting from hash(g^xi | g^xr). */
export function phase1Ivs(suite: PolicyParameters, gxi: Buffer, gxr: Buffer): IvChain {
  return new IvChain(suite.hash, IKE_CIPHERS[suite.encryption].blockSize, gxi, gxr);
}

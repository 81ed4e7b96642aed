import { IKE_CIPHERS, isWeakKey, WeakKeyError, type IkeCipher } from './cipher';
import { hash, type IkeHash } from './hash';
import { prf } from './prf';

/**
 * SKEYID and its derivatives, RFC 2409 section 5. Inputs are the bodies of payloads (the "_b"
 * of the RFC: no generic payload header); g^xy is fixed length (see DhKeyPair.sharedSecret).
 */

/** SKEYID for pre-shared key authentication: prf(pre-shared-key, Ni_b | Nr_b). */
export function skeyidPreSharedKey(prfHash: IkeHash, preSharedKey: Buffer, niB: Buffer, nrB: Buffer): Buffer {
  return prf(prfHash, preSharedKey, niB, nrB);
}

/** SKEYID for signature authentication: prf(Ni_b | Nr_b, g^xy). */
export function skeyidSignature(prfHash: IkeHash, niB: Buffer, nrB: Buffer, gxy: Buffer): Buffer {
  return prf(prfHash, Buffer.concat([niB, nrB]), gxy);
}

/** SKEYID for (revised) public key encryption: prf(hash(Ni_b | Nr_b), CKY-I | CKY-R). */
export function skeyidPublicKeyEncryption(prfHash: IkeHash, niB: Buffer, nrB: Buffer, ckyI: Buffer, ckyR: Buffer): Buffer {
  return prf(prfHash, hash(prfHash, niB, nrB), ckyI, ckyR);
}

export interface SkeyidSet {
  skeyid: Buffer;
  /** Source of the IPsec SAs' keys (KEYMAT). */
  skeyidD: Buffer;
  /** Authenticates ISAKMP messages after phase 1 (HASH(1..3), informational). */
  skeyidA: Buffer;
  /** Source of the ISAKMP SA's encryption key. */
  skeyidE: Buffer;
}

/**
 * SKEYID_d = prf(SKEYID, g^xy | CKY-I | CKY-R | 0)
 * SKEYID_a = prf(SKEYID, SKEYID_d | g^xy | CKY-I | CKY-R | 1)
 * SKEYID_e = prf(SKEYID, SKEYID_a | g^xy | CKY-I | CKY-R | 2)
 */
export function deriveSkeyids(prfHash: IkeHash, skeyid: Buffer, gxy: Buffer, ckyI: Buffer, ckyR: Buffer): SkeyidSet {
  const skeyidD = prf(prfHash, skeyid, gxy, ckyI, ckyR, Buffer.from([0]));
  const skeyidA = prf(prfHash, skeyid, skeyidD, gxy, ckyI, ckyR, Buffer.from([1]));
  const skeyidE = prf(prfHash, skeyid, skeyidA, gxy, ckyI, ckyR, Buffer.from([2]));
  return { skeyid, skeyidD, skeyidA, skeyidE };
}

/**
 * The ISAKMP SA's encryption key: the first bytes of SKEYID_e, or when SKEYID_e is too short,
 * of Ka = K1 | K2 | ... with K1 = prf(SKEYID_e, 0) and Kn = prf(SKEYID_e, Kn-1) (RFC 2409
 * appendix B). Throws WeakKeyError for a weak DES/3DES key: nothing can be re-derived from
 * the same exchange, so the negotiation must fail and be started afresh.
 */
export function phase1EncryptionKey(prfHash: IkeHash, cipher: IkeCipher, skeyidE: Buffer): Buffer {
  const { keyLength } = IKE_CIPHERS[cipher];
  let material = skeyidE;
  if (skeyidE.length < keyLength) {
    const blocks: Buffer[] = [];
    let k: Buffer = Buffer.from([0]);
    for (let length = 0; length < keyLength; length += k.length) {
      k = prf(prfHash, skeyidE, k);
      blocks.push(k);
    }
    material = Buffer.concat(blocks);
  }
  const key = Buffer.from(material.subarray(0, keyLength));
  if (isWeakKey(cipher, key)) throw new WeakKeyError(cipher);
  return key;
}

/** What HASH_I and HASH_R cover besides SKEYID (RFC 2409 section 5). */
export interface Phase1HashInput {
  gxi: Buffer;
  gxr: Buffer;
  ckyI: Buffer;
  ckyR: Buffer;
  /** The initiator's SA payload body, in both hashes. */
  saiB: Buffer;
}

/** HASH_I = prf(SKEYID, g^xi | g^xr | CKY-I | CKY-R | SAi_b | IDii_b). */
export function hashI(prfHash: IkeHash, skeyid: Buffer, input: Phase1HashInput, idiiB: Buffer): Buffer {
  return prf(prfHash, skeyid, input.gxi, input.gxr, input.ckyI, input.ckyR, input.saiB, idiiB);
}

/** HASH_R = prf(SKEYID, g^xr | g^xi | CKY-R | CKY-I | SAi_b | IDir_b). */
export function hashR(prfHash: IkeHash, skeyid: Buffer, input: Phase1HashInput, idirB: Buffer): Buffer {
  return prf(prfHash, skeyid, input.gxr, input.gxi, input.ckyR, input.ckyI, input.saiB, idirB);
}

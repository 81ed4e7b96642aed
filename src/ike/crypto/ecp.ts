import { ECDH } from 'node:crypto';
import { nativeEcpKeyPair, nativeEcpSharedSecret, type NativeCurve } from '../../native/ike-crypto';
import { InvalidPublicValueError, type DhGroup, type DhKeyPair } from './dh-group';

/** ECP groups of RFC 5903: 19 is NIST P-256, 20 is NIST P-384. */
export type EcpGroupId = 19 | 20;

const CURVES: Readonly<Record<EcpGroupId, { curve: NativeCurve; fieldLength: number }>> = {
  19: { curve: 'prime256v1', fieldLength: 32 },
  20: { curve: 'secp384r1', fieldLength: 48 },
};

/** SEC 1 tag of an uncompressed point, which RFC 5903 section 7 leaves off the wire. */
const UNCOMPRESSED = Buffer.from([0x04]);

/** Key generation and g^xy run in the addon (native/src/ike_ecp.cc says why). */
export class EcpGroup implements DhGroup {
  readonly kind = 'ecp';
  readonly curve: NativeCurve;
  /** x || y, each coordinate the field's size. */
  readonly publicValueLength: number;
  /** The x coordinate of the shared point. */
  readonly sharedSecretLength: number;
  private readonly fieldLength: number;

  constructor(readonly id: EcpGroupId) {
    const { curve, fieldLength } = CURVES[id];
    this.curve = curve;
    this.fieldLength = fieldLength;
    this.publicValueLength = 2 * fieldLength;
    this.sharedSecretLength = fieldLength;
  }

  generateKeyPair(): DhKeyPair {
    return this.keyPair(nativeEcpKeyPair(this.curve, this.fieldLength));
  }

  keyPairFromPrivateKey(privateKey: Buffer): DhKeyPair {
    return this.keyPair(nativeEcpKeyPair(this.curve, this.fieldLength, privateKey));
  }

  validatePublicValue(value: Buffer): void {
    this.checkLength(value);
    try {
      // Decoding checks that the point lies on the curve.
      ECDH.convertKey(Buffer.concat([UNCOMPRESSED, value]), this.curve);
    } catch {
      throw new InvalidPublicValueError(this.id, `not a point on ${this.curve}`);
    }
  }

  /** The shared point's x coordinate; the peer's value is checked to be a curve point first. */
  computeSharedSecret(privateKey: Buffer, peerPublicValue: Buffer): Buffer {
    this.checkLength(peerPublicValue);
    const secret = nativeEcpSharedSecret(this.curve, privateKey, peerPublicValue);
    if (!secret) throw new InvalidPublicValueError(this.id, `not a point on ${this.curve}`);
    return secret;
  }

  /** d || x || y from the addon: the private scalar and the public value x || y. */
  private keyPair(dxy: Buffer): DhKeyPair {
    return new EcpKeyPair(this, dxy.subarray(0, this.fieldLength), dxy.subarray(this.fieldLength));
  }

  private checkLength(value: Buffer): void {
    if (value.length !== this.publicValueLength) {
      throw new InvalidPublicValueError(this.id, `${value.length} bytes, expected ${this.publicValueLength}`);
    }
  }
}

class EcpKeyPair implements DhKeyPair {
  readonly #group: EcpGroup;
  readonly #privateKey: Buffer;

  constructor(group: EcpGroup, privateKey: Buffer, readonly publicValue: Buffer) {
    this.#group = group;
    this.#privateKey = privateKey;
  }

  sharedSecret(peerPublicValue: Buffer): Buffer {
    return this.#group.computeSharedSecret(this.#privateKey, peerPublicValue);
  }
}

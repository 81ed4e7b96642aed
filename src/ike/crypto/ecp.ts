import { createECDH, ECDH } from 'node:crypto';
import { leftPad } from './bytes';
import { InvalidPublicValueError, type DhGroup, type DhKeyPair } from './dh-group';

/** ECP groups of RFC 5903: 19 is NIST P-256, 20 is NIST P-384. */
export type EcpGroupId = 19 | 20;

const CURVES: Readonly<Record<EcpGroupId, { curve: string; fieldLength: number }>> = {
  19: { curve: 'prime256v1', fieldLength: 32 },
  20: { curve: 'secp384r1', fieldLength: 48 },
};

/** SEC 1 tag of an uncompressed point, which RFC 5903 section 7 leaves off the wire. */
const UNCOMPRESSED = Buffer.from([0x04]);

export class EcpGroup implements DhGroup {
  readonly kind = 'ecp';
  readonly curve: string;
  /** x || y, each coordinate the field's size. */
  readonly publicValueLength: number;
  /** The x coordinate of the shared point. */
  readonly sharedSecretLength: number;

  constructor(readonly id: EcpGroupId) {
    const { curve, fieldLength } = CURVES[id];
    this.curve = curve;
    this.publicValueLength = 2 * fieldLength;
    this.sharedSecretLength = fieldLength;
  }

  generateKeyPair(): DhKeyPair {
    const ecdh = createECDH(this.curve);
    ecdh.generateKeys();
    return new EcpKeyPair(this, ecdh);
  }

  keyPairFromPrivateKey(privateKey: Buffer): DhKeyPair {
    const ecdh = createECDH(this.curve);
    ecdh.setPrivateKey(privateKey);
    return new EcpKeyPair(this, ecdh);
  }

  validatePublicValue(value: Buffer): void {
    const point = this.toSec1(value);
    try {
      // Decoding checks that the point lies on the curve.
      ECDH.convertKey(point, this.curve);
    } catch {
      throw new InvalidPublicValueError(this.id, `not a point on ${this.curve}`);
    }
  }

  /** The shared point's x coordinate; OpenSSL rejects off-curve points as it computes. */
  computeSharedSecret(ecdh: ECDH, peerPublicValue: Buffer): Buffer {
    const point = this.toSec1(peerPublicValue);
    let secret: Buffer;
    try {
      secret = ecdh.computeSecret(point);
    } catch {
      throw new InvalidPublicValueError(this.id, `not a point on ${this.curve}`);
    }
    return leftPad(secret, this.sharedSecretLength);
  }

  /** The wire form x || y as OpenSSL's uncompressed point, after checking its length. */
  private toSec1(value: Buffer): Buffer {
    if (value.length !== this.publicValueLength) {
      throw new InvalidPublicValueError(this.id, `${value.length} bytes, expected ${this.publicValueLength}`);
    }
    return Buffer.concat([UNCOMPRESSED, value]);
  }
}

class EcpKeyPair implements DhKeyPair {
  readonly #group: EcpGroup;
  readonly #ecdh: ECDH;
  readonly publicValue: Buffer;

  constructor(group: EcpGroup, ecdh: ECDH) {
    this.#group = group;
    this.#ecdh = ecdh;
    // Uncompressed output is 0x04 || x || y with fixed-size coordinates.
    this.publicValue = ecdh.getPublicKey().subarray(1);
  }

  sharedSecret(peerPublicValue: Buffer): Buffer {
    return this.#group.computeSharedSecret(this.#ecdh, peerPublicValue);
  }
}

import { createDiffieHellman, randomBytes, type DiffieHellman } from 'node:crypto';
import { leftPad } from './bytes';
import { InvalidPublicValueError, type DhGroup, type DhKeyPair } from './dh-group';

/** MODP groups: RFC 2409 section 6 (1, 2), RFC 3526 (5, 14, 15, 16), RFC 5114 section 2.3 (24). */
export type ModpGroupId = 1 | 2 | 5 | 14 | 15 | 16 | 24;

interface ModpParameters {
  /** Hex words as the RFCs print them. */
  prime: readonly string[];
  generator: readonly string[];
  /** Prime order of the generator's subgroup, where it is not (p-1)/2 (RFC 5114 groups). */
  order?: readonly string[];
  /**
   * Private exponent size. Safe-prime groups: twice the group's strength, the lengths RFC 7919
   * section 5.2 gives and OpenSSL uses for these primes (160 bits for the two small Oakley
   * groups, whose strength is below 80 bits). RFC 5114 groups: the size of q.
   */
  privateKeyBits: number;
}

const OAKLEY_1: readonly string[] = [
  'FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1 29024E08 8A67CC74',
  '020BBEA6 3B139B22 514A0879 8E3404DD EF9519B3 CD3A431B 302B0A6D F25F1437',
  '4FE1356D 6D51C245 E485B576 625E7EC6 F44C42E9 A63A3620 FFFFFFFF FFFFFFFF',
];

const OAKLEY_2: readonly string[] = [
  'FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1 29024E08 8A67CC74',
  '020BBEA6 3B139B22 514A0879 8E3404DD EF9519B3 CD3A431B 302B0A6D F25F1437',
  '4FE1356D 6D51C245 E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED',
  'EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE65381 FFFFFFFF FFFFFFFF',
];

const RFC3526_1536: readonly string[] = [
  'FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1 29024E08 8A67CC74',
  '020BBEA6 3B139B22 514A0879 8E3404DD EF9519B3 CD3A431B 302B0A6D F25F1437',
  '4FE1356D 6D51C245 E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED',
  'EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE45B3D C2007CB8 A163BF05',
  '98DA4836 1C55D39A 69163FA8 FD24CF5F 83655D23 DCA3AD96 1C62F356 208552BB',
  '9ED52907 7096966D 670C354E 4ABC9804 F1746C08 CA237327 FFFFFFFF FFFFFFFF',
];

const RFC3526_2048: readonly string[] = [
  'FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1 29024E08 8A67CC74',
  '020BBEA6 3B139B22 514A0879 8E3404DD EF9519B3 CD3A431B 302B0A6D F25F1437',
  '4FE1356D 6D51C245 E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED',
  'EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE45B3D C2007CB8 A163BF05',
  '98DA4836 1C55D39A 69163FA8 FD24CF5F 83655D23 DCA3AD96 1C62F356 208552BB',
  '9ED52907 7096966D 670C354E 4ABC9804 F1746C08 CA18217C 32905E46 2E36CE3B',
  'E39E772C 180E8603 9B2783A2 EC07A28F B5C55DF0 6F4C52C9 DE2BCBF6 95581718',
  '3995497C EA956AE5 15D22618 98FA0510 15728E5A 8AACAA68 FFFFFFFF FFFFFFFF',
];

const RFC3526_3072: readonly string[] = [
  'FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1 29024E08 8A67CC74',
  '020BBEA6 3B139B22 514A0879 8E3404DD EF9519B3 CD3A431B 302B0A6D F25F1437',
  '4FE1356D 6D51C245 E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED',
  'EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE45B3D C2007CB8 A163BF05',
  '98DA4836 1C55D39A 69163FA8 FD24CF5F 83655D23 DCA3AD96 1C62F356 208552BB',
  '9ED52907 7096966D 670C354E 4ABC9804 F1746C08 CA18217C 32905E46 2E36CE3B',
  'E39E772C 180E8603 9B2783A2 EC07A28F B5C55DF0 6F4C52C9 DE2BCBF6 95581718',
  '3995497C EA956AE5 15D22618 98FA0510 15728E5A 8AAAC42D AD33170D 04507A33',
  'A85521AB DF1CBA64 ECFB8504 58DBEF0A 8AEA7157 5D060C7D B3970F85 A6E1E4C7',
  'ABF5AE8C DB0933D7 1E8C94E0 4A25619D CEE3D226 1AD2EE6B F12FFA06 D98A0864',
  'D8760273 3EC86A64 521F2B18 177B200C BBE11757 7A615D6C 770988C0 BAD946E2',
  '08E24FA0 74E5AB31 43DB5BFC E0FD108E 4B82D120 A93AD2CA FFFFFFFF FFFFFFFF',
];

const RFC3526_4096: readonly string[] = [
  'FFFFFFFF FFFFFFFF C90FDAA2 2168C234 C4C6628B 80DC1CD1 29024E08 8A67CC74',
  '020BBEA6 3B139B22 514A0879 8E3404DD EF9519B3 CD3A431B 302B0A6D F25F1437',
  '4FE1356D 6D51C245 E485B576 625E7EC6 F44C42E9 A637ED6B 0BFF5CB6 F406B7ED',
  'EE386BFB 5A899FA5 AE9F2411 7C4B1FE6 49286651 ECE45B3D C2007CB8 A163BF05',
  '98DA4836 1C55D39A 69163FA8 FD24CF5F 83655D23 DCA3AD96 1C62F356 208552BB',
  '9ED52907 7096966D 670C354E 4ABC9804 F1746C08 CA18217C 32905E46 2E36CE3B',
  'E39E772C 180E8603 9B2783A2 EC07A28F B5C55DF0 6F4C52C9 DE2BCBF6 95581718',
  '3995497C EA956AE5 15D22618 98FA0510 15728E5A 8AAAC42D AD33170D 04507A33',
  'A85521AB DF1CBA64 ECFB8504 58DBEF0A 8AEA7157 5D060C7D B3970F85 A6E1E4C7',
  'ABF5AE8C DB0933D7 1E8C94E0 4A25619D CEE3D226 1AD2EE6B F12FFA06 D98A0864',
  'D8760273 3EC86A64 521F2B18 177B200C BBE11757 7A615D6C 770988C0 BAD946E2',
  '08E24FA0 74E5AB31 43DB5BFC E0FD108E 4B82D120 A9210801 1A723C12 A787E6D7',
  '88719A10 BDBA5B26 99C32718 6AF4E23C 1A946834 B6150BDA 2583E9CA 2AD44CE8',
  'DBBBC2DB 04DE8EF9 2E8EFC14 1FBECAA6 287C5947 4E6BC05D 99B2964F A090C3A2',
  '233BA186 515BE7ED 1F612970 CEE2D7AF B81BDD76 2170481C D0069127 D5B05AA9',
  '93B4EA98 8D8FDDC1 86FFB7DC 90A6C08F 4DF435C9 34063199 FFFFFFFF FFFFFFFF',
];

const RFC5114_2048_256_P: readonly string[] = [
  '87A8E61D B4B6663C FFBBD19C 65195999 8CEEF608 660DD0F2 5D2CEED4 435E3B00',
  'E00DF8F1 D61957D4 FAF7DF45 61B2AA30 16C3D911 34096FAA 3BF4296D 830E9A7C',
  '209E0C64 97517ABD 5A8A9D30 6BCF67ED 91F9E672 5B4758C0 22E0B1EF 4275BF7B',
  '6C5BFC11 D45F9088 B941F54E B1E59BB8 BC39A0BF 12307F5C 4FDB70C5 81B23F76',
  'B63ACAE1 CAA6B790 2D525267 35488A0E F13C6D9A 51BFA4AB 3AD83477 96524D8E',
  'F6A167B5 A41825D9 67E144E5 14056425 1CCACB83 E6B486F6 B3CA3F79 71506026',
  'C0B857F6 89962856 DED4010A BD0BE621 C3A3960A 54E710C3 75F26375 D7014103',
  'A4B54330 C198AF12 6116D227 6E11715F 693877FA D7EF09CA DB094AE9 1E1A1597',
];

const RFC5114_2048_256_G: readonly string[] = [
  '3FB32C9B 73134D0B 2E775066 60EDBD48 4CA7B18F 21EF2054 07F4793A 1A0BA125',
  '10DBC150 77BE463F FF4FED4A AC0BB555 BE3A6C1B 0C6B47B1 BC3773BF 7E8C6F62',
  '901228F8 C28CBB18 A55AE313 41000A65 0196F931 C77A57F2 DDF463E5 E9EC144B',
  '777DE62A AAB8A862 8AC376D2 82D6ED38 64E67982 428EBC83 1D14348F 6F2F9193',
  'B5045AF2 767164E1 DFC967C1 FB3F2E55 A4BD1BFF E83B9C80 D052B985 D182EA0A',
  'DB2A3B73 13D3FE14 C8484B1E 052588B9 B7D2BBD2 DF016199 ECD06E15 57CD0915',
  'B3353BBB 64E0EC37 7FD02837 0DF92B52 C7891428 CDC67EB6 184B523D 1DB246C3',
  '2F630784 90F00EF8 D647D148 D4795451 5E2327CF EF98C582 664B4C0F 6CC41659',
];

const RFC5114_2048_256_Q: readonly string[] = [
  '8CF83642 A709A097 B4479976 40129DA2 99B1A47D 1EB3750B A308B0FE 64F5FBD3',
];

const PARAMETERS: Readonly<Record<ModpGroupId, ModpParameters>> = {
  1: { prime: OAKLEY_1, generator: ['02'], privateKeyBits: 160 },
  2: { prime: OAKLEY_2, generator: ['02'], privateKeyBits: 160 },
  5: { prime: RFC3526_1536, generator: ['02'], privateKeyBits: 200 },
  14: { prime: RFC3526_2048, generator: ['02'], privateKeyBits: 225 },
  15: { prime: RFC3526_3072, generator: ['02'], privateKeyBits: 275 },
  16: { prime: RFC3526_4096, generator: ['02'], privateKeyBits: 325 },
  24: { prime: RFC5114_2048_256_P, generator: RFC5114_2048_256_G, order: RFC5114_2048_256_Q, privateKeyBits: 256 },
};

function fromWords(words: readonly string[]): Buffer {
  return Buffer.from(words.join('').replace(/ /g, ''), 'hex');
}

function fromBigInt(value: bigint): Buffer {
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 ? `0${hex}` : hex, 'hex');
}

/** 0 and 1 make trivial private exponents. */
function belowTwo(value: Buffer): boolean {
  for (let i = 0; i < value.length - 1; i++) if (value[i] !== 0) return false;
  return value.length === 0 || value[value.length - 1] < 2;
}

export class ModpGroup implements DhGroup {
  readonly kind = 'modp';
  readonly prime: Buffer;
  readonly generator: Buffer;
  readonly order: Buffer | undefined;
  readonly publicValueLength: number;
  readonly sharedSecretLength: number;
  private readonly privateKeyBits: number;
  private readonly one: Buffer;
  private readonly primeMinusOne: Buffer;
  // One OpenSSL context per group, its private key swapped per operation (all calls are
  // synchronous): creating one costs 20-30 ms for groups 1 and 2, whose primes OpenSSL does
  // not know and so tests for primality.
  private engine: DiffieHellman | undefined;
  private subgroupEngine: DiffieHellman | undefined;

  constructor(readonly id: ModpGroupId) {
    const parameters = PARAMETERS[id];
    this.prime = fromWords(parameters.prime);
    this.generator = fromWords(parameters.generator);
    this.order = parameters.order && fromWords(parameters.order);
    this.privateKeyBits = parameters.privateKeyBits;
    this.publicValueLength = this.sharedSecretLength = this.prime.length;
    this.one = leftPad(Buffer.from([1]), this.prime.length);
    this.primeMinusOne = leftPad(fromBigInt(BigInt(`0x${this.prime.toString('hex')}`) - 1n), this.prime.length);
  }

  generateKeyPair(): DhKeyPair {
    return this.keyPairFromPrivateKey(this.randomPrivateKey());
  }

  keyPairFromPrivateKey(privateKey: Buffer): DhKeyPair {
    if (belowTwo(privateKey)) throw new RangeError('MODP private key must be at least 2');
    const engine = this.getEngine();
    engine.setPrivateKey(privateKey);
    const publicValue = leftPad(engine.generateKeys(), this.publicValueLength);
    return new ModpKeyPair(this, Buffer.from(privateKey), publicValue);
  }

  validatePublicValue(value: Buffer): void {
    if (value.length !== this.publicValueLength) {
      throw new InvalidPublicValueError(this.id, `${value.length} bytes, expected ${this.publicValueLength}`);
    }
    // Same-length big-endian buffers compare as the numbers they hold.
    if (Buffer.compare(value, this.one) <= 0) throw new InvalidPublicValueError(this.id, 'not greater than 1');
    if (Buffer.compare(value, this.primeMinusOne) >= 0) throw new InvalidPublicValueError(this.id, 'not less than p-1');
    if (this.order && !this.inSubgroup(value, this.order)) {
      throw new InvalidPublicValueError(this.id, 'not in the prime-order subgroup (y^q mod p != 1)');
    }
  }

  /** g^xy for our private key and the peer's value, left-padded to the prime's length. */
  computeSharedSecret(privateKey: Buffer, peerPublicValue: Buffer): Buffer {
    this.validatePublicValue(peerPublicValue);
    const engine = this.getEngine();
    engine.setPrivateKey(privateKey);
    // OpenSSL's own range check cannot fail on a value validated above.
    return leftPad(engine.computeSecret(peerPublicValue), this.sharedSecretLength);
  }

  private getEngine(): DiffieHellman {
    this.engine ??= createDiffieHellman(this.prime, this.generator);
    return this.engine;
  }

  /**
   * y^q mod p == 1, computed as y^(q+1) mod p == y by OpenSSL's modular exponentiation
   * (about ten times faster than BigInt), which does not check subgroup membership itself.
   * OpenSSL refuses to return a result of 1; for 1 < y < p-1 that cannot happen here, as
   * gcd(q+1, p-1) = 2 leaves 1 and p-1, both refused above, as the only such elements.
   */
  private inSubgroup(value: Buffer, order: Buffer): boolean {
    if (!this.subgroupEngine) {
      this.subgroupEngine = createDiffieHellman(this.prime, this.generator);
      this.subgroupEngine.setPrivateKey(fromBigInt(BigInt(`0x${order.toString('hex')}`) + 1n));
    }
    return leftPad(this.subgroupEngine.computeSecret(value), this.prime.length).equals(value);
  }

  private randomPrivateKey(): Buffer {
    const bytes = Math.ceil(this.privateKeyBits / 8);
    for (;;) {
      const candidate = randomBytes(bytes);
      candidate[0] &= 0xff >> (bytes * 8 - this.privateKeyBits);
      // Rejection sampling keeps RFC 5114 exponents uniform in [2, q-1].
      if (!belowTwo(candidate) && (!this.order || Buffer.compare(candidate, this.order) < 0)) return candidate;
    }
  }
}

class ModpKeyPair implements DhKeyPair {
  readonly #group: ModpGroup;
  readonly #privateKey: Buffer;

  constructor(group: ModpGroup, privateKey: Buffer, readonly publicValue: Buffer) {
    this.#group = group;
    this.#privateKey = privateKey;
  }

  sharedSecret(peerPublicValue: Buffer): Buffer {
    return this.#group.computeSharedSecret(this.#privateKey, peerPublicValue);
  }
}

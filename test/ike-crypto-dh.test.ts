import t, { type Test } from 'tap';
import { checkPrime, getDiffieHellman } from 'node:crypto';
import { promisify } from 'node:util';
import { dhGroup } from '../src/ike/crypto/dh';
import { DH_GROUP_IDS, InvalidPublicValueError } from '../src/ike/crypto/dh-group';
import { EcpGroup } from '../src/ike/crypto/ecp';
import { ModpGroup, type ModpGroupId } from '../src/ike/crypto/modp';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const toBig = (b: Buffer) => BigInt(`0x${b.toString('hex') || '0'}`);
const toBuf = (v: bigint, length: number) => Buffer.from(v.toString(16).padStart(2 * length, '0'), 'hex');
const isPrime = promisify(checkPrime);

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  for (let b = base % modulus, e = exponent; e > 0n; e >>= 1n, b = (b * b) % modulus) if (e & 1n) result = (result * b) % modulus;
  return result;
}

/** floor(pi * 2^bits), by Machin's formula in fixed point with guard bits. */
function piTimesPowerOfTwo(bits: number): bigint {
  const guard = 64n;
  const one = 1n << (BigInt(bits) + guard);
  const arctanInverse = (x: bigint) => {
    let sum = 0n;
    for (let term = one / x, n = 1n, sign = 1n; term !== 0n; term /= x * x, n += 2n, sign = -sign) sum += (sign * term) / n;
    return sum;
  };
  return (16n * arctanInverse(5n) - 4n * arctanInverse(239n)) >> guard;
}

// RFC 2409 section 6 and RFC 3526 define each prime as 2^n - 2^(n-64) - 1 + 2^64 * ([2^(n-130) pi] + k).
const SAFE_PRIMES: [ModpGroupId, number, bigint, string][] = [
  [1, 768, 149686n, 'modp1'], [2, 1024, 129093n, 'modp2'], [5, 1536, 741804n, 'modp5'],
  [14, 2048, 124476n, 'modp14'], [15, 3072, 1690314n, 'modp15'], [16, 4096, 240904n, 'modp16'],
];

t.test('MODP primes are the published ones', async (t) => {
  for (const [id, bits, k, nodeName] of SAFE_PRIMES) {
    const group = new ModpGroup(id);
    const n = BigInt(bits);
    const published = (1n << n) - (1n << (n - 64n)) - 1n + (1n << 64n) * (piTimesPowerOfTwo(bits - 130) + k);
    t.equal(toBig(group.prime), published, `group ${id}: the RFC's formula`);
    t.same(group.prime, getDiffieHellman(nodeName).getPrime(), `group ${id}: OpenSSL's ${nodeName}`);
    t.same(group.generator, Buffer.from([2]));
    t.equal(group.publicValueLength, bits / 8);
  }
});

// Groups 15 and 16 are left out: OpenSSL needs about 13 s of CPU to test their 3072- and
// 4096-bit p and (p-1)/2 (Node ignores a lower `checks`), and the formula test above already
// pins them to the RFC.
t.test('MODP primes up to 2048 bits are safe primes', async (t) => {
  const checks = SAFE_PRIMES.filter(([, bits]) => bits <= 2048).flatMap(([id]) => {
    const p = toBig(new ModpGroup(id).prime);
    return [isPrime(p).then((ok) => t.ok(ok, `group ${id} p`)), isPrime((p - 1n) / 2n).then((ok) => t.ok(ok, `group ${id} (p-1)/2`))];
  });
  await Promise.all(checks);
});

t.test('group 24 has the RFC 5114 parameters and a prime-order generator', async (t) => {
  const group = new ModpGroup(24);
  const [p, g, q] = [toBig(group.prime), toBig(group.generator), toBig(group.order as Buffer)];
  // First and last words as printed in RFC 5114 section 2.3.
  t.equal(group.prime.subarray(0, 8).toString('hex'), '87a8e61db4b6663c');
  t.equal(group.prime.subarray(-4).toString('hex'), '1e1a1597');
  t.equal(group.generator.subarray(0, 8).toString('hex'), '3fb32c9b73134d0b');
  t.equal(q.toString(16), '8cf83642a709a097b447997640129da299b1a47d1eb3750ba308b0fe64f5fbd3');
  t.equal(group.prime.length, 256);
  t.equal(modPow(g, q, p), 1n, 'g^q mod p == 1');
  t.equal((p - 1n) % q, 0n, 'q divides p-1');
  t.ok(await isPrime(p), 'p is prime');
  t.ok(await isPrime(q), 'q is prime');
});

// RFC 5903 section 8: private keys i and r, public values, and the shared x coordinate.
const RFC5903 = {
  19: {
    i: 'C88F01F5 10D9AC3F 70A292DA A2316DE5 44E9AAB8 AFE84049 C62A9C57 862D1433',
    gix: 'DAD0B653 94221CF9 B051E1FE CA5787D0 98DFE637 FC90B9EF 945D0C37 72581180',
    giy: '5271A046 1CDB8252 D61F1C45 6FA3E59A B1F45B33 ACCF5F58 389E0577 B8990BB3',
    r: 'C6EF9C5D 78AE012A 011164AC B397CE20 88685D8F 06BF9BE0 B283AB46 476BEE53',
    grx: 'D12DFB52 89C8D4F8 1208B702 70398C34 2296970A 0BCCB74C 736FC755 4494BF63',
    gry: '56FBF3CA 366CC23E 8157854C 13C58D6A AC23F046 ADA30F83 53E74F33 039872AB',
    girx: 'D6840F6B 42F6EDAF D13116E0 E1256520 2FEF8E9E CE7DCE03 812464D0 4B9442DE',
  },
  20: {
    i: `099F3C70 34D4A2C6 99884D73 A375A67F 7624EF7C 6B3C0F16 0647B674 14DCE655
        E35B5380 41E649EE 3FAEF896 783AB194`,
    gix: `667842D7 D180AC2C DE6F74F3 7551F557 55C7645C 20EF73E3 1634FE72 B4C55EE6
          DE3AC808 ACB4BDB4 C88732AE E95F41AA`,
    giy: `9482ED1F C0EEB9CA FC498462 5CCFC23F 65032149 E0E144AD A0241815 35A0F38E
          EB9FCFF3 C2C947DA E69B4C63 4573A81C`,
    r: `41CB0779 B4BDB85D 47846725 FBEC3C94 30FAB46C C8DC5060 855CC9BD A0AA2942
        E0308312 916B8ED2 960E4BD5 5A7448FC`,
    grx: `E558DBEF 53EECDE3 D3FCCFC1 AEA08A89 A987475D 12FD950D 83CFA417 32BC509D
          0D1AC43A 0336DEF9 6FDA41D0 774A3571`,
    gry: `DCFBEC7A ACF31964 72169E83 8430367F 66EEBE3C 6E70C416 DD5F0C68 759DD1FF
          F83FA401 42209DFF 5EAAD96D B9E6386C`,
    girx: `11187331 C279962D 93D60424 3FD592CB 9D0A926F 422E4718 7521287E 7156C5C4
           D6031355 69B9E9D0 9CF5D4A2 70F59746`,
  },
} as const;

t.test('ECP groups reproduce the RFC 5903 section 8 vectors', async (t) => {
  for (const id of [19, 20] as const) {
    const v = RFC5903[id];
    const group = dhGroup(id);
    const initiator = group.keyPairFromPrivateKey(hex(v.i));
    const responder = group.keyPairFromPrivateKey(hex(v.r));
    const gi = Buffer.concat([hex(v.gix), hex(v.giy)]);
    const gr = Buffer.concat([hex(v.grx), hex(v.gry)]);
    t.same(initiator.publicValue, gi, `group ${id}: KEi data is gix | giy`);
    t.same(responder.publicValue, gr, `group ${id}: KEr data is grx | gry`);
    t.same(initiator.sharedSecret(gr), hex(v.girx), `group ${id}: initiator's g^ir is girx`);
    t.same(responder.sharedSecret(gi), hex(v.girx), `group ${id}: responder's g^ir is girx`);
  }
});

t.test('MODP key pairs compute g^x and g^xy, left-padded to the prime length', async (t) => {
  for (const id of [1, 2, 5, 14, 15, 16, 24] as const) {
    const group = new ModpGroup(id);
    const [p, g] = [toBig(group.prime), toBig(group.generator)];
    const x = 0x1234567890abcdefn;
    const pair = group.keyPairFromPrivateKey(toBuf(x, 8));
    t.same(pair.publicValue, toBuf(modPow(g, x, p), group.publicValueLength), `group ${id}: g^x`);
    const y = 0xfedcba0987654321n;
    const peer = toBuf(modPow(g, y, p), group.publicValueLength);
    t.same(pair.sharedSecret(peer), toBuf(modPow(g, x * y, p), group.sharedSecretLength), `group ${id}: g^xy`);
  }
  // With g = 2 and small exponents the values are tiny numbers: mostly leading zeros.
  const group = dhGroup(14);
  const pair = group.keyPairFromPrivateKey(Buffer.from([100]));
  t.same(pair.publicValue, toBuf(2n ** 100n, 256), 'short g^x padded');
  t.same(pair.sharedSecret(toBuf(2n ** 5n, 256)), toBuf(2n ** 500n, 256), 'short g^xy padded');
  t.throws(() => group.keyPairFromPrivateKey(Buffer.from([1])), RangeError);
  t.throws(() => group.keyPairFromPrivateKey(Buffer.alloc(4)), RangeError);
});

t.test('every group: both sides reach the same secret', async (t) => {
  for (const id of DH_GROUP_IDS) {
    const group = dhGroup(id);
    t.equal(group.id, id);
    const a = group.generateKeyPair();
    const b = group.generateKeyPair();
    t.equal(a.publicValue.length, group.publicValueLength, `group ${id} public value length`);
    t.notSame(a.publicValue, b.publicValue);
    group.validatePublicValue(a.publicValue);
    const secret = a.sharedSecret(b.publicValue);
    t.equal(secret.length, group.sharedSecretLength, `group ${id} secret length`);
    t.same(b.sharedSecret(a.publicValue), secret, `group ${id} agrees`);
  }
  t.same(DH_GROUP_IDS.map((id) => [id, dhGroup(id).kind, dhGroup(id).publicValueLength, dhGroup(id).sharedSecretLength]), [
    [1, 'modp', 96, 96], [2, 'modp', 128, 128], [5, 'modp', 192, 192], [14, 'modp', 256, 256], [15, 'modp', 384, 384],
    [16, 'modp', 512, 512], [19, 'ecp', 64, 32], [20, 'ecp', 96, 48], [24, 'modp', 256, 256],
  ]);
});

function rejects(t: Test, id: (typeof DH_GROUP_IDS)[number], value: Buffer, what: string): void {
  const group = dhGroup(id);
  const pair = group.generateKeyPair();
  t.throws(() => group.validatePublicValue(value), InvalidPublicValueError, `group ${id}: validate rejects ${what}`);
  t.throws(() => pair.sharedSecret(value), InvalidPublicValueError, `group ${id}: sharedSecret rejects ${what}`);
}

t.test('MODP public values outside 1 < y < p-1 or of the wrong length are rejected', async (t) => {
  for (const id of [1, 2, 5, 14, 15, 16, 24] as const) {
    const group = new ModpGroup(id);
    const p = toBig(group.prime);
    const length = group.publicValueLength;
    rejects(t, id, toBuf(0n, length), '0');
    rejects(t, id, toBuf(1n, length), '1');
    rejects(t, id, toBuf(p - 1n, length), 'p-1');
    rejects(t, id, toBuf(p, length), 'p');
    rejects(t, id, Buffer.alloc(length, 0xff), 'a value above p');
    const good = group.generateKeyPair().publicValue;
    rejects(t, id, good.subarray(1), 'one byte short');
    rejects(t, id, Buffer.concat([Buffer.alloc(1), good]), 'one byte long');
  }
  t.doesNotThrow(() => dhGroup(14).validatePublicValue(toBuf(primeOf(14) - 2n, 256)), 'p-2 is in range');
});

function primeOf(id: ModpGroupId): bigint {
  return toBig(new ModpGroup(id).prime);
}

t.test('group 24 rejects values outside the order-q subgroup', async (t) => {
  // 2 generates the whole safe-prime group 14 but lies outside group 24's small subgroup.
  t.doesNotThrow(() => dhGroup(14).validatePublicValue(toBuf(2n, 256)));
  rejects(t, 24, toBuf(2n, 256), 'y = 2 (y^q != 1)');
  rejects(t, 24, toBuf(primeOf(24) - 2n, 256), 'y = p-2');
  const group = new ModpGroup(24);
  const inside = toBuf(modPow(toBig(group.generator), 12345n, primeOf(24)), 256);
  t.doesNotThrow(() => group.validatePublicValue(inside), 'g^k is inside');
});

t.test('ECP public values must be x | y of a curve point', async (t) => {
  for (const id of [19, 20] as const) {
    const group = new EcpGroup(id);
    const good = group.generateKeyPair().publicValue;
    t.doesNotThrow(() => group.validatePublicValue(good));
    rejects(t, id, Buffer.concat([Buffer.from([4]), good]), 'the SEC 1 form with its 0x04 tag');
    rejects(t, id, good.subarray(1), 'one byte short');
    rejects(t, id, Buffer.alloc(0), 'an empty value');
    const offCurve = Buffer.from(good);
    offCurve[offCurve.length - 1] ^= 1;
    rejects(t, id, offCurve, 'a point with y changed');
    rejects(t, id, Buffer.alloc(group.publicValueLength), 'all zeros (no encoding of infinity exists)');
    rejects(t, id, Buffer.alloc(group.publicValueLength, 0xff), 'coordinates above the field prime');
  }
});

t.test('ECP private keys: 1 gives G, n-1 gives -G, 0 and n are refused', async (t) => {
  // FIPS 186-4 D.1.2.3 and D.1.2.4: field prime p, order n, generator (Gx, Gy).
  const curves = {
    19: {
      p: 'FFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF',
      n: 'FFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551',
      gx: '6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296',
      gy: '4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5',
    },
    20: {
      p: 'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFFFF0000000000000000FFFFFFFF',
      n: 'FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973',
      gx: 'AA87CA22BE8B05378EB1C71EF320AD746E1D3B628BA79B9859F741E082542A385502F25DBF55296C3A545E3872760AB7',
      gy: '3617DE4A96262C6F5D9E98BF9292DC29F8F41DBD289A147CE9DA3113B5F0B8C00A60B1CE1D7E819D7A431D7C90EA0E5F',
    },
  } as const;
  for (const id of [19, 20] as const) {
    const c = curves[id];
    const group = new EcpGroup(id);
    const size = group.sharedSecretLength;
    const [p, n, gy] = [BigInt(`0x${c.p}`), BigInt(`0x${c.n}`), BigInt(`0x${c.gy}`)];
    const g = Buffer.from(c.gx + c.gy, 'hex');
    t.same(group.keyPairFromPrivateKey(toBuf(1n, size)).publicValue, g, `group ${id}: 1 gives G`);
    t.same(group.keyPairFromPrivateKey(toBuf(n - 1n, size)).publicValue, Buffer.concat([Buffer.from(c.gx, 'hex'), toBuf(p - gy, size)]),
      `group ${id}: n-1 gives -G`);
    // G times 2 through either route: the key pair of 2, and 1's shared secret with 2G.
    const two = group.keyPairFromPrivateKey(Buffer.from([2]));
    t.same(group.keyPairFromPrivateKey(toBuf(1n, size)).sharedSecret(two.publicValue), two.publicValue.subarray(0, size), `group ${id}: 1 x 2G = 2G`);
    t.throws(() => group.keyPairFromPrivateKey(Buffer.alloc(size)), RangeError, `group ${id}: 0 refused`);
    t.throws(() => group.keyPairFromPrivateKey(toBuf(n, size)), RangeError, `group ${id}: n refused`);
  }
});

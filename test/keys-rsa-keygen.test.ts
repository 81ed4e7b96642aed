import t from 'tap';
import { constants, createHash, createPrivateKey, privateEncrypt, publicDecrypt, sign, verify } from 'node:crypto';
import { generateRsaKeyPair, RSA_MODULUS_MAX, RSA_MODULUS_MIN } from '../src/keys/rsa-keygen';

const big = (b64url: string | undefined) => BigInt(`0x${Buffer.from(b64url ?? '', 'base64url').toString('hex') || '0'}`);

t.test('modulus sizes outside 360..4096 are refused', async (t) => {
  t.equal(RSA_MODULUS_MIN, 360);
  t.equal(RSA_MODULUS_MAX, 4096);
  for (const bits of [359, 4097, 0, -512, 512.5, Number.NaN]) {
    await t.rejects(generateRsaKeyPair(bits), RangeError, `${bits}`);
  }
});

t.test('keys have exactly the requested modulus length', async (t) => {
  for (const bits of [360, 361, 511, 512, 513, 1024]) {
    const { privateKey, publicKey } = await generateRsaKeyPair(bits);
    t.equal(publicKey.asymmetricKeyDetails?.modulusLength, bits, `${bits} public`);
    t.equal(privateKey.asymmetricKeyDetails?.modulusLength, bits, `${bits} private`);
    t.equal(publicKey.asymmetricKeyDetails?.publicExponent, 65537n);
    t.equal(privateKey.type, 'private');
    t.equal(publicKey.type, 'public');
  }
});

t.test('hand-built small keys are consistent RSA keys', async (t) => {
  for (const bits of [360, 400, 511]) {
    const { privateKey } = await generateRsaKeyPair(bits);
    const jwk = privateKey.export({ format: 'jwk' });
    const [n, e, d, p, q, dp, dq, qi] = [jwk.n, jwk.e, jwk.d, jwk.p, jwk.q, jwk.dp, jwk.dq, jwk.qi].map(big);
    t.equal(p * q, n, 'n = p q');
    t.not(p, q);
    t.equal((e * d) % (p - 1n), 1n, 'e d = 1 mod p-1');
    t.equal((e * d) % (q - 1n), 1n, 'e d = 1 mod q-1');
    t.equal(dp, d % (p - 1n));
    t.equal(dq, d % (q - 1n));
    t.equal((qi * q) % p, 1n, 'qInv q = 1 mod p');
  }
});

t.test('a 360-bit key signs raw hashes the way IKEv1 RSA signatures do', async (t) => {
  const { privateKey, publicKey } = await generateRsaKeyPair(360);
  const hash = createHash('sha1').update('HASH_I').digest();
  const sig = privateEncrypt({ key: privateKey, padding: constants.RSA_PKCS1_PADDING }, hash);
  t.equal(sig.length, 45);
  t.same(publicDecrypt({ key: publicKey, padding: constants.RSA_PKCS1_PADDING }, sig), hash);
  // The store keeps keys as PKCS#8 PEM: the hand-built key must survive that.
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' });
  t.ok(createPrivateKey(pem).equals(privateKey));
});

t.test('OpenSSL-generated sizes sign and verify', async (t) => {
  for (const bits of [512, 1024]) {
    const { privateKey, publicKey } = await generateRsaKeyPair(bits);
    const data = Buffer.from('ikegate');
    const sig = sign('sha256', data, privateKey);
    t.ok(verify('sha256', data, publicKey, sig), `${bits}`);
    t.notOk(verify('sha256', Buffer.from('other'), publicKey, sig));
  }
});

t.test('the largest size IOS accepts works', async (t) => {
  const { publicKey } = await generateRsaKeyPair(RSA_MODULUS_MAX);
  t.equal(publicKey.asymmetricKeyDetails?.modulusLength, 4096);
});

t.test('keys are fresh each time', async (t) => {
  const [a, b] = await Promise.all([generateRsaKeyPair(360), generateRsaKeyPair(360)]);
  t.notOk(a.publicKey.equals(b.publicKey));
});

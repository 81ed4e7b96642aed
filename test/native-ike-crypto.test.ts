import { createCipheriv, createHash, createHmac, randomBytes } from 'node:crypto';
import t from 'tap';
import { nativeCbc, nativeHash, nativeHmac, type NativeCbcCipher, type NativeDigest } from '../src/native/ike-crypto';

const DIGESTS: NativeDigest[] = ['md5', 'sha1', 'sha256', 'sha384'];
const CIPHERS: Array<[NativeCbcCipher, number, number]> = [
  ['des-cbc', 8, 8], ['des-ede3-cbc', 24, 8], ['aes-128-cbc', 16, 16], ['aes-192-cbc', 24, 16], ['aes-256-cbc', 32, 16],
];

t.test('hash and HMAC equal node:crypto for every IKE hash, key length and split of the input', async (t) => {
  for (const digest of DIGESTS) {
    // Keys shorter than, equal to and longer than the block (64 or 128 bytes), and empty.
    for (const keyLength of [0, 8, 64, 128, 200]) {
      const key = randomBytes(keyLength);
      const parts = [randomBytes(1), Buffer.alloc(0), randomBytes(300).subarray(7, 120)];
      const whole = Buffer.concat(parts);
      t.same(nativeHmac(digest, key, ...parts), createHmac(digest, key).update(whole).digest(), `HMAC-${digest}, ${keyLength}-byte key`);
    }
    t.same(nativeHash(digest), createHash(digest).digest(), `${digest} of nothing`);
    const data = randomBytes(1000);
    t.same(nativeHash(digest, data.subarray(0, 3), data.subarray(3)), createHash(digest).update(data).digest(), `${digest} of two views`);
  }
});

t.test('CBC equals node:crypto without padding, both ways, for every IKE cipher', async (t) => {
  for (const [cipher, keyLength, block] of CIPHERS) {
    const key = randomBytes(keyLength);
    const iv = randomBytes(block);
    const plain = randomBytes(block * 7);
    const e = createCipheriv(cipher, key, iv).setAutoPadding(false);
    const expected = Buffer.concat([e.update(plain), e.final()]);
    const sealed = nativeCbc(cipher, true, key, iv, plain);
    t.same(sealed, expected, `${cipher} encrypts`);
    t.same(nativeCbc(cipher, false, key, iv, sealed), plain, `${cipher} decrypts`);
  }
});

t.test('bad input is refused with a clear error and leaves OpenSSL usable for node:crypto', async (t) => {
  t.throws(() => nativeCbc('aes-128-cbc', true, Buffer.alloc(15), Buffer.alloc(16), Buffer.alloc(16)), /aes-128-cbc: wrong key or IV length/);
  t.throws(() => nativeCbc('aes-128-cbc', true, Buffer.alloc(16), Buffer.alloc(8), Buffer.alloc(16)), /wrong key or IV length/);
  t.throws(() => nativeCbc('aes-128-cbc', true, Buffer.alloc(16), Buffer.alloc(16), Buffer.alloc(17)), /multiple of the block size/);
  t.throws(() => nativeCbc('aes-128-cbc', true, Buffer.alloc(16), Buffer.alloc(16), Buffer.alloc(0)), /multiple of the block size/);
  t.throws(() => nativeCbc('rc4' as NativeCbcCipher, true, Buffer.alloc(16), Buffer.alloc(16), Buffer.alloc(16)), /unsupported cipher rc4/);
  t.throws(() => nativeHmac('sha512' as NativeDigest, Buffer.alloc(4)), /unsupported hash sha512/);
  t.throws(() => nativeHash('sha1', 'text' as unknown as Buffer), /every part must be a Buffer/);
  t.throws(() => nativeHmac('sha1', undefined as unknown as Buffer), /key must be a Buffer/);
  // node:crypto reads OpenSSL's error queue after its own calls: nothing of ours may be left there.
  t.same(createHmac('sha1', 'k').update('m').digest('hex'), createHmac('sha1', Buffer.from('k')).update(Buffer.from('m')).digest('hex'));
  const key = Buffer.alloc(16, 1);
  t.equal(createCipheriv('aes-128-cbc', key, Buffer.alloc(16)).setAutoPadding(false).update(Buffer.alloc(16)).length, 16);
});

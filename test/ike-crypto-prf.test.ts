import t from 'tap';
import { createHash } from 'node:crypto';
import { hash, HASH_LENGTH, type IkeHash } from '../src/ike/crypto/hash';
import { prf } from '../src/ike/crypto/prf';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const text = (s: string) => Buffer.from(s, 'latin1');

// [hash, key, data, expected]: RFC 2202 (MD5, SHA-1) and RFC 4231 (SHA-256, SHA-384).
const VECTORS: [IkeHash, Buffer, Buffer, string][] = [
  ['md5', Buffer.alloc(16, 0x0b), text('Hi There'), '9294727a3638bb1c13f48ef8158bfc9d'],
  ['md5', text('Jefe'), text('what do ya want for nothing?'), '750c783e6ab0b503eaa86e310a5db738'],
  ['md5', Buffer.alloc(16, 0xaa), Buffer.alloc(50, 0xdd), '56be34521d144c88dbb8c733f0e8b3f6'],
  ['md5', Buffer.alloc(80, 0xaa), text('Test Using Larger Than Block-Size Key - Hash Key First'), '6b1ab7fe4bd7bf8f0b62e6ce61b9d0cd'],
  ['sha1', Buffer.alloc(20, 0x0b), text('Hi There'), 'b617318655057264e28bc0b6fb378c8ef146be00'],
  ['sha1', text('Jefe'), text('what do ya want for nothing?'), 'effcdf6ae5eb2fa2d27416d5f184df9c259a7c79'],
  ['sha1', Buffer.alloc(20, 0xaa), Buffer.alloc(50, 0xdd), '125d7342b9ac11cd91a39af48aa17b4f63f175d3'],
  ['sha1', Buffer.alloc(80, 0xaa), text('Test Using Larger Than Block-Size Key - Hash Key First'), 'aa4ae5e15272d00e95705637ce8a3b55ed402112'],
  ['sha256', Buffer.alloc(20, 0x0b), text('Hi There'), 'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7'],
  ['sha256', text('Jefe'), text('what do ya want for nothing?'), '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843'],
  ['sha256', Buffer.alloc(131, 0xaa), text('Test Using Larger Than Block-Size Key - Hash Key First'),
    '60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54'],
  ['sha384', Buffer.alloc(20, 0x0b), text('Hi There'),
    'afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6'],
  ['sha384', text('Jefe'), text('what do ya want for nothing?'),
    'af45d2e376484031617f78d2b58a6b1b9c7ef464f5a01b47e42ec3736322445e8e2240ca5e69e2c78b3239ecfab21649'],
  ['sha384', Buffer.alloc(131, 0xaa), text('Test Using Larger Than Block-Size Key - Hash Key First'),
    '4ece084485813e9088d2c63a041bc5b44f9ef1012a2b588f3cd11f05033ac4c60c2ef6ab4030fe8296248df163f44952'],
];

t.test('the PRF reproduces the RFC 2202 and RFC 4231 HMAC vectors', async (t) => {
  for (const [algorithm, key, data, expected] of VECTORS) {
    t.equal(prf(algorithm, key, data).toString('hex'), hex(expected).toString('hex'), `${algorithm} key ${key.length} bytes`);
  }
});

t.test('the PRF message is the concatenation of its parts', async (t) => {
  const key = Buffer.from('key');
  const parts = [Buffer.from('ab'), Buffer.alloc(0), Buffer.from('cdef')];
  for (const algorithm of Object.keys(HASH_LENGTH) as IkeHash[]) {
    t.same(prf(algorithm, key, ...parts), prf(algorithm, key, Buffer.concat(parts)));
    t.equal(prf(algorithm, key).length, HASH_LENGTH[algorithm], `${algorithm} output length`);
  }
});

t.test('hash is the plain digest of the concatenated parts', async (t) => {
  for (const algorithm of Object.keys(HASH_LENGTH) as IkeHash[]) {
    const expected = createHash(algorithm).update('abc').digest();
    t.same(hash(algorithm, Buffer.from('a'), Buffer.from('bc')), expected, algorithm);
    t.equal(expected.length, HASH_LENGTH[algorithm]);
  }
  // FIPS 180 / RFC 1321 "abc" digests, to pin the algorithm names to the right functions.
  t.equal(hash('md5', Buffer.from('abc')).toString('hex'), '900150983cd24fb0d6963f7d28e17f72');
  t.equal(hash('sha1', Buffer.from('abc')).toString('hex'), 'a9993e364706816aba3e25717850c26c9cd0d89d');
});

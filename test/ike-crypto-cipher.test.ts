import t from 'tap';
import { createCipheriv, randomBytes } from 'node:crypto';
import {
  IKE_CIPHERS, ikeDecrypt, ikeEncrypt, isWeakKey, MAX_PADDING, padToBlock, PaddingError, stripPadding, type IkeCipher,
} from '../src/ike/crypto/cipher';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

// NIST SP 800-38A appendix F.2 (CBC-AES128/192/256 encrypt; F.2.2/4/6 are their decryptions).
const SP800_38A_IV = hex('000102030405060708090a0b0c0d0e0f');
const SP800_38A_PLAINTEXT = hex(`
  6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51
  30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710`);
const AES_VECTORS: [IkeCipher, string, string][] = [
  ['aes128', '2b7e151628aed2a6abf7158809cf4f3c', `
    7649abac8119b246cee98e9b12e9197d 5086cb9b507219ee95db113a917678b2
    73bed6b8e3c1743b7116e69e22229516 3ff1caa1681fac09120eca307586e1a7`],
  ['aes192', '8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b', `
    4f021db243bc633d7178183a9fa071e8 b4d9ada9ad7dedf4e5e738763f69145a
    571b242012fb7ae07fa9baac3df102e0 08b0e27988598881d920a9e64f5615cd`],
  ['aes256', '603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4', `
    f58c4c04d6e5f1ba779eabfb5f7bfbd6 9cfc4e967edb808d679f777bc6702c7d
    39f23369a9d9bacfa530e26304231461 b2eb05e2c39be9fcda6c19078c6a9d1b`],
];

t.test('AES-CBC matches NIST SP 800-38A F.2', async (t) => {
  for (const [cipher, key, ciphertext] of AES_VECTORS) {
    t.same(ikeEncrypt(cipher, hex(key), SP800_38A_IV, SP800_38A_PLAINTEXT), hex(ciphertext), `${cipher} encrypt`);
    t.same(ikeDecrypt(cipher, hex(key), SP800_38A_IV, hex(ciphertext)), SP800_38A_PLAINTEXT, `${cipher} decrypt`);
  }
});

t.test('DES-CBC matches the FIPS 81 CBC example', async (t) => {
  const key = hex('0123456789abcdef');
  const iv = hex('1234567890abcdef');
  const plaintext = Buffer.from('Now is the time for all ');
  const ciphertext = hex('e5c7cdde872bf27c 43e934008c389c0f 683788499a7c05f6');
  t.same(ikeEncrypt('des', key, iv, plaintext), ciphertext);
  t.same(ikeDecrypt('des', key, iv, ciphertext), plaintext);
});

t.test('3DES-CBC matches the NIST SP 800-67 example', async (t) => {
  // SP 800-67's example is three ECB blocks; CBC with a zero IV on one block is ECB.
  const key = hex('0123456789ABCDEF 23456789ABCDEF01 456789ABCDEF0123');
  const plaintext = Buffer.from('The qufck brown fox jump');
  const ecb = hex('A826FD8CE53B855F CCE21C8112256FE6 68D5C05DD9B6B900');
  for (let i = 0; i < 3; i++) {
    const block = plaintext.subarray(i * 8, i * 8 + 8);
    t.same(ikeEncrypt('3des', key, Buffer.alloc(8), block), ecb.subarray(i * 8, i * 8 + 8), `block ${i + 1}`);
  }
  // Chaining over the whole message, against CBC built by hand from single-block ECB.
  const iv = hex('f69f2445df4f9b17');
  const expected: Buffer[] = [];
  let previous = iv;
  for (let i = 0; i < 3; i++) {
    const block = Buffer.from(plaintext.subarray(i * 8, i * 8 + 8).map((b, j) => b ^ previous[j]));
    const ecbCipher = createCipheriv('des-ede3', key, null).setAutoPadding(false);
    previous = Buffer.concat([ecbCipher.update(block), ecbCipher.final()]);
    expected.push(previous);
  }
  t.same(ikeEncrypt('3des', key, iv, plaintext), Buffer.concat(expected));
  t.same(ikeDecrypt('3des', key, iv, Buffer.concat(expected)), plaintext);
});

t.test('key lengths and block sizes', async (t) => {
  t.same(
    Object.fromEntries(Object.entries(IKE_CIPHERS).map(([name, s]) => [name, [s.keyLength, s.blockSize]])),
    { des: [8, 8], '3des': [24, 8], aes128: [16, 16], aes192: [24, 16], aes256: [32, 16] },
  );
});

t.test('bad keys, IVs and unaligned data are refused, not padded', async (t) => {
  t.throws(() => ikeEncrypt('aes128', Buffer.alloc(15), Buffer.alloc(16), Buffer.alloc(16)), RangeError);
  t.throws(() => ikeEncrypt('3des', Buffer.alloc(24, 1), Buffer.alloc(16), Buffer.alloc(8)), RangeError);
  t.throws(() => ikeEncrypt('aes256', Buffer.alloc(32), Buffer.alloc(16), Buffer.alloc(17)), RangeError);
  t.throws(() => ikeDecrypt('des', Buffer.alloc(8, 1), Buffer.alloc(8), Buffer.alloc(0)), RangeError);
  t.equal(ikeEncrypt('aes128', Buffer.alloc(16), Buffer.alloc(16), Buffer.alloc(32)).length, 32, 'no padding block added');
});

t.test('padToBlock pads as RFC 2409 section 5.3 says', async (t) => {
  for (const blockSize of [8, 16]) {
    for (let length = 0; length <= 2 * blockSize; length++) {
      const padded = padToBlock(Buffer.alloc(length, 0xab), blockSize);
      const padLength = padded.length - length;
      t.equal(padded.length % blockSize, 0);
      t.ok(padLength >= 1 && padLength <= blockSize, `length ${length}: ${padLength} bytes of padding`);
      t.equal(padded[padded.length - 1], padLength - 1, 'last byte counts the padding before it');
      t.ok(padded.subarray(length, padded.length - 1).every((b) => b === 0), 'zeros before it');
    }
  }
});

t.test('stripPadding accepts any padding content and checks only lengths', async (t) => {
  const body = Buffer.from('payloads');
  t.same(stripPadding(Buffer.concat([body, randomBytes(8)]), body.length), body, 'random bytes');
  t.same(stripPadding(body, body.length), body, 'no padding');
  t.same(stripPadding(Buffer.concat([body, Buffer.alloc(MAX_PADDING)]), body.length), body, 'the most padding');
  t.throws(() => stripPadding(Buffer.concat([body, Buffer.alloc(MAX_PADDING + 1)]), body.length), PaddingError);
  t.throws(() => stripPadding(body, body.length + 1), PaddingError, 'payloads longer than the plaintext');
  t.throws(() => stripPadding(body, -1), PaddingError);
});

t.test('a padded message survives encrypt, decrypt and strip', async (t) => {
  for (const cipher of Object.keys(IKE_CIPHERS) as IkeCipher[]) {
    const { keyLength, blockSize } = IKE_CIPHERS[cipher];
    const key = randomBytes(keyLength);
    const iv = randomBytes(blockSize);
    const body = randomBytes(37);
    const decrypted = ikeDecrypt(cipher, key, iv, ikeEncrypt(cipher, key, iv, padToBlock(body, blockSize)));
    t.same(stripPadding(decrypted, body.length), body, cipher);
  }
});

t.test('weak and semi-weak DES keys are detected, parity ignored', async (t) => {
  const weak = ['0101010101010101', 'FEFEFEFEFEFEFEFE', 'E0E0E0E0F1F1F1F1', '1F1F1F1F0E0E0E0E',
    '01FE01FE01FE01FE', 'FE01FE01FE01FE01', '1FE01FE00EF10EF1', 'E01FE01FF10EF10E', '01E001E001F101F1',
    'E001E001F101F101', '1FFE1FFE0EFE0EFE', 'FE1FFE1FFE0EFE0E', '011F011F010E010E', '1F011F010E010E01',
    'E0FEE0FEF1FEF1FE', 'FEE0FEE0FEF1FEF1'];
  for (const key of weak) {
    t.ok(isWeakKey('des', hex(key)), key);
    t.ok(isWeakKey('des', Buffer.from(hex(key).map((b) => b ^ 1))), `${key} with parity bits flipped`);
  }
  t.notOk(isWeakKey('des', hex('0123456789abcdef')));
  t.notOk(isWeakKey('des', hex('0101010101010102')), 'a non-parity bit differs');
});

t.test('3DES keys that collapse to DES or hold a weak key are detected', async (t) => {
  const [a, b, c] = [hex('0123456789abcdef'), hex('23456789abcdef01'), hex('456789abcdef0123')];
  t.notOk(isWeakKey('3des', Buffer.concat([a, b, c])));
  t.notOk(isWeakKey('3des', Buffer.concat([a, b, a])), 'keying option 2 (K1 = K3) is fine');
  t.ok(isWeakKey('3des', Buffer.concat([a, a, c])), 'K1 = K2');
  t.ok(isWeakKey('3des', Buffer.concat([a, b, Buffer.from(b.map((x) => x ^ 1))])), 'K2 = K3 up to parity');
  t.ok(isWeakKey('3des', Buffer.concat([a, hex('fefefefefefefefe'), c])), 'weak K2');
  t.notOk(isWeakKey('aes128', Buffer.alloc(16)), 'AES has no weak keys');
});

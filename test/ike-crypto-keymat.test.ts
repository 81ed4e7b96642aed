import t from 'tap';
import { createHmac, randomBytes } from 'node:crypto';
import type { IkeHash } from '../src/ike/crypto/hash';
import {
  encryptionKeyLength, integrityKeyLength, ipsecKeys, keymat, type EspCipher, type IpsecIntegrity, type KeymatInput,
} from '../src/ike/crypto/keymat';
import { informationalHash, quickModeHash1, quickModeHash2, quickModeHash3 } from '../src/ike/crypto/quick-mode-hash';

// The reference side: RFC 2409 section 5.5 written out with createHmac.
const hmac = (h: IkeHash, key: Buffer, ...data: Buffer[]) => createHmac(h, key).update(Buffer.concat(data)).digest();
const ESP = 3;
const AH = 2;

const skeyidD = randomBytes(20);
const niB = randomBytes(16);
const nrB = randomBytes(32);
const spi = Buffer.from('c0ffee01', 'hex');
const gqmxy = randomBytes(256);

/** K1 | K2 | ... by hand, optionally with g(qm)^xy. */
function reference(h: IkeHash, input: KeymatInput, blocks: number): Buffer {
  const tail = Buffer.concat([input.pfsSharedSecret ?? Buffer.alloc(0), Buffer.from([input.protocol]), input.spi, input.niB, input.nrB]);
  const out: Buffer[] = [hmac(h, skeyidD, tail)];
  while (out.length < blocks) out.push(hmac(h, skeyidD, out[out.length - 1], tail));
  return Buffer.concat(out);
}

t.test('KEYMAT without PFS: prf(SKEYID_d, protocol | SPI | Ni_b | Nr_b)', async (t) => {
  const input = { protocol: ESP, spi, niB, nrB };
  t.same(keymat('sha1', skeyidD, input, 20), hmac('sha1', skeyidD, Buffer.from([ESP]), spi, niB, nrB));
  t.same(keymat('sha1', skeyidD, input, 16), reference('sha1', input, 1).subarray(0, 16), 'cut short');
  t.equal(keymat('sha1', skeyidD, input, 0).length, 0);
});

t.test('KEYMAT with PFS puts g(qm)^xy first', async (t) => {
  const input = { protocol: AH, spi, niB, nrB, pfsSharedSecret: gqmxy };
  t.same(keymat('md5', skeyidD, input, 16), hmac('md5', skeyidD, gqmxy, Buffer.from([AH]), spi, niB, nrB));
});

t.test('KEYMAT expansion: Kn = prf(SKEYID_d, Kn-1 | [g(qm)^xy |] protocol | SPI | Ni_b | Nr_b)', async (t) => {
  for (const pfsSharedSecret of [undefined, gqmxy]) {
    const input = { protocol: ESP, spi, niB, nrB, pfsSharedSecret };
    const label = pfsSharedSecret ? 'with PFS' : 'without PFS';
    // 3DES + HMAC-SHA1 keyed by a SHA-1 PRF: 24 + 20 = 44 bytes, three blocks.
    t.same(keymat('sha1', skeyidD, input, 44), reference('sha1', input, 3).subarray(0, 44), `44 bytes from SHA-1 ${label}`);
    // AES-256 + HMAC-SHA-512 keyed by an MD5 PRF: 32 + 64 = 96 bytes, six blocks.
    t.same(keymat('md5', skeyidD, input, 96), reference('md5', input, 6), `96 bytes from MD5 ${label}`);
  }
});

t.test('each direction has its own KEYMAT', async (t) => {
  const inbound = keymat('sha256', skeyidD, { protocol: ESP, spi, niB, nrB }, 32);
  const outbound = keymat('sha256', skeyidD, { protocol: ESP, spi: Buffer.from('0badcafe', 'hex'), niB, nrB }, 32);
  t.notSame(inbound, outbound);
});

t.test('key lengths of the ESP and AH transforms', async (t) => {
  const ciphers: [EspCipher, number | undefined, number][] = [
    ['des', undefined, 8], ['3des', undefined, 24], ['aes-cbc', undefined, 16], ['aes-cbc', 128, 16], ['aes-cbc', 192, 24],
    ['aes-cbc', 256, 32], ['aes-gcm', 128, 20], ['aes-gcm', 192, 28], ['aes-gcm', 256, 36], ['seal', undefined, 20],
    ['null', undefined, 0],
  ];
  for (const [cipher, bits, length] of ciphers) t.equal(encryptionKeyLength(cipher, bits), length, `${cipher} ${bits ?? ''}`);
  const integrity: [IpsecIntegrity, number][] = [
    ['hmac-md5', 16], ['hmac-sha1', 20], ['hmac-sha256', 32], ['hmac-sha384', 48], ['hmac-sha512', 64],
  ];
  for (const [name, length] of integrity) t.equal(integrityKeyLength(name), length, name);
  t.throws(() => encryptionKeyLength('aes-cbc', 64), RangeError);
  t.throws(() => encryptionKeyLength('aes-gcm', 512), RangeError);
});

t.test('ipsecKeys splits KEYMAT: encryption key first, integrity key after', async (t) => {
  const input = { protocol: ESP, spi, niB, nrB };
  const material = reference('sha1', input, 3);
  const esp = ipsecKeys('sha1', skeyidD, input, { cipher: '3des', integrity: 'hmac-sha1' });
  t.same(esp.encryptionKey, material.subarray(0, 24));
  t.same(esp.integrityKey, material.subarray(24, 44));

  const gcm = ipsecKeys('sha1', skeyidD, input, { cipher: 'aes-gcm', keyBits: 256 });
  t.same(gcm.encryptionKey, material.subarray(0, 36), 'AES-256 key and salt');
  t.equal(gcm.integrityKey.length, 0);

  const ahInput = { protocol: AH, spi, niB, nrB };
  const ah = ipsecKeys('sha1', skeyidD, ahInput, { integrity: 'hmac-md5' });
  t.equal(ah.encryptionKey.length, 0);
  t.same(ah.integrityKey, reference('sha1', ahInput, 1).subarray(0, 16));
});

t.test('a weak ESP DES or 3DES key is refused', async (t) => {
  const weak = Buffer.from('fefefefefefefefe0101010101010101e0e0e0e0f1f1f1f1', 'hex');
  const { ipsecKeys: mocked } = t.mockRequire<typeof import('../src/ike/crypto/keymat')>('../src/ike/crypto/keymat', {
    '../src/ike/crypto/prf': { prf: () => Buffer.concat([weak, weak]) },
  });
  const input = { protocol: ESP, spi, niB, nrB };
  t.throws(() => mocked('sha1', skeyidD, input, { cipher: 'des', integrity: 'hmac-sha1' }), { name: 'WeakKeyError', cipher: 'des' });
  t.throws(() => mocked('sha1', skeyidD, input, { cipher: '3des' }), { name: 'WeakKeyError', cipher: '3des' });
  t.doesNotThrow(() => mocked('sha1', skeyidD, input, { cipher: 'aes-cbc' }), 'AES has no weak keys');
});

t.test('Quick Mode HASH(1), HASH(2), HASH(3) and informational HASH(1)', async (t) => {
  const skeyidA = randomBytes(32);
  const messageId = 0x8badf00d;
  const mid = Buffer.from('8badf00d', 'hex');
  const afterHash = randomBytes(120);
  for (const h of ['md5', 'sha1', 'sha256', 'sha384'] as const) {
    t.same(quickModeHash1(h, skeyidA, messageId, afterHash), hmac(h, skeyidA, mid, afterHash), `${h} HASH(1)`);
    t.same(quickModeHash2(h, skeyidA, messageId, niB, afterHash), hmac(h, skeyidA, mid, niB, afterHash), `${h} HASH(2)`);
    t.same(quickModeHash3(h, skeyidA, messageId, niB, nrB), hmac(h, skeyidA, Buffer.from([0]), mid, niB, nrB), `${h} HASH(3)`);
    t.same(informationalHash(h, skeyidA, messageId, afterHash), hmac(h, skeyidA, mid, afterHash), `${h} informational`);
  }
});

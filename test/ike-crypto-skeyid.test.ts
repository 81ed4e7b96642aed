import t from 'tap';
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { IKE_CIPHERS, WeakKeyError, type IkeCipher } from '../src/ike/crypto/cipher';
import { dhGroup } from '../src/ike/crypto/dh';
import type { IkeHash } from '../src/ike/crypto/hash';
import {
  deriveSkeyids, hashI, hashR, phase1EncryptionKey, skeyidPreSharedKey, skeyidPublicKeyEncryption, skeyidSignature,
} from '../src/ike/crypto/skeyid';

// The reference side: RFC 2409 section 5 written out with createHmac, nothing shared.
const hmac = (h: IkeHash, key: Buffer, ...data: Buffer[]) => createHmac(h, key).update(Buffer.concat(data)).digest();
const octet = (n: number) => Buffer.from([n]);

const HASHES: IkeHash[] = ['md5', 'sha1', 'sha256', 'sha384'];
const psk = Buffer.from('cisco123');
const niB = randomBytes(16);
const nrB = randomBytes(20);
const ckyI = randomBytes(8);
const ckyR = randomBytes(8);
const gxy = randomBytes(256);

t.test('SKEYID for each authentication method', async (t) => {
  for (const h of HASHES) {
    t.same(skeyidPreSharedKey(h, psk, niB, nrB), hmac(h, psk, niB, nrB), `${h} pre-shared key`);
    t.same(skeyidSignature(h, niB, nrB, gxy), hmac(h, Buffer.concat([niB, nrB]), gxy), `${h} signatures`);
    const hashedNonces = createHash(h).update(Buffer.concat([niB, nrB])).digest();
    t.same(skeyidPublicKeyEncryption(h, niB, nrB, ckyI, ckyR), hmac(h, hashedNonces, ckyI, ckyR), `${h} public key encryption`);
  }
});

t.test('SKEYID_d, SKEYID_a, SKEYID_e', async (t) => {
  for (const h of HASHES) {
    const skeyid = hmac(h, psk, niB, nrB);
    const d = hmac(h, skeyid, gxy, ckyI, ckyR, octet(0));
    const a = hmac(h, skeyid, d, gxy, ckyI, ckyR, octet(1));
    const e = hmac(h, skeyid, a, gxy, ckyI, ckyR, octet(2));
    t.same(deriveSkeyids(h, skeyid, gxy, ckyI, ckyR), { skeyid, skeyidD: d, skeyidA: a, skeyidE: e }, h);
  }
});

/** Appendix B by hand: Ka = K1 | K2 | ..., K1 = prf(SKEYID_e, 0), Kn = prf(SKEYID_e, Kn-1). */
function expanded(h: IkeHash, skeyidE: Buffer, length: number): Buffer {
  const k1 = hmac(h, skeyidE, octet(0));
  const k2 = hmac(h, skeyidE, k1);
  const k3 = hmac(h, skeyidE, k2);
  return Buffer.concat([k1, k2, k3]).subarray(0, length);
}

t.test('the phase-1 key: truncated SKEYID_e, or its appendix B expansion when too short', async (t) => {
  const cases: [IkeCipher, IkeHash, boolean][] = [
    ['des', 'md5', false], ['aes128', 'md5', false], ['aes128', 'sha1', false], ['aes256', 'sha256', false],
    ['aes256', 'sha384', false], ['3des', 'sha256', false],
    ['3des', 'md5', true], ['3des', 'sha1', true], ['aes192', 'md5', true], ['aes192', 'sha1', true],
    ['aes256', 'md5', true], ['aes256', 'sha1', true],
  ];
  for (const [cipher, h, expands] of cases) {
    const skeyidE = deriveSkeyids(h, hmac(h, psk, niB, nrB), gxy, ckyI, ckyR).skeyidE;
    const { keyLength } = IKE_CIPHERS[cipher];
    const expected = expands ? expanded(h, skeyidE, keyLength) : skeyidE.subarray(0, keyLength);
    const key = phase1EncryptionKey(h, cipher, skeyidE);
    t.equal(key.length, keyLength);
    t.same(key, expected, `${cipher} with ${h}${expands ? ' (expanded)' : ''}`);
  }
});

t.test('a weak derived key is refused with WeakKeyError', async (t) => {
  const weakDes = Buffer.concat([Buffer.from('0101010101010101', 'hex'), randomBytes(24)]);
  t.throws(() => phase1EncryptionKey('sha256', 'des', weakDes), WeakKeyError);
  const k = randomBytes(8);
  const collapsing3des = Buffer.concat([k, k, randomBytes(16)]);
  t.throws(() => phase1EncryptionKey('sha256', '3des', collapsing3des), { name: 'WeakKeyError', cipher: '3des' });
});

t.test('HASH_I and HASH_R', async (t) => {
  const gxi = randomBytes(256);
  const gxr = randomBytes(256);
  const saiB = randomBytes(52);
  const idiiB = Buffer.from([1, 0, 0, 0, 10, 0, 0, 1]);
  const idirB = Buffer.from([1, 0, 0, 0, 10, 0, 0, 2]);
  for (const h of HASHES) {
    const skeyid = hmac(h, psk, niB, nrB);
    const input = { gxi, gxr, ckyI, ckyR, saiB };
    t.same(hashI(h, skeyid, input, idiiB), hmac(h, skeyid, gxi, gxr, ckyI, ckyR, saiB, idiiB), `${h} HASH_I`);
    t.same(hashR(h, skeyid, input, idirB), hmac(h, skeyid, gxr, gxi, ckyR, ckyI, saiB, idirB), `${h} HASH_R`);
  }
});

t.test('two sides of a real exchange derive the same keys', async (t) => {
  for (const group of [dhGroup(14), dhGroup(19)]) {
    const initiator = group.generateKeyPair();
    const responder = group.generateKeyPair();
    const side = (gxy: Buffer) => {
      const ids = deriveSkeyids('sha1', skeyidPreSharedKey('sha1', psk, niB, nrB), gxy, ckyI, ckyR);
      return { ...ids, key: phase1EncryptionKey('sha1', 'aes256', ids.skeyidE) };
    };
    t.same(side(initiator.sharedSecret(responder.publicValue)), side(responder.sharedSecret(initiator.publicValue)), `group ${group.id}`);
  }
});

import t from 'tap';
import { createHash, randomBytes } from 'node:crypto';
import { IKE_CIPHERS, ikeDecrypt, ikeEncrypt, padToBlock, type IkeCipher } from '../src/ike/crypto/cipher';
import type { IkeHash } from '../src/ike/crypto/hash';
import { IvChain, lastBlock, phase1Iv, phase2Iv } from '../src/ike/crypto/iv';

const digest = (h: IkeHash, ...data: Buffer[]) => createHash(h).update(Buffer.concat(data)).digest();
const mid = (n: number) => Buffer.from([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);

const gxi = randomBytes(256);
const gxr = randomBytes(256);

t.test('phase-1 IV: hash(g^xi | g^xr) cut to the block size', async (t) => {
  for (const [h, blockSize] of [['md5', 16], ['sha1', 8], ['sha1', 16], ['sha256', 16], ['sha384', 8]] as const) {
    t.same(phase1Iv(h, blockSize, gxi, gxr), digest(h, gxi, gxr).subarray(0, blockSize), `${h} / ${blockSize}`);
  }
  t.throws(() => phase1Iv('md5', 32, gxi, gxr), RangeError, 'a hash shorter than the block');
});

t.test('phase-2 IV: hash(last phase-1 IV | M-ID) cut to the block size', async (t) => {
  const last = randomBytes(16);
  t.same(phase2Iv('sha256', 16, last, 0xdeadbeef), digest('sha256', last, mid(0xdeadbeef)).subarray(0, 16));
  t.same(phase2Iv('md5', 8, last.subarray(0, 8), 1), digest('md5', last.subarray(0, 8), mid(1)).subarray(0, 8));
});

t.test('lastBlock takes the final cipher block', async (t) => {
  const ciphertext = randomBytes(48);
  t.same(lastBlock(ciphertext, 16), ciphertext.subarray(32));
  t.throws(() => lastBlock(randomBytes(4), 8), RangeError);
});

t.test('IvChain: phase 1 chains, phase 2 forks per message ID from phase 1\'s last IV', async (t) => {
  const chain = new IvChain('sha1', 16, gxi, gxr);
  const initial = digest('sha1', gxi, gxr).subarray(0, 16);
  t.same(chain.current(0), initial);
  const message5 = randomBytes(64);
  chain.advance(0, message5);
  t.same(chain.current(0), message5.subarray(48), 'message 6 uses message 5\'s last block');
  const message6 = randomBytes(32);
  chain.advance(0, message6);
  const lastPhase1 = message6.subarray(16);

  const quick = 0x11223344;
  const info = 0x55667788;
  t.same(chain.current(quick), digest('sha1', lastPhase1, mid(quick)).subarray(0, 16), 'Quick Mode 1');
  t.same(chain.current(info), digest('sha1', lastPhase1, mid(info)).subarray(0, 16), 'informational');
  const quick1 = randomBytes(96);
  chain.advance(quick, quick1);
  t.same(chain.current(quick), quick1.subarray(80), 'Quick Mode 2 chains on Quick Mode 1');
  t.same(chain.current(info), digest('sha1', lastPhase1, mid(info)).subarray(0, 16), 'other exchanges unaffected');
  t.same(chain.current(0), lastPhase1, 'phase 1 unaffected');

  chain.forget(quick);
  t.same(chain.current(quick), digest('sha1', lastPhase1, mid(quick)).subarray(0, 16), 'a forgotten ID starts afresh');
});

t.test('IvChain: an exchange without encrypted phase-1 messages forks from the initial IV', async (t) => {
  // Aggressive Mode with pre-shared keys sends nothing encrypted in phase 1.
  const chain = new IvChain('md5', 8, gxi, gxr);
  const initial = digest('md5', gxi, gxr).subarray(0, 8);
  t.same(chain.current(7), digest('md5', initial, mid(7)).subarray(0, 8));
});

t.test('two IvChains drive a Main Mode and Quick Mode conversation', async (t) => {
  for (const cipher of Object.keys(IKE_CIPHERS) as IkeCipher[]) {
    const { keyLength, blockSize } = IKE_CIPHERS[cipher];
    const key = randomBytes(keyLength);
    const initiator = new IvChain('sha256', blockSize, gxi, gxr);
    const responder = new IvChain('sha256', blockSize, gxi, gxr);
    const send = (from: IvChain, to: IvChain, messageId: number, body: Buffer) => {
      const ciphertext = ikeEncrypt(cipher, key, from.current(messageId), padToBlock(body, blockSize));
      from.advance(messageId, ciphertext);
      const plaintext = ikeDecrypt(cipher, key, to.current(messageId), ciphertext);
      to.advance(messageId, ciphertext);
      return plaintext.subarray(0, body.length);
    };
    const messages: [IvChain, IvChain, number][] = [
      [initiator, responder, 0], [responder, initiator, 0],
      [initiator, responder, 99], [responder, initiator, 99], [initiator, responder, 99],
      [responder, initiator, 1234],
    ];
    for (const [from, to, messageId] of messages) {
      const body = randomBytes(30 + messageId % 7);
      t.same(send(from, to, messageId, body), body, `${cipher} M-ID ${messageId}`);
    }
  }
});

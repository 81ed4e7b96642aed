/**
 * pooledRandomBytes: each call gets its own buffer of the asked length, values do not repeat
 * across a pool refill, and a buffer kept by a caller is not changed by later calls.
 */
import t from 'tap';
import { pooledRandomBytes } from '../src/ike/crypto/random-pool';

t.test('lengths, independence and no repeats across refills', async (t) => {
  for (const n of [0, 1, 4, 8, 16, 32, 2048, 2049, 10_000]) t.equal(pooledRandomBytes(n).length, n, `${n} bytes`);
  const kept = pooledRandomBytes(16);
  const copy = Buffer.from(kept);
  const seen = new Set<string>();
  // 5000 x 16 bytes is about ten refills of the 8 KiB pool.
  for (let i = 0; i < 5000; i++) {
    const b = pooledRandomBytes(16);
    t.equal(b.buffer === kept.buffer && b.byteOffset === kept.byteOffset, false);
    seen.add(b.toString('hex'));
  }
  t.equal(seen.size, 5000, 'no 16-byte value came twice');
  t.ok(kept.equals(copy), 'a buffer handed out earlier is untouched by later calls and refills');
  const ones = [...Buffer.concat([...seen].map((h) => Buffer.from(h, 'hex')))].reduce((a, byte) => a + byte.toString(2).replace(/0/g, '').length, 0);
  const bits = 5000 * 16 * 8;
  t.ok(Math.abs(ones / bits - 0.5) < 0.01, `about half the bits are set (${(ones / bits).toFixed(4)})`);
});

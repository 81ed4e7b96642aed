import t from 'tap';
import { leftPad, uint32 } from '../src/ike/crypto/bytes';

t.test('leftPad fixes the width of big-endian numbers', async (t) => {
  t.same(leftPad(Buffer.from([1, 2]), 4), Buffer.from([0, 0, 1, 2]));
  const exact = Buffer.from([9, 9]);
  t.equal(leftPad(exact, 2), exact, 'already the right width: returned as is');
  t.throws(() => leftPad(Buffer.from([1, 2, 3]), 2), RangeError);
});

t.test('uint32 is the big-endian message ID', async (t) => {
  t.same(uint32(0), Buffer.from([0, 0, 0, 0]));
  t.same(uint32(0xdeadbeef), Buffer.from([0xde, 0xad, 0xbe, 0xef]));
});

import t from 'tap';
import { derInteger, derSequence, readDerHeader } from '../src/keys/der';

const hex = (b: Buffer) => b.toString('hex');

t.test('derInteger is minimal and never negative', async (t) => {
  t.equal(hex(derInteger(0n)), '020100');
  t.equal(hex(derInteger(127n)), '02017f');
  t.equal(hex(derInteger(128n)), '02020080', 'high bit gets a 0x00 pad');
  t.equal(hex(derInteger(256n)), '02020100');
  t.equal(hex(derInteger(65537n)), '0203010001');
  t.throws(() => derInteger(-1n), RangeError);
});

t.test('derSequence uses short and long length forms', async (t) => {
  t.equal(hex(derSequence([derInteger(1n), derInteger(2n)])), '3006020101020102');
  const long = derSequence([Buffer.alloc(200)]);
  t.equal(hex(long.subarray(0, 3)), '3081c8');
  const longer = derSequence([Buffer.alloc(300)]);
  t.equal(hex(longer.subarray(0, 4)), '3082012c');
  t.same(readDerHeader(longer), { tag: 0x30, headerLength: 4, contentLength: 300 });
});

t.test('readDerHeader accepts DER and rejects malformed headers', async (t) => {
  t.same(readDerHeader(Buffer.from('3003020100', 'hex')), { tag: 0x30, headerLength: 2, contentLength: 3 });
  t.same(readDerHeader(Buffer.from('00aa3003', 'hex'), 2), { tag: 0x30, headerLength: 2, contentLength: 3 });
  t.same(readDerHeader(Buffer.from('3081c8', 'hex')), { tag: 0x30, headerLength: 3, contentLength: 200 });
  const bad: [string, string][] = [
    ['', 'empty'],
    ['30', 'no length'],
    ['3080', 'indefinite length'],
    ['308105', 'long form for a short length'],
    ['30820010', 'leading zero length octet'],
    ['3085ffffffffff', 'more than 4 length octets'],
    ['3082ff', 'length octets truncated'],
    ['1f0100', 'multi-byte tag'],
  ];
  for (const [input, why] of bad) t.equal(readDerHeader(Buffer.from(input, 'hex')), undefined, why);
});

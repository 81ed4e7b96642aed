import t from 'tap';
import { addressBytes, ipv4Value, networkBytes, samePrefix } from '../src/kernel/address';

t.test('addressBytes', async (t) => {
  const cases: Array<[string, string | undefined]> = [
    ['192.0.2.1', 'c0000201'],
    ['0.0.0.0', '00000000'],
    ['255.255.255.255', 'ffffffff'],
    ['2001:db8::1', '20010db8000000000000000000000001'],
    ['2001:0db8:0000:0000:0000:0000:0000:0001', '20010db8000000000000000000000001'],
    ['::', '00000000000000000000000000000000'],
    ['::1', '00000000000000000000000000000001'],
    ['fe80::', 'fe800000000000000000000000000000'],
    ['1:2:3:4:5:6:7:8', '00010002000300040005000600070008'],
    ['::ffff:192.0.2.1', '00000000000000000000ffffc0000201'],
    ['64:ff9b::198.51.100.2', '0064ff9b0000000000000000c6336402'],
    ['192.0.2.256', undefined],
    ['010.0.0.1', undefined],
    ['2001:db8::1::2', undefined],
    ['host.example', undefined],
    ['', undefined],
  ];
  for (const [text, hex] of cases) t.equal(addressBytes(text)?.toString('hex'), hex, text);
});

t.test('ipv4Value: dotted quads, leading zeros only when asked', async (t) => {
  const cases: Array<[string, number | undefined, number | undefined]> = [
    ['192.0.2.1', 0xc0000201, 0xc0000201],
    ['0.0.0.0', 0, 0],
    ['255.255.255.255', 0xffffffff, 0xffffffff],
    ['010.1.1.001', undefined, 0x0a010101],
    ['00.0.0.0', undefined, 0],
    ['0.0.0.00', undefined, 0],
    ['1.2.3.256', undefined, undefined],
    ['1.2.3.0255', undefined, undefined],
    ['1.2.3', undefined, undefined],
    ['1.2.3.4.', undefined, undefined],
    ['.1.2.3.4', undefined, undefined],
    ['1..3.4', undefined, undefined],
    ['1.2.3.4.5', undefined, undefined],
    ['1.2.3.-4', undefined, undefined],
    [' 1.2.3.4', undefined, undefined],
    ['1.2.3.4\n', undefined, undefined],
    ['::1', undefined, undefined],
    ['', undefined, undefined],
  ];
  for (const [text, strict, lenient] of cases) {
    t.equal(ipv4Value(text, false), strict, `${JSON.stringify(text)} strict`);
    t.equal(ipv4Value(text, true), lenient, `${JSON.stringify(text)} with leading zeros`);
  }
});

t.test('samePrefix and networkBytes', async (t) => {
  const b = (s: string): Buffer => addressBytes(s) as Buffer;
  const cases: Array<[string, string, number, boolean]> = [
    ['10.1.2.3', '10.1.200.1', 16, true],
    ['10.1.2.3', '10.2.2.3', 16, false],
    ['10.1.2.3', '10.1.3.3', 23, true],
    ['10.1.2.3', '10.1.4.3', 23, false],
    ['10.1.2.3', '192.168.0.1', 0, true],
    ['10.1.2.3', '10.1.2.3', 32, true],
    ['10.1.2.3', '10.1.2.2', 32, false],
    ['10.1.2.3', '10.1.2.2', 31, true],
    ['2001:db8::1', '2001:db8:ffff::1', 32, true],
    ['2001:db8::1', '2001:db9::1', 31, true],
    ['2001:db8::1', '2001:db9::1', 32, false],
    ['10.1.2.3', '::ffff:10.1.2.3', 0, false],
  ];
  for (const [a, c, bits, same] of cases) t.equal(samePrefix(b(a), b(c), bits), same, `${a} ${c} /${bits}`);
  t.equal(networkBytes(b('10.1.255.3'), 20).toString('hex'), '0a01f000');
  t.equal(networkBytes(b('10.1.255.3'), 0).toString('hex'), '00000000');
  t.equal(networkBytes(b('10.1.255.3'), 32).toString('hex'), '0a01ff03');
  t.equal(networkBytes(b('2001:db8:abcd::1'), 36).toString('hex'), '20010db8a00000000000000000000000');
});

import t from 'tap';
import {
  attributeNumber,
  basicAttribute,
  decodeAttributes,
  encodeAttributes,
  IkeAttribute,
  IkeEncryption,
  ModeConfigAttribute,
  NotifyType,
  numberAttribute,
  variableAttribute,
  WireError,
} from '../src/ike/wire';

const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');

t.test('basic attributes set the AF bit and carry two octets', async (t) => {
  const a = basicAttribute(IkeAttribute.ENCRYPTION_ALGORITHM, IkeEncryption.AES_CBC);
  t.equal(encodeAttributes([a]).toString('hex'), '80010007');
  t.strictSame(decodeAttributes(hex('80010007'), 0), [a]);
});

t.test('variable attributes carry a length and any number of octets', async (t) => {
  const life = variableAttribute(IkeAttribute.LIFE_DURATION, hex('00015180'));
  const empty = variableAttribute(ModeConfigAttribute.INTERNAL_IP4_ADDRESS, Buffer.alloc(0));
  t.equal(encodeAttributes([life, empty]).toString('hex'), '000c0004' + '00015180' + '00010000');
  t.strictSame(decodeAttributes(hex('000c0004 00015180 00010000'), 0), [life, empty]);
});

t.test('numberAttribute picks the smallest form and attributeNumber reads both', async (t) => {
  t.strictSame(numberAttribute(12, 28800), basicAttribute(12, 28800));
  t.strictSame(numberAttribute(12, 0xffff), basicAttribute(12, 0xffff));
  t.strictSame(numberAttribute(12, 86400), variableAttribute(12, hex('00015180')));
  t.throws(() => numberAttribute(12, 2 ** 32), RangeError);
  t.equal(attributeNumber(basicAttribute(1, 7)), 7);
  t.equal(attributeNumber(variableAttribute(12, hex('00015180'))), 86400);
  t.equal(attributeNumber(variableAttribute(12, hex('0000000000015180'))), 86400, 'leading zeros are harmless');
  t.equal(attributeNumber(variableAttribute(12, hex('001fffffffffffff'))), Number.MAX_SAFE_INTEGER);
  t.equal(attributeNumber(variableAttribute(12, hex('0020000000000000'))), undefined, 'beyond 2^53');
  t.equal(attributeNumber(variableAttribute(12, Buffer.alloc(0))), undefined, 'empty');
});

t.test('encoding refuses what the wire cannot say', async (t) => {
  t.throws(() => encodeAttributes([basicAttribute(0x8000, 1)]), RangeError, 'type beyond 15 bits');
  t.throws(() => encodeAttributes([basicAttribute(1, 0x10000)]), RangeError, 'basic value beyond 16 bits');
  t.throws(() => encodeAttributes([variableAttribute(1, Buffer.alloc(0x10000))]), RangeError, 'value beyond 64 KiB');
});

t.test('decoding rejects truncation and overflow with PAYLOAD-MALFORMED at the attribute', async (t) => {
  const bad: [string, string, number][] = [
    ['8001', 'header truncated', 100],
    ['80010007 80', 'second header truncated', 104],
    ['000c0005 00015180', 'length overflows by one', 100],
    ['80010007 000cffff', 'length overflows the buffer', 104],
  ];
  for (const [input, why, offset] of bad) {
    t.throws(() => decodeAttributes(hex(input), 100), { name: 'WireError', notify: NotifyType.PAYLOAD_MALFORMED, offset }, why);
  }
  t.ok(new WireError(NotifyType.PAYLOAD_MALFORMED, 0, 'x') instanceof Error);
});

import t from 'tap';
import { classifyNatT, NAT_KEEPALIVE, NON_ESP_MARKER, type NatTDatagram } from '../src/ike/transport/non-esp-marker';

const hex = (s: string): Buffer => Buffer.from(s.replace(/ /g, ''), 'hex');

t.test('classifying what arrives on port 4500', async (t) => {
  const cases: Array<[string, Buffer, NatTDatagram]> = [
    ['NAT-keepalive', hex('ff'), { kind: 'keepalive' }],
    ['IKE after the marker', hex('00000000 0102030405060708'), { kind: 'ike', message: hex('0102030405060708') }],
    ['a bare marker is an empty IKE message', hex('00000000'), { kind: 'ike', message: Buffer.alloc(0) }],
    ['ESP: SPI and sequence number', hex('c0de0001 00000001'), { kind: 'esp', packet: hex('c0de0001 00000001') }],
    ['ESP with payload', hex('00000100 00000007 aabbccdd'), { kind: 'esp', packet: hex('00000100 00000007 aabbccdd') }],
    ['ESP shorter than its header', hex('c0de0001 0000'), { kind: 'malformed' }],
    ['one zero octet', hex('00'), { kind: 'malformed' }],
    ['three zero octets', hex('000000'), { kind: 'malformed' }],
    ['0xFF with more octets is not a keepalive', hex('ff000000 00000001'), { kind: 'esp', packet: hex('ff000000 00000001') }],
    ['empty', Buffer.alloc(0), { kind: 'malformed' }],
  ];
  for (const [name, datagram, want] of cases) t.same(classifyNatT(datagram), want, name);
});

t.test('the marker and the keepalive', async (t) => {
  t.same(NON_ESP_MARKER, hex('00000000'));
  t.same(classifyNatT(Buffer.concat([NON_ESP_MARKER, hex('abcd')])), { kind: 'ike', message: hex('abcd') }, 'an IKE message after the marker');
  t.same(NAT_KEEPALIVE, hex('ff'));
});

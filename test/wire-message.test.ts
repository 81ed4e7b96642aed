import { createHash } from 'node:crypto';
import t from 'tap';
import {
  basicAttribute,
  decodeBody,
  decodeMessage,
  decodePayload,
  encodeBody,
  encodeHeader,
  encodeMessage,
  ExchangeType,
  Flag,
  GroupDescription,
  HEADER_LENGTH,
  IdType,
  IkeAttribute,
  IkeAuthMethod,
  IkeEncryption,
  IkeHash,
  IsakmpTransformId,
  LifeType,
  NotifyType,
  PayloadType,
  ProtocolId,
  splitMessage,
  variableAttribute,
  type Header,
  type Message,
} from '../src/ike/wire';

const hex = (s: string): Buffer => Buffer.from(s.replace(/#.*$/gm, '').replace(/\s+/g, ''), 'hex');

const cookieI = hex('0102030405060708');
const cookieR = hex('a1a2a3a4a5a6a7a8');
const rfc3947Vid = createHash('md5').update('RFC 3947').digest();

// Main Mode message 1 laid out by hand from RFC 2408 3.1-3.6 and RFC 2409 appendix A: one
// ISAKMP proposal with two transforms (AES-128/SHA/PSK/group 2/1 day, then
// 3DES/MD5/PSK/group 2/8 h), followed by the RFC 3947 vendor ID.
const mainMode1 = hex(`
  0102030405060708 0000000000000000   # CKY-I, CKY-R (zero: the responder has not answered)
  01 10 02 00                         # next SA, version 1.0, Identity Protection, no flags
  00000000 0000008c                   # message id 0, length 140
  0d 00 005c                          # SA: next VID, length 92
    00000001 00000001                 #   DOI IPsec, SIT_IDENTITY_ONLY
    00 00 0050                        #   proposal: last, length 80
      01 01 00 02                     #     #1, PROTO_ISAKMP, SPI size 0, 2 transforms
      03 00 0028                      #     transform: next T, length 40
        01 01 0000                    #       #1, KEY_IKE
        8001 0007                     #       encryption AES-CBC
        800e 0080                     #       key length 128
        8002 0002                     #       hash SHA
        8003 0001                     #       auth pre-shared key
        8004 0002                     #       group 2
        800b 0001                     #       life type seconds
        000c 0004 00015180            #       life duration 86400 (variable form)
      00 00 0020                      #     transform: last, length 32
        02 01 0000                    #       #2, KEY_IKE
        8001 0005                     #       encryption 3DES-CBC
        8002 0001                     #       hash MD5
        8003 0001                     #       auth pre-shared key
        8004 0002                     #       group 2
        800b 0001                     #       life type seconds
        800c 7080                     #       life duration 28800 (basic form)
  00 00 0014                          # VID: last, length 20
    ${rfc3947Vid.toString('hex')}     #   MD5("RFC 3947")
`);

const mainMode1Value: Message = {
  header: {
    initiatorCookie: cookieI,
    responderCookie: Buffer.alloc(8),
    exchangeType: ExchangeType.IDENTITY_PROTECTION,
    flags: 0,
    messageId: 0,
  },
  payloads: [
    {
      type: PayloadType.SA,
      proposals: [
        {
          number: 1,
          protocolId: ProtocolId.ISAKMP,
          spi: Buffer.alloc(0),
          transforms: [
            {
              number: 1,
              transformId: IsakmpTransformId.KEY_IKE,
              attributes: [
                basicAttribute(IkeAttribute.ENCRYPTION_ALGORITHM, IkeEncryption.AES_CBC),
                basicAttribute(IkeAttribute.KEY_LENGTH, 128),
                basicAttribute(IkeAttribute.HASH_ALGORITHM, IkeHash.SHA),
                basicAttribute(IkeAttribute.AUTHENTICATION_METHOD, IkeAuthMethod.PRE_SHARED_KEY),
                basicAttribute(IkeAttribute.GROUP_DESCRIPTION, GroupDescription.MODP_1024),
                basicAttribute(IkeAttribute.LIFE_TYPE, LifeType.SECONDS),
                variableAttribute(IkeAttribute.LIFE_DURATION, hex('00015180')),
              ],
            },
            {
              number: 2,
              transformId: IsakmpTransformId.KEY_IKE,
              attributes: [
                basicAttribute(IkeAttribute.ENCRYPTION_ALGORITHM, IkeEncryption.DES3_CBC),
                basicAttribute(IkeAttribute.HASH_ALGORITHM, IkeHash.MD5),
                basicAttribute(IkeAttribute.AUTHENTICATION_METHOD, IkeAuthMethod.PRE_SHARED_KEY),
                basicAttribute(IkeAttribute.GROUP_DESCRIPTION, GroupDescription.MODP_1024),
                basicAttribute(IkeAttribute.LIFE_TYPE, LifeType.SECONDS),
                basicAttribute(IkeAttribute.LIFE_DURATION, 28800),
              ],
            },
          ],
        },
      ],
    },
    { type: PayloadType.VID, data: rfc3947Vid },
  ],
};

t.test('Main Mode message 1 decodes from hand-written octets and encodes back to them', async (t) => {
  t.equal(mainMode1.length, 140);
  t.strictSame(decodeMessage(mainMode1), mainMode1Value);
  t.equal(encodeMessage(mainMode1Value).toString('hex'), mainMode1.toString('hex'));
});

t.test('the header encodes its fields at RFC 2408 3.1 offsets', async (t) => {
  const header: Header = {
    initiatorCookie: cookieI,
    responderCookie: cookieR,
    exchangeType: ExchangeType.QUICK_MODE,
    flags: Flag.ENCRYPTION | Flag.COMMIT,
    messageId: 0xdeadbeef,
  };
  t.equal(
    encodeHeader(header, PayloadType.HASH, 76).toString('hex'),
    '0102030405060708' + 'a1a2a3a4a5a6a7a8' + '08' + '10' + '20' + '03' + 'deadbeef' + '0000004c',
  );
  t.throws(() => encodeHeader({ ...header, initiatorCookie: Buffer.alloc(4) }, 0, 28), RangeError, 'short cookie');
  t.throws(() => encodeHeader({ ...header, flags: 0x08 }, 0, 28), RangeError, 'undefined flag');
});

t.test('an encrypted message is split, opened by the caller and decoded with its padding', async (t) => {
  const header: Header = {
    initiatorCookie: cookieI,
    responderCookie: cookieR,
    exchangeType: ExchangeType.IDENTITY_PROTECTION,
    flags: Flag.ENCRYPTION,
    messageId: 0,
  };
  const payloads: Message['payloads'] = [
    { type: PayloadType.ID, identity: { idType: IdType.IPV4_ADDR, address: '192.0.2.1' }, protocolId: 17, port: 500 },
    { type: PayloadType.HASH, data: Buffer.alloc(20, 0x5a) },
  ];
  // A stand-in cipher: XOR with 0xff after zero padding to a 16-octet block.
  const xor = (b: Buffer): Buffer => Buffer.from(b.map((x) => x ^ 0xff));
  const seal = (plain: Buffer): Buffer => xor(Buffer.concat([plain, Buffer.alloc((16 - (plain.length % 16)) % 16)]));
  const datagram = encodeMessage({ header, payloads }, seal);
  t.equal((datagram.length - HEADER_LENGTH) % 16, 0);
  const split = splitMessage(datagram);
  t.strictSame(split.header, header);
  t.equal(split.firstPayload, PayloadType.ID);
  const plaintext = xor(split.body);
  t.strictSame(decodeBody(split, plaintext), payloads);
  t.equal(encodeBody(payloads).toString('hex'), plaintext.subarray(0, encodeBody(payloads).length).toString('hex'));
  t.throws(() => decodeMessage(datagram), { name: 'WireError', notify: NotifyType.INVALID_FLAGS, offset: 19 }, 'no keys, no decoding');
  t.throws(() => encodeMessage({ header, payloads }), RangeError, 'E flag without a sealer');
});

t.test('decodePayload answers a type no message may carry with INVALID-PAYLOAD-TYPE', async (t) => {
  const link = { type: PayloadType.T, typeAt: 40, body: hex('0101 0000'), at: 44 };
  t.throws(() => decodePayload(link), { name: 'WireError', notify: NotifyType.INVALID_PAYLOAD_TYPE, offset: 40 });
  t.strictSame(decodePayload({ ...link, type: PayloadType.HASH }), { type: PayloadType.HASH, data: hex('01010000') });
});

t.test('a message without payloads is syntactically valid', async (t) => {
  const header: Header = {
    initiatorCookie: cookieI,
    responderCookie: cookieR,
    exchangeType: ExchangeType.INFORMATIONAL,
    flags: 0,
    messageId: 7,
  };
  const bytes = encodeMessage({ header, payloads: [] });
  t.equal(bytes.length, HEADER_LENGTH);
  t.strictSame(decodeMessage(bytes), { header, payloads: [] });
});

t.test('malformed headers and chains are rejected with the notification to send', async (t) => {
  const good = mainMode1;
  const edit = (offset: number, bytes: string): Buffer => {
    const copy = Buffer.from(good);
    hex(bytes).copy(copy, offset);
    return copy;
  };
  const withLength = (b: Buffer): Buffer => {
    b.writeUInt32BE(b.length, 24);
    return b;
  };
  const cases: [string, Buffer, number, number][] = [
    ['empty datagram', Buffer.alloc(0), NotifyType.PAYLOAD_MALFORMED, 0],
    ['27 octets', good.subarray(0, 27), NotifyType.PAYLOAD_MALFORMED, 0],
    ['IKEv2 version', edit(17, '20'), NotifyType.INVALID_MAJOR_VERSION, 17],
    ['minor version 1', edit(17, '11'), NotifyType.INVALID_MINOR_VERSION, 17],
    ['exchange type 0', edit(18, '00'), NotifyType.INVALID_EXCHANGE_TYPE, 18],
    ['exchange type 34 (IKEv2 IKE_SA_INIT)', edit(18, '22'), NotifyType.INVALID_EXCHANGE_TYPE, 18],
    ['unknown flag bit', edit(19, '08'), NotifyType.INVALID_FLAGS, 19],
    ['header length short of the datagram', edit(24, '0000008b'), NotifyType.UNEQUAL_PAYLOAD_LENGTHS, 24],
    ['header length beyond the datagram', edit(24, '0000008d'), NotifyType.UNEQUAL_PAYLOAD_LENGTHS, 24],
    ['trailing octet after the datagram', Buffer.concat([good, hex('00')]), NotifyType.UNEQUAL_PAYLOAD_LENGTHS, 24],
    ['unknown first payload', edit(16, '63'), NotifyType.INVALID_PAYLOAD_TYPE, 16],
    ['proposal at top level', edit(16, '02'), NotifyType.INVALID_PAYLOAD_TYPE, 16],
    ['IKEv2 payload type 33', edit(16, '21'), NotifyType.INVALID_PAYLOAD_TYPE, 16],
    ['unknown second payload', edit(28, '0f'), NotifyType.INVALID_PAYLOAD_TYPE, 28],
    ['generic header reserved octet', edit(29, '80'), NotifyType.PAYLOAD_MALFORMED, 29],
    ['payload length below 4', edit(30, '0003'), NotifyType.PAYLOAD_MALFORMED, 30],
    ['payload length overflows', edit(122, '0015'), NotifyType.PAYLOAD_MALFORMED, 122],
    ['octets after the last payload', withLength(Buffer.concat([good, hex('0000')])), NotifyType.UNEQUAL_PAYLOAD_LENGTHS, 140],
    ['chain says more but the body ends', withLength(Buffer.from(edit(120, '0d'))), NotifyType.PAYLOAD_MALFORMED, 140],
  ];
  for (const [why, input, notify, offset] of cases) {
    t.throws(() => decodeMessage(input), { name: 'WireError', notify, offset }, why);
  }
});

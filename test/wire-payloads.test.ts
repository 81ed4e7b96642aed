import t from 'tap';
import {
  AhTransformId,
  AuthAlgorithm,
  basicAttribute,
  CertEncoding,
  CfgType,
  decodeMessage,
  Doi,
  encodeBody,
  encodeMessage,
  encodePayloadBody,
  EncapsulationMode,
  EspTransformId,
  ExchangeType,
  GroupDescription,
  IdType,
  IkeAttribute,
  IkeEncryption,
  IpcompTransformId,
  IpsecAttribute,
  IsakmpTransformId,
  LifeType,
  ModeConfigAttribute,
  NotifyType,
  numberAttribute,
  PayloadType,
  ProtocolId,
  variableAttribute,
  XauthAttribute,
  type Header,
  type Payload,
} from '../src/ike/wire';

const hex = (s: string): Buffer => Buffer.from(s.replace(/#.*$/gm, '').replace(/\s+/g, ''), 'hex');
const u16 = (n: number): string => n.toString(16).padStart(4, '0');

const header: Header = {
  initiatorCookie: hex('0102030405060708'),
  responderCookie: hex('a1a2a3a4a5a6a7a8'),
  exchangeType: ExchangeType.QUICK_MODE,
  flags: 0,
  messageId: 0x01020304,
};

/** A generic payload: next type, reserved, length, body (hex). */
function gen(next: number, body: string): string {
  const b = hex(body).toString('hex');
  return next.toString(16).padStart(2, '0') + '00' + u16(4 + b.length / 2) + b;
}

/** A whole plaintext message whose only payload is `body` of type `type`. */
function single(type: number, body: string): Buffer {
  const chain = hex(gen(0, body));
  const head = Buffer.alloc(28);
  hex('0102030405060708a1a2a3a4a5a6a7a8').copy(head, 0);
  head.writeUInt8(type, 16);
  head.writeUInt8(0x10, 17);
  head.writeUInt8(ExchangeType.QUICK_MODE, 18);
  head.writeUInt32BE(28 + chain.length, 24);
  return Buffer.concat([head, chain]);
}

const dn = hex('300e310c300a06035504030c03677731'); // SEQUENCE { SET { SEQUENCE { CN, "gw1" } } }
const espSpi = hex('c0ffee01');

const roundTrips: [string, Payload][] = [
  ['SA, Phase 1, one transform', {
    type: PayloadType.SA,
    proposals: [{
      number: 1,
      protocolId: ProtocolId.ISAKMP,
      spi: Buffer.alloc(0),
      transforms: [{
        number: 1,
        transformId: IsakmpTransformId.KEY_IKE,
        attributes: [
          basicAttribute(IkeAttribute.ENCRYPTION_ALGORITHM, IkeEncryption.AES_CBC),
          basicAttribute(IkeAttribute.KEY_LENGTH, 256),
          basicAttribute(IkeAttribute.GROUP_DESCRIPTION, GroupDescription.MODP_2048),
          numberAttribute(IkeAttribute.LIFE_DURATION, 86400),
        ],
      }],
    }],
  }],
  ['SA, Phase 1 with a cookie-pair SPI', {
    type: PayloadType.SA,
    proposals: [{
      number: 0,
      protocolId: ProtocolId.ISAKMP,
      spi: Buffer.alloc(16, 7),
      transforms: [{ number: 0, transformId: IsakmpTransformId.KEY_IKE, attributes: [] }],
    }],
  }],
  ['SA, Quick Mode: ESP+AH bundle (same number) or ESP alone', {
    type: PayloadType.SA,
    proposals: [
      {
        number: 1,
        protocolId: ProtocolId.IPSEC_ESP,
        spi: espSpi,
        transforms: [{
          number: 1,
          transformId: EspTransformId.ESP_AES,
          attributes: [
            basicAttribute(IpsecAttribute.SA_LIFE_TYPE, LifeType.SECONDS),
            basicAttribute(IpsecAttribute.SA_LIFE_DURATION, 3600),
            basicAttribute(IpsecAttribute.SA_LIFE_TYPE, LifeType.KILOBYTES),
            variableAttribute(IpsecAttribute.SA_LIFE_DURATION, hex('00465000')),
            basicAttribute(IpsecAttribute.ENCAPSULATION_MODE, EncapsulationMode.UDP_ENCAPSULATED_TUNNEL_DRAFT),
            basicAttribute(IpsecAttribute.AUTHENTICATION_ALGORITHM, AuthAlgorithm.HMAC_SHA2_256),
            basicAttribute(IpsecAttribute.KEY_LENGTH, 128),
            basicAttribute(IpsecAttribute.GROUP_DESCRIPTION, GroupDescription.ECP_256),
          ],
        }],
      },
      {
        number: 1,
        protocolId: ProtocolId.IPSEC_AH,
        spi: hex('c0ffee02'),
        transforms: [{
          number: 1,
          transformId: AhTransformId.AH_SHA,
          attributes: [basicAttribute(IpsecAttribute.AUTHENTICATION_ALGORITHM, AuthAlgorithm.HMAC_SHA)],
        }],
      },
      {
        number: 2,
        protocolId: ProtocolId.IPSEC_ESP,
        spi: hex('c0ffee03'),
        transforms: [
          { number: 1, transformId: EspTransformId.ESP_AES_GCM_16, attributes: [basicAttribute(IpsecAttribute.KEY_LENGTH, 256)] },
          { number: 2, transformId: EspTransformId.ESP_3DES, attributes: [basicAttribute(IpsecAttribute.AUTHENTICATION_ALGORITHM, AuthAlgorithm.HMAC_MD5)] },
          { number: 3, transformId: EspTransformId.ESP_NULL, attributes: [basicAttribute(IpsecAttribute.AUTHENTICATION_ALGORITHM, AuthAlgorithm.HMAC_SHA)] },
        ],
      },
    ],
  }],
  ['SA, IPComp with a 2-octet CPI', {
    type: PayloadType.SA,
    proposals: [{
      number: 1,
      protocolId: ProtocolId.IPCOMP,
      spi: hex('1234'),
      transforms: [{ number: 1, transformId: IpcompTransformId.IPCOMP_DEFLATE, attributes: [] }],
    }],
  }],
  ['KE', { type: PayloadType.KE, data: Buffer.alloc(128, 0xab) }],
  ['ID IPv4 address, UDP/500', { type: PayloadType.ID, identity: { idType: IdType.IPV4_ADDR, address: '198.51.100.7' }, protocolId: 17, port: 500 }],
  ['ID IPv4 subnet', { type: PayloadType.ID, identity: { idType: IdType.IPV4_ADDR_SUBNET, address: '10.1.0.0', mask: '255.255.0.0' }, protocolId: 0, port: 0 }],
  ['ID IPv4 range, TCP/80', { type: PayloadType.ID, identity: { idType: IdType.IPV4_ADDR_RANGE, start: '10.0.0.1', end: '10.0.0.99' }, protocolId: 6, port: 80 }],
  ['ID FQDN', { type: PayloadType.ID, identity: { idType: IdType.FQDN, name: 'gw1.example.net' }, protocolId: 17, port: 500 }],
  ['ID user FQDN', { type: PayloadType.ID, identity: { idType: IdType.USER_FQDN, name: 'piper@example.net' }, protocolId: 0, port: 0 }],
  ['ID DER ASN.1 DN', { type: PayloadType.ID, identity: { idType: IdType.DER_ASN1_DN, der: dn }, protocolId: 0, port: 0 }],
  ['ID DER ASN.1 GN (dNSName)', { type: PayloadType.ID, identity: { idType: IdType.DER_ASN1_GN, der: hex('820a67772e6578616d706c65') }, protocolId: 0, port: 0 }],
  ['ID key id', { type: PayloadType.ID, identity: { idType: IdType.KEY_ID, keyId: hex('0011223344') }, protocolId: 0, port: 0 }],
  ['ID IPv6 address', { type: PayloadType.ID, identity: { idType: IdType.IPV6_ADDR, address: '2001:db8::1' }, protocolId: 0, port: 0 }],
  ['ID IPv6 subnet', { type: PayloadType.ID, identity: { idType: IdType.IPV6_ADDR_SUBNET, address: '2001:db8:1::', mask: 'ffff:ffff:ffff::' }, protocolId: 0, port: 0 }],
  ['ID IPv6 range', { type: PayloadType.ID, identity: { idType: IdType.IPV6_ADDR_RANGE, start: '::', end: '2001:db8:0:1:1:1:1:1' }, protocolId: 0, port: 0 }],
  ['CERT', { type: PayloadType.CERT, certEncoding: CertEncoding.X509_SIGNATURE, data: hex('3003020101') }],
  ['CR for any authority', { type: PayloadType.CR, certType: CertEncoding.X509_SIGNATURE, authority: Buffer.alloc(0) }],
  ['CR for one authority', { type: PayloadType.CR, certType: CertEncoding.X509_SIGNATURE, authority: dn }],
  ['HASH', { type: PayloadType.HASH, data: Buffer.alloc(32, 0x11) }],
  ['SIG', { type: PayloadType.SIG, data: Buffer.alloc(256, 0x22) }],
  ['NONCE, shortest', { type: PayloadType.NONCE, data: Buffer.alloc(8, 1) }],
  ['NONCE, longest', { type: PayloadType.NONCE, data: Buffer.alloc(256, 2) }],
  ['N INITIAL-CONTACT on the cookie pair', {
    type: PayloadType.N, doi: Doi.IPSEC, protocolId: ProtocolId.ISAKMP, spi: hex('0102030405060708a1a2a3a4a5a6a7a8'),
    notifyType: NotifyType.INITIAL_CONTACT, data: Buffer.alloc(0),
  }],
  ['N RESPONDER-LIFETIME with attribute data', {
    type: PayloadType.N, doi: Doi.IPSEC, protocolId: ProtocolId.IPSEC_ESP, spi: espSpi,
    notifyType: NotifyType.RESPONDER_LIFETIME, data: hex('80010001 80020e10'),
  }],
  ['N PAYLOAD-MALFORMED, ISAKMP DOI, no SPI', {
    type: PayloadType.N, doi: Doi.ISAKMP, protocolId: ProtocolId.ISAKMP, spi: Buffer.alloc(0),
    notifyType: NotifyType.PAYLOAD_MALFORMED, data: Buffer.alloc(0),
  }],
  ['D of an ISAKMP SA', { type: PayloadType.D, doi: Doi.IPSEC, protocolId: ProtocolId.ISAKMP, spis: [hex('0102030405060708a1a2a3a4a5a6a7a8')] }],
  ['D of two ESP SAs', { type: PayloadType.D, doi: Doi.IPSEC, protocolId: ProtocolId.IPSEC_ESP, spis: [espSpi, hex('c0ffee09')] }],
  ['VID', { type: PayloadType.VID, data: hex('afcad71368a1f1c96b8696fc77570100') }],
  ['ATTR request with empty values', {
    type: PayloadType.ATTR, cfgType: CfgType.ISAKMP_CFG_REQUEST, identifier: 0x1234,
    attributes: [
      variableAttribute(ModeConfigAttribute.INTERNAL_IP4_ADDRESS, Buffer.alloc(0)),
      variableAttribute(ModeConfigAttribute.INTERNAL_IP4_DNS, Buffer.alloc(0)),
    ],
  }],
  ['ATTR XAUTH reply', {
    type: PayloadType.ATTR, cfgType: CfgType.ISAKMP_CFG_REPLY, identifier: 1,
    attributes: [
      basicAttribute(XauthAttribute.XAUTH_TYPE, 0),
      variableAttribute(XauthAttribute.XAUTH_USER_NAME, Buffer.from('piper')),
      variableAttribute(XauthAttribute.XAUTH_USER_PASSWORD, Buffer.from('s3cret')),
    ],
  }],
  ['ATTR ack, no attributes', { type: PayloadType.ATTR, cfgType: CfgType.ISAKMP_CFG_ACK, identifier: 9, attributes: [] }],
  ['NAT-D', { type: PayloadType.NAT_D, hash: Buffer.alloc(20, 0x33) }],
  ['NAT-D, draft numbering', { type: PayloadType.NAT_D_DRAFT, hash: Buffer.alloc(16, 0x44) }],
  ['NAT-OA IPv4', { type: PayloadType.NAT_OA, idType: IdType.IPV4_ADDR, address: '192.168.1.10' }],
  ['NAT-OA IPv6, draft numbering', { type: PayloadType.NAT_OA_DRAFT, idType: IdType.IPV6_ADDR, address: 'fe80::1:0:0:1' }],
];

t.test('every payload kind survives encode then decode unchanged', async (t) => {
  for (const [name, payload] of roundTrips) {
    const bytes = encodeMessage({ header, payloads: [payload] });
    t.strictSame(decodeMessage(bytes), { header, payloads: [payload] }, name);
  }
  const all = roundTrips.map(([, p]) => p);
  t.strictSame(decodeMessage(encodeMessage({ header, payloads: all })).payloads, all, 'all of them in one chain');
});

t.test('payload bodies match their RFC layouts octet for octet', async (t) => {
  const vectors: [string, Payload, string][] = [
    ['Quick Mode ESP proposal (RFC 2407 4.5 attributes)', {
      type: PayloadType.SA,
      proposals: [{
        number: 1, protocolId: ProtocolId.IPSEC_ESP, spi: espSpi,
        transforms: [{
          number: 1, transformId: EspTransformId.ESP_3DES,
          attributes: [
            basicAttribute(IpsecAttribute.ENCAPSULATION_MODE, EncapsulationMode.TUNNEL),
            basicAttribute(IpsecAttribute.AUTHENTICATION_ALGORITHM, AuthAlgorithm.HMAC_SHA),
          ],
        }],
      }],
    }, `00000001 00000001      # DOI IPsec, SIT_IDENTITY_ONLY
        00 00 001c             # proposal, last, 28
        01 03 04 01 c0ffee01   # #1 PROTO_IPSEC_ESP, SPI size 4, 1 transform, SPI
        00 00 0010             # transform, last, 16
        01 03 0000             # #1 ESP_3DES
        8004 0001 8005 0002    # tunnel, HMAC-SHA`],
    ['ID IPv4 subnet (RFC 2407 4.6.2)', {
      type: PayloadType.ID, identity: { idType: IdType.IPV4_ADDR_SUBNET, address: '10.1.2.0', mask: '255.255.255.0' }, protocolId: 0, port: 0,
    }, '04 00 0000 0a010200 ffffff00'],
    ['ID FQDN', { type: PayloadType.ID, identity: { idType: IdType.FQDN, name: 'gw' }, protocolId: 17, port: 500 }, '02 11 01f4 6777'],
    ['N INITIAL-CONTACT (RFC 2407 4.6.3.3)', {
      type: PayloadType.N, doi: Doi.IPSEC, protocolId: ProtocolId.ISAKMP, spi: hex('0102030405060708a1a2a3a4a5a6a7a8'),
      notifyType: NotifyType.INITIAL_CONTACT, data: Buffer.alloc(0),
    }, '00000001 01 10 6002 0102030405060708a1a2a3a4a5a6a7a8'],
    ['D of two ESP SAs (RFC 2408 3.15)', {
      type: PayloadType.D, doi: Doi.IPSEC, protocolId: ProtocolId.IPSEC_ESP, spis: [espSpi, hex('c0ffee09')],
    }, '00000001 03 04 0002 c0ffee01 c0ffee09'],
    ['ATTR set (mode-cfg 3.2)', {
      type: PayloadType.ATTR, cfgType: CfgType.ISAKMP_CFG_SET, identifier: 0xbeef,
      attributes: [variableAttribute(ModeConfigAttribute.INTERNAL_IP4_ADDRESS, hex('0a000001'))],
    }, '03 00 beef 0001 0004 0a000001'],
    ['NAT-OA (RFC 3947 5.2)', { type: PayloadType.NAT_OA, idType: IdType.IPV4_ADDR, address: '192.168.1.10' }, '01 00 0000 c0a8010a'],
    ['CERT', { type: PayloadType.CERT, certEncoding: CertEncoding.X509_SIGNATURE, data: hex('3000') }, '04 3000'],
    ['CR', { type: PayloadType.CR, certType: CertEncoding.X509_SIGNATURE, authority: Buffer.alloc(0) }, '04'],
  ];
  for (const [name, payload, body] of vectors) t.equal(encodePayloadBody(payload).toString('hex'), hex(body).toString('hex'), name);
  t.equal(
    encodeBody([{ type: PayloadType.HASH, data: hex('aabb') }, { type: PayloadType.NONCE, data: hex('0001020304050607') }]).toString('hex'),
    '0a000006aabb' + '0000000c0001020304050607',
    'each generic header names the next payload; the last names none',
  );
});

t.test('addresses decode to canonical text (RFC 5952 for IPv6)', async (t) => {
  const v6: [string, string][] = [
    ['20010db8000000000000000000000001', '2001:db8::1'],
    ['00000000000000000000000000000000', '::'],
    ['00000000000000000000000000000001', '::1'],
    ['fe800000000000000001000000000001', 'fe80::1:0:0:1'],
    ['00010000000000020000000000030004', '1::2:0:0:3:4'],
    ['00010000000000020000000000000003', '1:0:0:2::3'],
    ['20010db8000000010001000100010001', '2001:db8:0:1:1:1:1:1'],
    ['20010db8000100000000000000000000', '2001:db8:1::'],
  ];
  for (const [bytes, text] of v6) {
    const decoded = decodeMessage(single(PayloadType.ID, `05 00 0000 ${bytes}`)).payloads[0];
    t.strictSame(decoded, { type: PayloadType.ID, identity: { idType: IdType.IPV6_ADDR, address: text }, protocolId: 0, port: 0 }, text);
  }
  const upper: Payload = { type: PayloadType.ID, identity: { idType: IdType.IPV6_ADDR, address: '2001:DB8:0::1' }, protocolId: 0, port: 0 };
  t.equal(encodePayloadBody(upper).toString('hex'), '050000002001' + '0db8' + '0'.repeat(20) + '0001', 'any valid spelling encodes');
});

t.test('encoding refuses values that could not be decoded back', async (t) => {
  const bad: [string, Payload][] = [
    ['IPv4 address text', { type: PayloadType.ID, identity: { idType: IdType.IPV4_ADDR, address: '10.0.0.256' }, protocolId: 0, port: 0 }],
    ['IPv6 text for an IPv4 type', { type: PayloadType.ID, identity: { idType: IdType.IPV4_ADDR_SUBNET, address: '::1', mask: '255.0.0.0' }, protocolId: 0, port: 0 }],
    ['two "::"', { type: PayloadType.ID, identity: { idType: IdType.IPV6_ADDR, address: '1::2::3' }, protocolId: 0, port: 0 }],
    ['nine IPv6 groups', { type: PayloadType.ID, identity: { idType: IdType.IPV6_ADDR, address: '1:2:3:4:5:6:7:8:9' }, protocolId: 0, port: 0 }],
    ['"::" standing for nothing', { type: PayloadType.ID, identity: { idType: IdType.IPV6_ADDR, address: '1:2:3:4::5:6:7:8' }, protocolId: 0, port: 0 }],
    ['IPv6 group of five digits', { type: PayloadType.ID, identity: { idType: IdType.IPV6_ADDR, address: '12345::' }, protocolId: 0, port: 0 }],
    ['FQDN with a space', { type: PayloadType.ID, identity: { idType: IdType.FQDN, name: 'gw 1' }, protocolId: 0, port: 0 }],
    ['FQDN beyond Latin-1', { type: PayloadType.ID, identity: { idType: IdType.FQDN, name: 'gw\u2603' }, protocolId: 0, port: 0 }],
    ['empty user FQDN', { type: PayloadType.ID, identity: { idType: IdType.USER_FQDN, name: '' }, protocolId: 0, port: 0 }],
    ['DN that is a SET', { type: PayloadType.ID, identity: { idType: IdType.DER_ASN1_DN, der: hex('3100') }, protocolId: 0, port: 0 }],
    ['empty key id', { type: PayloadType.ID, identity: { idType: IdType.KEY_ID, keyId: Buffer.alloc(0) }, protocolId: 0, port: 0 }],
    ['port beyond 16 bits', { type: PayloadType.ID, identity: { idType: IdType.IPV4_ADDR, address: '10.0.0.1' }, protocolId: 0, port: 65536 }],
    ['delete without SPIs', { type: PayloadType.D, doi: Doi.IPSEC, protocolId: ProtocolId.IPSEC_ESP, spis: [] }],
    ['delete with mixed SPI sizes', { type: PayloadType.D, doi: Doi.IPSEC, protocolId: ProtocolId.IPSEC_ESP, spis: [espSpi, hex('01')] }],
    ['NAT-OA IPv4 text for IPv6', { type: PayloadType.NAT_OA, idType: IdType.IPV6_ADDR, address: '10.0.0.1' }],
    ['more than 255 transforms', {
      type: PayloadType.SA,
      proposals: [{
        number: 1, protocolId: ProtocolId.IPSEC_ESP, spi: espSpi,
        transforms: Array.from({ length: 256 }, (_, i) => ({ number: i % 256, transformId: EspTransformId.ESP_AES, attributes: [] })),
      }],
    }],
  ];
  for (const [why, payload] of bad) t.throws(() => encodePayloadBody(payload), RangeError, why);
  t.throws(() => encodeBody([{ type: PayloadType.KE, data: Buffer.alloc(0xfffc) }]), RangeError, 'payload beyond 64 KiB');
  t.doesNotThrow(() => encodeBody([{ type: PayloadType.KE, data: Buffer.alloc(0xfffb) }]), 'payload of exactly 64 KiB - 1');
});

// Each case is one payload in a message; its body starts at offset 32.
const espTransform = gen(0, '01 0c 0000 80040001 80050002');
const espProposal = (next: number, number = '01', transforms = espTransform, count = '01'): string =>
  gen(next, `${number} 03 04 ${count} c0ffee01 ${transforms}`);
const saBody = (proposals: string): string => `00000001 00000001 ${proposals}`;

const rejections: [string, number, string, number, number][] = [
  ['SA DOI 2', PayloadType.SA, `00000002 00000001 ${espProposal(0)}`, NotifyType.DOI_NOT_SUPPORTED, 32],
  ['SA generic ISAKMP DOI 0', PayloadType.SA, `00000000 00000001 ${espProposal(0)}`, NotifyType.DOI_NOT_SUPPORTED, 32],
  ['SA SIT_SECRECY', PayloadType.SA, `00000001 00000002 ${espProposal(0)}`, NotifyType.SITUATION_NOT_SUPPORTED, 36],
  ['SA shorter than DOI and situation', PayloadType.SA, '00000001 000000', NotifyType.PAYLOAD_MALFORMED, 32],
  ['SA without proposals', PayloadType.SA, saBody(''), NotifyType.BAD_PROPOSAL_SYNTAX, 40],
  ['SA with a truncated proposal header', PayloadType.SA, saBody('0000'), NotifyType.PAYLOAD_MALFORMED, 40],
  ['transform where a proposal belongs', PayloadType.SA, saBody(espProposal(PayloadType.T) + espProposal(0)), NotifyType.BAD_PROPOSAL_SYNTAX, 40],
  ['octets after the last proposal', PayloadType.SA, saBody(espProposal(0) + '00'), NotifyType.BAD_PROPOSAL_SYNTAX, 68],
  ['proposal numbers decrease', PayloadType.SA, saBody(espProposal(PayloadType.P, '02') + espProposal(0, '01')), NotifyType.BAD_PROPOSAL_SYNTAX, 72],
  ['proposal shorter than its fixed fields', PayloadType.SA, saBody(gen(0, '010304')), NotifyType.PAYLOAD_MALFORMED, 44],
  ['unknown protocol id', PayloadType.SA, saBody(gen(0, `01 09 04 01 c0ffee01 ${espTransform}`)), NotifyType.INVALID_PROTOCOL_ID, 45],
  ['ESP without an SPI', PayloadType.SA, saBody(gen(0, `01 03 00 01 ${espTransform}`)), NotifyType.BAD_PROPOSAL_SYNTAX, 46],
  ['ISAKMP SPI of 17 octets', PayloadType.SA, saBody(gen(0, `01 01 11 01 ${'00'.repeat(17)} ${espTransform}`)), NotifyType.BAD_PROPOSAL_SYNTAX, 46],
  ['SPI overflowing the proposal', PayloadType.SA, saBody(gen(0, '01 03 04 01 c0ff')), NotifyType.PAYLOAD_MALFORMED, 46],
  ['proposal without transforms', PayloadType.SA, saBody(gen(0, '01 03 04 00 c0ffee01')), NotifyType.BAD_PROPOSAL_SYNTAX, 47],
  ['transform count says 2, one present', PayloadType.SA, saBody(espProposal(0, '01', espTransform, '02')), NotifyType.BAD_PROPOSAL_SYNTAX, 47],
  ['KE where a transform belongs', PayloadType.SA, saBody(espProposal(0, '01', gen(PayloadType.KE, '01 0c 0000') + espTransform, '02')), NotifyType.BAD_PROPOSAL_SYNTAX, 52],
  ['octets after the last transform', PayloadType.SA, saBody(espProposal(0, '01', espTransform + 'ff')), NotifyType.BAD_PROPOSAL_SYNTAX, 68],
  ['transform numbers repeat', PayloadType.SA, saBody(espProposal(0, '01', gen(PayloadType.T, '01 0c 0000') + espTransform, '02')), NotifyType.BAD_PROPOSAL_SYNTAX, 44],
  ['transform shorter than its fixed fields', PayloadType.SA, saBody(espProposal(0, '01', gen(0, '010c00'))), NotifyType.PAYLOAD_MALFORMED, 56],
  ['transform reserved field', PayloadType.SA, saBody(espProposal(0, '01', gen(0, '01 0c 0001'))), NotifyType.PAYLOAD_MALFORMED, 58],
  ['attribute length overflows the transform', PayloadType.SA, saBody(espProposal(0, '01', gen(0, '01 0c 0000 0002 0008 00000e10'))), NotifyType.PAYLOAD_MALFORMED, 60],
  ['attribute header truncated', PayloadType.SA, saBody(espProposal(0, '01', gen(0, '01 0c 0000 8004'))), NotifyType.PAYLOAD_MALFORMED, 60],
  ['IPsec basic class sent variable', PayloadType.SA, saBody(espProposal(0, '01', gen(0, '01 0c 0000 0005 0002 0002'))), NotifyType.PAYLOAD_MALFORMED, 60],
  ['IKE basic class sent variable', PayloadType.SA, saBody(gen(0, `01 01 00 01 ${gen(0, '01 01 0000 0001 0002 0007')}`)), NotifyType.PAYLOAD_MALFORMED, 56],
  ['empty KE', PayloadType.KE, '', NotifyType.PAYLOAD_MALFORMED, 32],
  ['ID shorter than its fixed fields', PayloadType.ID, '01 11 01', NotifyType.PAYLOAD_MALFORMED, 32],
  ['ID type 0', PayloadType.ID, '00 00 0000 0a000001', NotifyType.INVALID_ID_INFORMATION, 32],
  ['ID type 12', PayloadType.ID, '0c 00 0000 0a000001', NotifyType.INVALID_ID_INFORMATION, 32],
  ['IPv4 address of 3 octets', PayloadType.ID, '01 00 0000 0a0000', NotifyType.INVALID_ID_INFORMATION, 32],
  ['IPv4 subnet without a mask', PayloadType.ID, '04 00 0000 0a000000', NotifyType.INVALID_ID_INFORMATION, 32],
  ['IPv4 range of 9 octets', PayloadType.ID, '07 00 0000 0a000001 0a00000200', NotifyType.INVALID_ID_INFORMATION, 32],
  ['IPv6 address of 4 octets', PayloadType.ID, '05 00 0000 0a000001', NotifyType.INVALID_ID_INFORMATION, 32],
  ['empty FQDN', PayloadType.ID, '02 00 0000', NotifyType.INVALID_ID_INFORMATION, 32],
  ['FQDN with a NUL terminator', PayloadType.ID, '02 00 0000 677700', NotifyType.INVALID_ID_INFORMATION, 32],
  ['user FQDN with a space', PayloadType.ID, '03 00 0000 612040 62', NotifyType.INVALID_ID_INFORMATION, 32],
  ['DN that is a SET', PayloadType.ID, '09 00 0000 3100', NotifyType.INVALID_ID_INFORMATION, 32],
  ['DN with a trailing octet', PayloadType.ID, '09 00 0000 300000', NotifyType.INVALID_ID_INFORMATION, 32],
  ['DN with a BER indefinite length', PayloadType.ID, '09 00 0000 30800000', NotifyType.INVALID_ID_INFORMATION, 32],
  ['empty key id', PayloadType.ID, '0b 00 0000', NotifyType.INVALID_ID_INFORMATION, 32],
  ['CERT without data', PayloadType.CERT, '04', NotifyType.PAYLOAD_MALFORMED, 32],
  ['CR without a type', PayloadType.CR, '', NotifyType.PAYLOAD_MALFORMED, 32],
  ['empty HASH', PayloadType.HASH, '', NotifyType.PAYLOAD_MALFORMED, 32],
  ['empty SIG', PayloadType.SIG, '', NotifyType.PAYLOAD_MALFORMED, 32],
  ['nonce of 7 octets', PayloadType.NONCE, '00'.repeat(7), NotifyType.PAYLOAD_MALFORMED, 32],
  ['nonce of 257 octets', PayloadType.NONCE, '00'.repeat(257), NotifyType.PAYLOAD_MALFORMED, 32],
  ['notification shorter than its fixed fields', PayloadType.N, '00000001 01 00 60', NotifyType.PAYLOAD_MALFORMED, 32],
  ['notification DOI 2', PayloadType.N, '00000002 01 00 6002', NotifyType.DOI_NOT_SUPPORTED, 32],
  ['notification SPI overflows', PayloadType.N, '00000001 01 10 6002 0102030405060708', NotifyType.PAYLOAD_MALFORMED, 37],
  ['delete shorter than its fixed fields', PayloadType.D, '00000001 03 04 00', NotifyType.PAYLOAD_MALFORMED, 32],
  ['delete DOI 3', PayloadType.D, '00000003 03 04 0001 c0ffee01', NotifyType.DOI_NOT_SUPPORTED, 32],
  ['delete of protocol 0', PayloadType.D, '00000001 00 04 0001 c0ffee01', NotifyType.INVALID_PROTOCOL_ID, 36],
  ['delete of no SPIs', PayloadType.D, '00000001 03 04 0000', NotifyType.PAYLOAD_MALFORMED, 37],
  ['delete with SPI size 0', PayloadType.D, '00000001 03 00 0001', NotifyType.PAYLOAD_MALFORMED, 37],
  ['delete SPIs short of their count', PayloadType.D, '00000001 03 04 0002 c0ffee01', NotifyType.PAYLOAD_MALFORMED, 38],
  ['delete SPIs beyond their count', PayloadType.D, '00000001 03 04 0001 c0ffee01 c0ffee02', NotifyType.PAYLOAD_MALFORMED, 38],
  ['empty VID', PayloadType.VID, '', NotifyType.PAYLOAD_MALFORMED, 32],
  ['ATTR shorter than its fixed fields', PayloadType.ATTR, '01 00 00', NotifyType.PAYLOAD_MALFORMED, 32],
  ['ATTR type 0', PayloadType.ATTR, '00 00 0001', NotifyType.PAYLOAD_MALFORMED, 32],
  ['ATTR type 5', PayloadType.ATTR, '05 00 0001', NotifyType.PAYLOAD_MALFORMED, 32],
  ['ATTR reserved octet', PayloadType.ATTR, '01 01 0001', NotifyType.PAYLOAD_MALFORMED, 33],
  ['ATTR attribute overflows', PayloadType.ATTR, '02 00 0001 0001 0005 0a000001', NotifyType.PAYLOAD_MALFORMED, 36],
  ['empty NAT-D', PayloadType.NAT_D, '', NotifyType.PAYLOAD_MALFORMED, 32],
  ['empty draft NAT-D', PayloadType.NAT_D_DRAFT, '', NotifyType.PAYLOAD_MALFORMED, 32],
  ['NAT-OA shorter than its fixed fields', PayloadType.NAT_OA, '01 00 00', NotifyType.PAYLOAD_MALFORMED, 32],
  ['NAT-OA with an FQDN', PayloadType.NAT_OA, '02 00 0000 6777', NotifyType.INVALID_ID_INFORMATION, 32],
  ['NAT-OA reserved fields', PayloadType.NAT_OA_DRAFT, '01 00 0001 0a000001', NotifyType.PAYLOAD_MALFORMED, 33],
  ['NAT-OA IPv4 of 16 octets', PayloadType.NAT_OA, `01 00 0000 ${'00'.repeat(16)}`, NotifyType.PAYLOAD_MALFORMED, 32],
];

t.test('malformed payloads are rejected with the notification to send and where', async (t) => {
  for (const [why, type, body, notify, offset] of rejections) {
    t.throws(() => decodeMessage(single(type, body)), { name: 'WireError', notify, offset }, why);
  }
});

import t from 'tap';
import {
  basicAttribute,
  CfgType,
  decodeBody,
  decodeMessage,
  Doi,
  encodeBody,
  encodeMessage,
  EncapsulationMode,
  EspTransformId,
  ExchangeType,
  Flag,
  IdType,
  IkeAttribute,
  IpsecAttribute,
  IsakmpTransformId,
  NotifyType,
  numberAttribute,
  PayloadType,
  ProtocolId,
  splitMessage,
  variableAttribute,
  WireError,
  type Header,
  type Message,
} from '../src/ike/wire';

/**
 * Random and mutated datagrams: decoding may accept or reject, but the only exception that
 * may escape is WireError, and whatever is accepted must encode back to the same octets.
 * The seed is printed; WIRE_FUZZ_SEED=<n> replays a run.
 */

const SEED = Number(process.env.WIRE_FUZZ_SEED ?? 0x1cea7e);
const RANDOM_CASES = 5000;
const MUTATION_CASES = 5000;

/** xorshift32: tiny, seedable, good enough to spread inputs. */
function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

const random = prng(SEED);
const int = (n: number): number => Math.floor(random() * n);
const pick = <T>(items: readonly T[]): T => items[int(items.length)];
const bytes = (n: number): Buffer => Buffer.from(Array.from({ length: n }, () => int(256)));

const header = (exchangeType: ExchangeType, flags = 0, messageId = 0): Header => ({
  initiatorCookie: Buffer.from('0102030405060708', 'hex'),
  responderCookie: Buffer.from('a1a2a3a4a5a6a7a8', 'hex'),
  exchangeType,
  flags,
  messageId,
});

const corpus: Message[] = [
  {
    header: header(ExchangeType.IDENTITY_PROTECTION),
    payloads: [
      {
        type: PayloadType.SA,
        proposals: [{
          number: 1, protocolId: ProtocolId.ISAKMP, spi: Buffer.alloc(0),
          transforms: [1, 2].map((n) => ({
            number: n, transformId: IsakmpTransformId.KEY_IKE,
            attributes: [basicAttribute(IkeAttribute.ENCRYPTION_ALGORITHM, 7), numberAttribute(IkeAttribute.LIFE_DURATION, 86400 * n)],
          })),
        }],
      },
      { type: PayloadType.VID, data: Buffer.alloc(16, 0x4a) },
    ],
  },
  {
    header: header(ExchangeType.AGGRESSIVE),
    payloads: [
      { type: PayloadType.KE, data: Buffer.alloc(64, 1) },
      { type: PayloadType.NONCE, data: Buffer.alloc(16, 2) },
      { type: PayloadType.ID, identity: { idType: IdType.FQDN, name: 'gw.example' }, protocolId: 17, port: 500 },
      { type: PayloadType.NAT_D, hash: Buffer.alloc(20, 3) },
      { type: PayloadType.NAT_D_DRAFT, hash: Buffer.alloc(20, 4) },
    ],
  },
  {
    header: header(ExchangeType.QUICK_MODE, 0, 0x11223344),
    payloads: [
      { type: PayloadType.HASH, data: Buffer.alloc(20, 5) },
      {
        type: PayloadType.SA,
        proposals: [{
          number: 1, protocolId: ProtocolId.IPSEC_ESP, spi: Buffer.from('c0ffee01', 'hex'),
          transforms: [{
            number: 1, transformId: EspTransformId.ESP_AES,
            attributes: [
              basicAttribute(IpsecAttribute.ENCAPSULATION_MODE, EncapsulationMode.UDP_ENCAPSULATED_TRANSPORT),
              basicAttribute(IpsecAttribute.KEY_LENGTH, 256),
              variableAttribute(IpsecAttribute.SA_LIFE_DURATION, Buffer.from('00465000', 'hex')),
            ],
          }],
        }],
      },
      { type: PayloadType.ID, identity: { idType: IdType.IPV4_ADDR_SUBNET, address: '10.0.0.0', mask: '255.0.0.0' }, protocolId: 0, port: 0 },
      { type: PayloadType.ID, identity: { idType: IdType.IPV4_ADDR_RANGE, start: '10.0.0.1', end: '10.0.0.9' }, protocolId: 6, port: 22 },
      { type: PayloadType.NAT_OA, idType: IdType.IPV4_ADDR, address: '192.168.0.2' },
    ],
  },
  {
    header: header(ExchangeType.INFORMATIONAL, 0, 7),
    payloads: [
      { type: PayloadType.N, doi: Doi.IPSEC, protocolId: ProtocolId.ISAKMP, spi: Buffer.alloc(16, 6), notifyType: NotifyType.R_U_THERE, data: Buffer.from('00000001', 'hex') },
      { type: PayloadType.D, doi: Doi.IPSEC, protocolId: ProtocolId.IPSEC_ESP, spis: [Buffer.alloc(4, 8), Buffer.alloc(4, 9)] },
    ],
  },
  {
    header: header(ExchangeType.TRANSACTION, Flag.ENCRYPTION, 9),
    payloads: [
      { type: PayloadType.HASH, data: Buffer.alloc(20, 10) },
      { type: PayloadType.ATTR, cfgType: CfgType.ISAKMP_CFG_REQUEST, identifier: 3, attributes: [variableAttribute(1, Buffer.alloc(0)), basicAttribute(16520, 0)] },
      { type: PayloadType.ID, identity: { idType: IdType.DER_ASN1_DN, der: Buffer.from('3000', 'hex') }, protocolId: 0, port: 0 },
      { type: PayloadType.CERT, certEncoding: 4, data: Buffer.alloc(8, 11) },
      { type: PayloadType.CR, certType: 4, authority: Buffer.alloc(0) },
      { type: PayloadType.SIG, data: Buffer.alloc(32, 12) },
    ],
  },
];

// Encrypted corpus entries carry their plaintext chain plus zero padding, as after decryption.
const pad = (b: Buffer): Buffer => Buffer.concat([b, Buffer.alloc((8 - (b.length % 8)) % 8)]);
const seeds = corpus.map((m) => encodeMessage(m, pad));

/** Offsets of every generic-header length field: the message's chain, proposals, transforms. */
function lengthFields(datagram: Buffer): number[] {
  const found: number[] = [];
  // Earlier mutations may have broken the structure: walk only as far as it still holds.
  const walk = (start: number, end: number, inner: (body: number, bodyEnd: number) => void): void => {
    for (let o = start; o + 4 <= Math.min(end, datagram.length); ) {
      const length = datagram.readUInt16BE(o + 2);
      found.push(o + 2);
      if (length < 4 || o + length > end) break;
      inner(o + 4, o + length);
      if (datagram[o] === 0) break;
      o += length;
    }
  };
  const transforms = (body: number, end: number): void => {
    if (body + 4 <= end) walk(body + 4 + datagram[body + 2], end, () => undefined);
  };
  let type = datagram[16];
  walk(28, datagram.length, (body, end) => {
    if (type === PayloadType.SA) walk(body + 8, end, transforms);
    type = datagram[body - 4];
  });
  return found;
}

function mutate(input: Buffer): Buffer {
  let b = Buffer.from(input);
  const fixLength = (): void => {
    if (b.length >= 28 && random() < 0.7) b.writeUInt32BE(b.length, 24);
  };
  for (let n = 1 + int(3); n > 0; n--) {
    switch (int(6)) {
      case 0: if (b.length) b[int(b.length)] ^= 1 << int(8); break;
      case 1: if (b.length) b[int(b.length)] = int(256); break;
      case 2: b = b.subarray(0, int(b.length + 1)); fixLength(); break;
      case 3: b = Buffer.concat([b, bytes(1 + int(8))]); fixLength(); break;
      case 4: {
        const fields = lengthFields(b);
        if (!fields.length) break;
        const at = pick(fields);
        const value = random() < 0.1 ? int(0x10000) : Math.min(0xffff, Math.max(0, b.readUInt16BE(at) + int(13) - 6));
        b.writeUInt16BE(value, at);
        break;
      }
      case 5: if (b.length >= 28) b.writeUInt32BE(Math.max(0, b.readUInt32BE(24) + int(9) - 4), 24); break;
    }
  }
  return b;
}

const chainTypes = [1, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 20, 21, 130, 131, 2, 3, 0, 99];

function randomDatagram(): Buffer {
  const mode = int(3);
  if (mode === 0) return bytes(int(300));
  let body = bytes(int(200));
  if (mode === 2) {
    // A well-formed chain of random payloads, so the payload decoders see random bodies.
    const count = 1 + int(4);
    const types = Array.from({ length: count }, () => pick(chainTypes));
    body = Buffer.concat(types.map((_, i) => {
      const inner = bytes(int(40));
      const head = Buffer.from([i + 1 < count ? types[i + 1] : 0, 0, 0, 0]);
      head.writeUInt16BE(4 + inner.length, 2);
      return Buffer.concat([head, inner]);
    }));
    body = Buffer.concat([Buffer.from(types.slice(0, 1)), body]);
  }
  const head = bytes(28);
  head[16] = mode === 2 ? body[0] : pick(chainTypes);
  head[17] = 0x10;
  head[18] = pick(Object.values(ExchangeType));
  head[19] = int(8);
  const datagram = Buffer.concat([head, mode === 2 ? body.subarray(1) : body]);
  datagram.writeUInt32BE(datagram.length, 24);
  return datagram;
}

interface Outcome {
  accepted: number;
  rejected: Map<number, number>;
  failures: string[];
}

/** Decode as the receive path would; an encrypted body is taken as already opened. */
function exercise(input: Buffer, label: string, outcome: Outcome): void {
  try {
    const split = splitMessage(input);
    const payloads = decodeBody(split, split.body);
    const again = encodeBody(payloads);
    const same = split.header.flags & Flag.ENCRYPTION
      ? again.equals(split.body.subarray(0, again.length))
      : encodeMessage(decodeMessage(input)).equals(input);
    if (!same) outcome.failures.push(`${label}: accepted but re-encodes differently: ${input.toString('hex')}`);
    outcome.accepted++;
  } catch (err) {
    if (err instanceof WireError) {
      outcome.rejected.set(err.notify, (outcome.rejected.get(err.notify) ?? 0) + 1);
      if (!(err.offset >= 0 && err.offset <= Math.max(input.length, 28))) {
        outcome.failures.push(`${label}: offset ${err.offset} outside the input: ${input.toString('hex')}`);
      }
    } else {
      outcome.failures.push(`${label}: ${String(err)}: ${input.toString('hex')}`);
    }
  }
}

t.comment(`seed ${SEED}`);

t.test('the corpus itself decodes and re-encodes exactly', async (t) => {
  const outcome: Outcome = { accepted: 0, rejected: new Map(), failures: [] };
  seeds.forEach((s, i) => exercise(s, `corpus ${i}`, outcome));
  t.strictSame(outcome.failures, []);
  t.equal(outcome.accepted, seeds.length);
});

t.test(`${RANDOM_CASES} random datagrams raise nothing but WireError`, async (t) => {
  const outcome: Outcome = { accepted: 0, rejected: new Map(), failures: [] };
  for (let i = 0; i < RANDOM_CASES; i++) exercise(randomDatagram(), `random ${i}`, outcome);
  t.strictSame(outcome.failures, [], `seed ${SEED}`);
  t.comment(`accepted ${outcome.accepted}, rejected ${JSON.stringify([...outcome.rejected].sort((a, b) => a[0] - b[0]))}`);
  t.ok(outcome.rejected.size >= 5, 'rejections come from many checks, not just the header');
});

t.test(`${MUTATION_CASES} mutated messages raise nothing but WireError`, async (t) => {
  const outcome: Outcome = { accepted: 0, rejected: new Map(), failures: [] };
  for (let i = 0; i < MUTATION_CASES; i++) exercise(mutate(pick(seeds)), `mutation ${i}`, outcome);
  t.strictSame(outcome.failures, [], `seed ${SEED}`);
  t.comment(`accepted ${outcome.accepted}, rejected ${JSON.stringify([...outcome.rejected].sort((a, b) => a[0] - b[0]))}`);
  t.ok(outcome.accepted > 0, 'some mutations stay valid, and those re-encode exactly');
  t.ok(outcome.rejected.size >= 8, 'mutations reach the payload checks');
});

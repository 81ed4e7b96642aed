import t from 'tap';
import type { Test } from 'tap';
import { QuickModeInitiator, QuickModeResponder, receiveInformational, type Effect } from '../src/ike/exchange';
import { openHashed, saCrypto, sealHashed, sealInformational } from '../src/ike/exchange/protection';
import type { IkeSa, NegotiatedIpsecSa } from '../src/ike/sa';
import { encodeBody, ExchangeType, Flag, IdType, NotifyType, PayloadType, splitMessage, type Payload } from '../src/ike/wire';
import { failure, gatewayPair, ipsecSaOf, offerOf, phase1, quickMode, services, spiSource, type Gateway } from './helpers/ike-exchange-harness';

type Options = Parameters<typeof gatewayPair>[0];

function up(ao: Options = {}, bo: Options = ao): { a: Gateway; b: Gateway; sas: { ikeSaI: IkeSa; ikeSaR: IkeSa } } {
  const { a, b } = gatewayPair(ao, bo);
  const p1 = phase1(a, b);
  if (!p1.ikeSaI || !p1.ikeSaR) throw new Error('phase 1 failed');
  return { a, b, sas: { ikeSaI: p1.ikeSaI, ikeSaR: p1.ikeSaR } };
}

function mirrored(t: Test, i: NegotiatedIpsecSa | undefined, r: NegotiatedIpsecSa | undefined): void {
  if (!i || !r) {
    t.fail('both sides have the SA');
    return;
  }
  t.same(i.protocols.map((p) => p.protocol), r.protocols.map((p) => p.protocol));
  i.protocols.forEach((pi, n) => {
    const pr = r.protocols[n];
    t.ok(pi.inbound.spi.equals(pr.outbound.spi) && pi.outbound.spi.equals(pr.inbound.spi), `${pi.protocol}: SPIs mirror`);
    t.same(pi.inbound.keys, pr.outbound.keys, `${pi.protocol}: KEYMAT towards the initiator`);
    t.same(pi.outbound.keys, pr.inbound.keys, `${pi.protocol}: KEYMAT towards the responder`);
  });
  t.same(i.lifetime, r.lifetime, 'same lifetime');
  t.equal(i.mode, r.mode, 'same mode');
  t.same(i.localProxy, r.remoteProxy, 'proxies mirror');
  t.equal(i.pfsGroup, r.pfsGroup, 'same PFS group');
}

t.test('three messages; SPIs, KEYMAT and proxies agree', async (t) => {
  const { a, b, sas } = up();
  const qm = quickMode(a, b, sas);
  t.equal(qm.wire.length, 3);
  t.ok(qm.wire.every((w) => splitMessage(w.bytes).header.exchangeType === ExchangeType.QUICK_MODE && (splitMessage(w.bytes).header.flags & Flag.ENCRYPTION)));
  t.ok(qm.wire.every((w) => splitMessage(w.bytes).header.messageId === qm.initiatorMachine.messageId), 'one message ID');
  mirrored(t, qm.saI, qm.saR);
  t.same(qm.saI?.localProxy.identity, { idType: IdType.IPV4_ADDR_SUBNET, address: '10.1.0.0', mask: '255.255.0.0' });
  t.equal(qm.saI?.protocols[0].algorithms.cipher, 'aes-cbc');
  t.equal(qm.saI?.protocols[0].inbound.keys.encryptionKey.length, 16);
  t.equal(qm.saI?.protocols[0].inbound.keys.integrityKey.length, 20);
  t.same(qm.saI?.map, { tag: 'VPN', seq: 10 });
  t.same(qm.saR?.lifetime, { seconds: 3600, kilobytes: 4608000 });
  t.equal(qm.saR?.encapsulation, undefined, 'no NAT: plain ESP');
  t.ok(sas.ikeSaR.messageIds.has(qm.initiatorMachine.messageId));
});

t.test('PFS on and off', async (t) => {
  for (const pfs of [undefined, 2, 14, 19] as const) {
    const { a, b, sas } = up({ pfs });
    const qm = quickMode(a, b, sas);
    t.equal(qm.saI?.pfsGroup, pfs, `pfs ${pfs ?? 'off'}`);
    mirrored(t, qm.saI, qm.saR);
  }
  const { a, b, sas } = up({ pfs: 14 }, { pfs: 5 });
  const qm = quickMode(a, b, sas);
  t.equal(failure(qm.responder)?.error.notify, NotifyType.NO_PROPOSAL_CHOSEN, 'different PFS groups');
});

t.test('several transform sets: the responder takes the first it has', async (t) => {
  const sets = [
    { name: 'LEGACY', transforms: [{ name: 'esp-3des' as const }, { name: 'esp-md5-hmac' as const }] },
    { name: 'GCM', transforms: [{ name: 'esp-gcm' as const, keyBits: 256 }] },
    { name: 'AES', transforms: [{ name: 'esp-aes' as const, keyBits: 256 }, { name: 'esp-sha256-hmac' as const }] },
  ];
  const { a, b, sas } = up({ transformSets: sets }, { transformSets: [sets[2], sets[1]] });
  const qm = quickMode(a, b, sas);
  t.equal(qm.saI?.protocols[0].algorithms.cipher, 'aes-gcm', 'offer order: GCM comes before AES');
  t.equal(qm.saI?.protocols[0].inbound.keys.encryptionKey.length, 36, 'AES-256 key and 4-octet salt');
  mirrored(t, qm.saI, qm.saR);
});

t.test('AH and ESP bundle', async (t) => {
  const set = [{ name: 'BOTH', transforms: [{ name: 'ah-sha-hmac' as const }, { name: 'esp-aes' as const, keyBits: 192 }, { name: 'esp-md5-hmac' as const }] }];
  const { a, b, sas } = up({ transformSets: set });
  const qm = quickMode(a, b, sas);
  t.same(qm.saI?.protocols.map((p) => p.protocol), ['ah', 'esp']);
  t.equal(qm.saI?.protocols[0].inbound.keys.integrityKey.length, 20);
  t.equal(qm.saI?.protocols[0].inbound.keys.encryptionKey.length, 0);
  mirrored(t, qm.saI, qm.saR);
});

t.test('tunnel and transport', async (t) => {
  const set = (mode: 'tunnel' | 'transport') => [{ name: 'TS', transforms: [{ name: 'esp-aes' as const }, { name: 'esp-sha-hmac' as const }], mode }];
  for (const [mine, theirs, expected] of [['tunnel', 'tunnel', 'tunnel'], ['transport', 'transport', 'transport']] as const) {
    const { a, b, sas } = up({ transformSets: set(mine) }, { transformSets: set(theirs) });
    const qm = quickMode(a, b, sas);
    t.equal(qm.saI?.mode, expected, `${mine} offer, ${theirs} set`);
    mirrored(t, qm.saI, qm.saR);
  }
});

t.test('lifetimes: the shorter wins; RESPONDER-LIFETIME tells the initiator', async (t) => {
  const { a, b, sas } = up({ lifetimeSeconds: 3600, lifetimeKilobytes: 100000 }, { lifetimeSeconds: 900, lifetimeKilobytes: 200000 });
  const qm = quickMode(a, b, sas);
  t.same(qm.saR?.lifetime, { seconds: 900, kilobytes: 100000 });
  t.same(qm.saI?.lifetime, { seconds: 900, kilobytes: 100000 }, 'initiator adopted the responder\'s seconds');
  t.equal((qm.saI?.expiresAt ?? 0) - (qm.saI?.createdAt ?? 0), 900_000);
  const longer = up({ lifetimeSeconds: 900 }, { lifetimeSeconds: 3600 });
  const qm2 = quickMode(longer.a, longer.b, longer.sas);
  t.same(qm2.saI?.lifetime.seconds, 900, 'the initiator\'s shorter offer stands');
  t.same(qm2.saR?.lifetime.seconds, 900);
});

t.test('no common proposal: NO-PROPOSAL-CHOSEN, no SA anywhere', async (t) => {
  const { a, b, sas } = up({ transformSets: [{ name: 'TS', transforms: [{ name: 'esp-3des' }, { name: 'esp-sha-hmac' }] }] }, { transformSets: [{ name: 'TS', transforms: [{ name: 'esp-aes' }, { name: 'esp-sha-hmac' }] }] });
  const qm = quickMode(a, b, sas);
  t.equal(failure(qm.responder)?.error.notify, NotifyType.NO_PROPOSAL_CHOSEN);
  t.notOk(ipsecSaOf(qm.initiator) || ipsecSaOf(qm.responder), 'no SA');
  const notice = qm.wire[1];
  t.equal(splitMessage(notice.bytes).header.exchangeType, ExchangeType.INFORMATIONAL, 'a protected notification, not message 2');
  const heard = receiveInformational(sas.ikeSaI, notice.bytes, services(a).random);
  const n = heard[0];
  t.equal(n.kind === 'notify' && n.notify.notifyType, NotifyType.NO_PROPOSAL_CHOSEN);
  t.ok(n.kind === 'notify' && n.notify.spi.equals(qm.initiatorMachine.inboundSpis.get('esp') ?? Buffer.alloc(0)), 'names the initiator\'s SPI');
  t.same(qm.initiatorMachine.cancel('peer refused').map((e) => e.kind), ['failed']);
});

t.test('proxy identities outside the responder\'s ACL: INVALID-ID-INFORMATION', async (t) => {
  const { a, b, sas } = up();
  b.config.accessLists['101'][0].destination = { kind: 'wildcard', address: '10.7.0.0', wildcard: '0.0.255.255' };
  const qm = quickMode(a, b, sas);
  t.equal(failure(qm.responder)?.error.notify, NotifyType.INVALID_ID_INFORMATION);
});

t.test('duplicates get the same answer; tampering is ignored', async (t) => {
  const { a, b, sas } = up();
  const qm = quickMode(a, b, sas, { drop: (i) => i === 2 });
  t.ok(qm.saI, 'initiator done');
  t.notOk(qm.saR, 'message 3 lost');
  const [m1, m2, m3] = qm.wire.map((w) => w.bytes);
  const again = qm.responderMachine.receive(m1, 0);
  t.ok(again.length === 1 && again[0].kind === 'send' && again[0].bytes.equals(m2), 'message 1 again: message 2 again');
  const bent = Buffer.from(m3);
  bent[bent.length - 1] ^= 0xff;
  t.same(qm.responderMachine.receive(bent, 0).map((e) => e.kind), ['ignored'], 'a corrupted message 3');
  t.same(qm.responderMachine.receive(m3, 0).map((e) => e.kind), ['ipsec-sa'], 'the genuine one');
  t.same(qm.responderMachine.receive(m3, 0), [], 'message 3 again: nothing new');
  t.same(qm.initiatorMachine.receive(m2, 0).map((e) => e.kind), ['send'], 'message 2 again: message 3 again');
  const replay = new QuickModeResponder({ ...services(b), ikeSa: sas.ikeSaR, inboundSpi: spiSource() });
  t.same(replay.receive(m1, 0).map((e) => e.kind), ['ignored'], 'a used message ID starts nothing');
});

t.test('commit bit: the initiator waits for CONNECTED', async (t) => {
  const { a, b, sas } = up();
  const qm = quickMode(a, b, sas, { qm: { commit: true } });
  t.equal(qm.wire.length, 4);
  const [m1, m2, m3, connected] = qm.wire.map((w) => splitMessage(w.bytes).header);
  t.ok(m1.flags & Flag.COMMIT && m2.flags & Flag.COMMIT && m3.flags & Flag.COMMIT);
  t.equal(connected.exchangeType, ExchangeType.INFORMATIONAL);
  t.equal(connected.messageId, m1.messageId, 'CONNECTED carries the Quick Mode\'s message ID');
  t.same(qm.responder.map((e) => e.kind), ['send', 'ipsec-sa', 'send'], 'responder installs, then confirms');
  t.same(qm.initiator.map((e) => e.kind), ['send', 'send', 'ipsec-sa'], 'initiator installs after CONNECTED');
  mirrored(t, qm.saI, qm.saR);
  const lost = quickMode(a, b, sas, { qm: { commit: true }, drop: (i) => i === 3 });
  t.notOk(lost.saI, 'no CONNECTED, no SA yet');
  t.ok(lost.initiatorMachine.retransmission, 'message 3 is resent until CONNECTED comes');
  const resent = lost.responderMachine.receive(lost.initiatorMachine.retransmission as Buffer, 0);
  const c = resent[0];
  t.ok(c.kind === 'send' && c.bytes.equals(lost.wire[3].bytes), 'the responder answers with the same CONNECTED');
  const done: Effect[] = c.kind === 'send' ? lost.initiatorMachine.receive(c.bytes, 0) : [];
  t.same(done.map((e) => e.kind), ['ipsec-sa']);
});

t.test('each Quick Mode has its own message ID and IV', async (t) => {
  const { a, b, sas } = up();
  const first = quickMode(a, b, sas);
  const second = quickMode(a, b, sas);
  t.not(first.initiatorMachine.messageId, second.initiatorMachine.messageId);
  t.ok(first.saI && second.saI);
  t.notOk(first.saI?.protocols[0].inbound.keys.encryptionKey.equals(second.saI?.protocols[0].inbound.keys.encryptionKey ?? Buffer.alloc(0)), 'fresh nonces, fresh keys');
});

t.test('a refusal under the Quick Mode\'s own message ID ends it', async (t) => {
  const { a, b, sas } = up();
  const qm = quickMode(a, b, sas, { drop: (i) => i === 0 });
  const m1 = splitMessage(qm.wire[0].bytes);
  // The responder's chain as it would be after message 1.
  sas.ikeSaR.ivs.current(m1.header.messageId);
  sas.ikeSaR.ivs.advance(m1.header.messageId, m1.body);
  const refusal = sealInformational(saCrypto(sas.ikeSaR), { ...m1.header, exchangeType: ExchangeType.INFORMATIONAL, flags: 0 }, [
    { type: PayloadType.N, doi: 1, protocolId: 3, spi: Buffer.alloc(4), notifyType: NotifyType.NO_PROPOSAL_CHOSEN, data: Buffer.alloc(0) },
  ]);
  const effects = qm.initiatorMachine.receive(refusal, 0);
  t.equal(failure(effects)?.error.notify, NotifyType.NO_PROPOSAL_CHOSEN);
  t.equal(qm.initiatorMachine.retransmission, undefined);
});

t.test('a failing DH factory ends the exchange without throwing', async (t) => {
  const { a, sas } = up({ pfs: 14 });
  const initiator = new QuickModeInitiator({ ...services(a), dh: () => { throw new Error('engine gone'); }, ikeSa: sas.ikeSaI, inboundSpi: spiSource() }, offerOf(a));
  const effects = initiator.start();
  t.match(failure(effects)?.error.reason, /internal error: engine gone/);
});

t.test('sealHashed / openHashed: the HASH is over the octets of the payloads after it, padding left out', async (t) => {
  const { a, b, sas } = up();
  const qm = quickMode(a, b, sas);
  const header = { ...splitMessage(qm.wire[0].bytes).header, messageId: 0x01020304, flags: 0 };
  // 4+20 (HASH) + 4+13 + 4+7 = 52 octets: AES pads them with 12.
  const payloads: Payload[] = [{ type: PayloadType.NONCE, data: Buffer.alloc(13, 7) }, { type: PayloadType.VID, data: Buffer.from('ikegate') }];
  const covered: Buffer[] = [];
  const bytes = sealHashed(saCrypto(sas.ikeSaI), header, payloads, (afterHash) => {
    covered.push(Buffer.from(afterHash));
    return Buffer.alloc(20, 0xab);
  });
  t.same(covered, [encodeBody(payloads)], 'hashed once, over the payloads as encoded');
  const split = splitMessage(bytes);
  t.equal(split.header.flags & Flag.ENCRYPTION, Flag.ENCRYPTION);
  t.equal(split.body.length, 64);
  const opened = openHashed(saCrypto(sas.ikeSaR), split);
  t.same(opened.hash, Buffer.alloc(20, 0xab));
  t.same(opened.restBytes, covered[0], 'the receiver hashes the same octets');
  t.same(opened.rest, payloads);
});

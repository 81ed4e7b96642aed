import t from 'tap';
import { randomBytes } from 'node:crypto';
import { MainModeInitiator, MainModeResponder, NatTVendorId, type Effect } from '../src/ike/exchange';
import {
  decodeMessage, encodeMessage, ExchangeType, Flag, IdType, NotifyType, PayloadType, splitMessage, type Message,
} from '../src/ike/wire';
import { ADDRESS_A, ADDRESS_B, established, failure, gatewayPair, phase1, services } from './helpers/ike-exchange-harness';

const sends = (effects: readonly Effect[]) => effects.flatMap((e) => (e.kind === 'send' ? [e.bytes] : []));
const kinds = (effects: readonly Effect[]) => effects.map((e) => e.kind);

function machines(pair = gatewayPair(), options: { initialContact?: boolean } = {}) {
  const iCtx = { ...services(pair.a), local: { address: ADDRESS_A, port: 500 }, remote: { address: ADDRESS_B, port: 500 } };
  const rCtx = { ...services(pair.b), local: { address: ADDRESS_B, port: 500 }, remote: { address: ADDRESS_A, port: 500 } };
  return { initiator: new MainModeInitiator(iCtx, options), responder: new MainModeResponder(rCtx) };
}

t.test('six messages: 1-4 in the clear, 5-6 encrypted, the SA on both sides', async (t) => {
  const { a, b } = gatewayPair({ policies: [{ encryption: 'aes256', hash: 'sha256' }, { encryption: '3des', hash: 'md5', group: 2 }] });
  const run = phase1(a, b);
  t.equal(run.wire.length, 6);
  t.same(run.wire.map((w) => w.from), ['initiator', 'responder', 'initiator', 'responder', 'initiator', 'responder']);
  t.same(run.wire.map((w) => (splitMessage(w.bytes).header.flags & Flag.ENCRYPTION) !== 0), [false, false, false, false, true, true]);
  t.ok(run.wire.every((w) => splitMessage(w.bytes).header.exchangeType === ExchangeType.IDENTITY_PROTECTION));
  const first = decodeMessage(run.wire[0].bytes);
  const sa = first.payloads.find((p) => p.type === PayloadType.SA);
  t.equal(sa?.type === PayloadType.SA && sa.proposals.length, 1, 'one proposal');
  t.equal(sa?.type === PayloadType.SA && sa.proposals[0].transforms.length, 2, 'one transform per usable policy, rsa-sig default left out');
  const vids = first.payloads.flatMap((p) => (p.type === PayloadType.VID ? [p.data.toString('hex')] : []));
  t.same(vids, [NatTVendorId.RFC3947, NatTVendorId.DRAFT_03, NatTVendorId.DRAFT_02_N, NatTVendorId.DRAFT_02].map((v) => v.toString('hex')));
  t.ok(run.ikeSaI && run.ikeSaR);
  t.same(run.ikeSaI?.remoteId, { idType: IdType.IPV4_ADDR, address: ADDRESS_B });
  t.equal(run.ikeSaI?.policy.encryption, 'aes256', 'the responder took its own first policy');
  t.equal(run.ikeSaR?.role, 'responder');
  t.equal(run.ikeSaI?.natT.dialect, 'rfc3947');
  t.notOk(run.ikeSaI?.natT.natLocal || run.ikeSaI?.natT.natRemote, 'no NAT between the two');
  t.notOk(run.initiator.some((e) => e.kind === 'float-to-nat-t'), 'no float without a NAT');
});

t.test('hostname identity sends FQDN IDs', async (t) => {
  const { a, b } = gatewayPair({ identity: 'hostname' });
  const run = phase1(a, b);
  t.same(run.ikeSaR?.remoteId, { idType: IdType.FQDN, name: 'GwA.example.net' });
  t.same(run.ikeSaI?.remoteId, { idType: IdType.FQDN, name: 'GwB.example.net' });
});

t.test('duplicates are answered with the same bytes, once processed', async (t) => {
  const { initiator, responder } = machines();
  const m1 = sends(initiator.start())[0];
  const m2 = sends(responder.receive(m1, 0))[0];
  t.ok(sends(responder.receive(m1, 0))[0].equals(m2), 'message 1 again: message 2 again');
  const m3 = sends(initiator.receive(m2, 0))[0];
  t.ok(sends(initiator.receive(m2, 0))[0].equals(m3), 'message 2 again: message 3 again');
  const m4 = sends(responder.receive(m3, 0))[0];
  t.ok(sends(responder.receive(m3, 0))[0].equals(m4));
  const m5 = sends(initiator.receive(m4, 0))[0];
  t.ok(initiator.retransmission?.equals(m5), 'message 5 awaits its answer');
  const r5 = responder.receive(m5, 5);
  t.same(kinds(r5), ['send', 'established']);
  const m6 = sends(r5)[0];
  t.same(kinds(responder.receive(m5, 6)), ['send'], 'a retransmitted message 5 gets message 6, no second SA');
  t.ok(sends(responder.receive(m5, 6))[0].equals(m6));
  t.same(kinds(initiator.receive(m6, 7)), ['established']);
  t.equal(initiator.retransmission, undefined);
  t.same(kinds(initiator.receive(m6, 8)), ['ignored'], 'message 6 again changes nothing');
});

t.test('wrong pre-shared key: authentication fails on both sides, no SA', async (t) => {
  const { a, b } = gatewayPair({ key: 'one-secret' }, { key: 'other-secret' });
  const run = phase1(a, b);
  t.equal(established(run.initiator), undefined);
  t.equal(established(run.responder), undefined);
  const r = failure(run.responder);
  t.ok(r?.error.notify === NotifyType.AUTHENTICATION_FAILED || r?.error.notify === NotifyType.INVALID_HASH_INFORMATION, 'responder: authentication failure');
  t.match(r?.error.message, /main mode responder with 192\.0\.2\.1:500 \[[0-9a-f]{16}\/[0-9a-f]{16} msgid 0\]: .*pre-shared keys/);
  t.ok(failure(run.initiator), 'initiator fails on the peer\'s notification');
  const told = run.wire[run.wire.length - 1];
  t.equal(told.from, 'responder');
  const notify = decodeMessage(told.bytes);
  t.equal(notify.header.exchangeType, ExchangeType.INFORMATIONAL, 'an unprotected informational');
});

t.test('no common policy: NO-PROPOSAL-CHOSEN, nothing established', async (t) => {
  const cases: Array<[string, Parameters<typeof gatewayPair>[0], Parameters<typeof gatewayPair>[1]]> = [
    ['different encryption', { policies: [{ encryption: 'aes256' }] }, { policies: [{ encryption: '3des' }] }],
    ['different group', { policies: [{ group: 2 }] }, { policies: [{ group: 5 }] }],
    ['responder lifetime longer than offered', { policies: [{ lifetime: 600 }] }, { policies: [{ lifetime: 3600 }] }],
    ['responder has no key for the peer', {}, { key: null }],
  ];
  for (const [name, ao, bo] of cases) {
    const { a, b } = gatewayPair(ao, bo);
    const run = phase1(a, b);
    t.equal(failure(run.responder)?.error.notify, NotifyType.NO_PROPOSAL_CHOSEN, `${name}: responder`);
    t.equal(failure(run.initiator)?.error.notify, NotifyType.NO_PROPOSAL_CHOSEN, `${name}: initiator hears it`);
    t.notOk(run.ikeSaI || run.ikeSaR, `${name}: no SA`);
  }
  const { a, b } = gatewayPair({ key: null }, {});
  const run = phase1(a, b);
  t.equal(run.wire.length, 0, 'initiator without a key sends nothing');
  t.match(failure(run.initiator)?.error.reason, /no pre-shared key for peer 198\.51\.100\.2/);
});

t.test('the shorter lifetime is in force on both sides', async (t) => {
  const { a, b } = gatewayPair({ policies: [{ lifetime: 86400 }] }, { policies: [{ lifetime: 3600 }] });
  const run = phase1(a, b);
  t.equal(run.ikeSaR?.policy.lifetime, 3600);
  t.equal(run.ikeSaI?.policy.lifetime, 3600, 'RESPONDER-LIFETIME in message 6');
  t.equal((run.ikeSaI?.expiresAt ?? 0) - (run.ikeSaI?.createdAt ?? 0), 3600_000);
});

t.test('INITIAL-CONTACT in message 5 reaches the responder', async (t) => {
  const { initiator, responder } = machines(gatewayPair(), { initialContact: true });
  let effects = initiator.start();
  const all: Effect[] = [];
  let toResponder = true;
  while (sends(effects).length) {
    effects = toResponder ? responder.receive(sends(effects)[0], 0) : initiator.receive(sends(effects)[0], 0);
    if (toResponder) all.push(...effects);
    toResponder = !toResponder;
  }
  const contact = all.find((e) => e.kind === 'initial-contact');
  t.ok(contact && contact.kind === 'initial-contact' && contact.ikeCookies.initiator.equals(responder.cookies.initiator));
});

t.test('cookie, message ID and encryption checks drop stray messages', async (t) => {
  const { initiator, responder } = machines();
  const m1 = sends(initiator.start())[0];
  const m2 = sends(responder.receive(m1, 0))[0];
  const tamper = (bytes: Buffer, edit: (m: Message) => Message) => encodeMessage(edit(decodeMessage(bytes)));
  const wrongCookie = tamper(m2, (m) => ({ ...m, header: { ...m.header, initiatorCookie: randomBytes(8) } }));
  t.same(kinds(initiator.receive(wrongCookie, 0)), ['ignored'], 'foreign initiator cookie');
  const wrongId = tamper(m2, (m) => ({ ...m, header: { ...m.header, messageId: 7 } }));
  const ignored = initiator.receive(wrongId, 0)[0];
  t.equal(ignored.kind === 'ignored' && ignored.error.notify, NotifyType.INVALID_MESSAGE_ID);
  t.same(kinds(initiator.receive(Buffer.from('garbage'), 0)), ['ignored'], 'garbage');
  t.same(kinds(initiator.receive(m2, 0)), ['send'], 'the genuine message 2 still works');
  const stray = tamper(m1, (m) => ({ ...m, header: { ...m.header, responderCookie: randomBytes(8) } }));
  t.same(kinds(new MainModeResponder({ ...services(gatewayPair().b), local: { address: ADDRESS_B, port: 500 }, remote: { address: ADDRESS_A, port: 500 } }).receive(stray, 0)), ['ignored'], 'message 1 with a responder cookie');
});

t.test('an invalid KE ends the exchange with INVALID-KEY-INFORMATION', async (t) => {
  const { initiator, responder } = machines();
  const m1 = sends(initiator.start())[0];
  const m2 = sends(responder.receive(m1, 0))[0];
  const m3 = decodeMessage(sends(initiator.receive(m2, 0))[0]);
  const bad = encodeMessage({ ...m3, payloads: m3.payloads.map((p) => (p.type === PayloadType.KE ? { ...p, data: Buffer.alloc(256) } : p)) });
  const effects = responder.receive(bad, 0);
  t.same(kinds(effects), ['send', 'failed']);
  t.equal(failure(effects)?.error.notify, NotifyType.INVALID_KEY_INFORMATION);
  t.same(kinds(responder.receive(Buffer.from(sends(initiator.receive(m2, 0))[0]), 0)), ['ignored'], 'a failed exchange takes nothing more');
});

t.test('a peer\'s status notification during phase 1 is not a failure', async (t) => {
  const { initiator } = machines();
  const m1 = decodeMessage(sends(initiator.start())[0]);
  const status = encodeMessage({
    header: { ...m1.header, responderCookie: randomBytes(8), exchangeType: ExchangeType.INFORMATIONAL, messageId: 5 },
    payloads: [{ type: PayloadType.N, doi: 1, protocolId: 1, spi: Buffer.alloc(0), notifyType: NotifyType.INITIAL_CONTACT, data: Buffer.alloc(0) }],
  });
  t.same(kinds(initiator.receive(status, 0)), ['ignored']);
  t.ok(initiator.retransmission, 'still waiting for message 2');
  t.same(kinds(initiator.cancel('retries exhausted')), ['failed']);
  t.equal(initiator.retransmission, undefined, 'nothing to resend after cancel');
});

import t from 'tap';
import { AggressiveModeInitiator, AggressiveModeResponder, receiveInformational, type Effect } from '../src/ike/exchange';
import { seal, saCrypto } from '../src/ike/exchange/protection';
import { phase1Plan } from '../src/ike/policy';
import { decodeMessage, ExchangeType, Flag, IdType, NotifyType, PayloadType, splitMessage } from '../src/ike/wire';
import {
  ADDRESS_A, ADDRESS_B, established, failure, gatewayPair, phase1, quickMode, services, type Gateway,
} from './helpers/ike-exchange-harness';

const sends = (effects: readonly Effect[]) => effects.flatMap((e) => (e.kind === 'send' ? [e.bytes] : []));

/** A knows B only by hostname (so it must use aggressive mode); B keys A by A's FQDN ID. */
function hostnamePair(keys: { a?: string; b?: string } = {}): { a: Gateway; b: Gateway } {
  const pair = gatewayPair({ identity: 'hostname', key: null }, { identity: 'hostname', key: null });
  pair.a.config.hosts = [{ name: 'gwb.example.net', addresses: [ADDRESS_B] }];
  pair.a.config.isakmp.keys = [{ key: keys.a ?? 'named-secret', target: { kind: 'hostname', hostname: 'GwB.example.net' }, noXauth: false }];
  pair.b.config.isakmp.keys = [{ key: keys.b ?? 'named-secret', target: { kind: 'hostname', hostname: 'gwa.example.net' }, noXauth: false }];
  return pair;
}

t.test('a hostname key makes the initiator choose aggressive mode', async (t) => {
  const { a } = hostnamePair();
  t.equal(phase1Plan(a.config, ADDRESS_B).mode, 'aggressive');
  t.equal(phase1Plan(gatewayPair().a.config, ADDRESS_B).mode, 'main');
});

t.test('three messages with a hostname key, then Quick Mode', async (t) => {
  const { a, b } = hostnamePair();
  const run = phase1(a, b, { mode: 'aggressive' });
  t.equal(run.wire.length, 3);
  t.ok(run.wire.every((w) => splitMessage(w.bytes).header.exchangeType === ExchangeType.AGGRESSIVE));
  t.notOk(splitMessage(run.wire[2].bytes).header.flags & Flag.ENCRYPTION, 'message 3 in the clear (RFC 2409 5.4)');
  t.ok(run.ikeSaI && run.ikeSaR);
  t.equal(run.ikeSaR?.exchange, 'aggressive');
  t.same(run.ikeSaR?.remoteId, { idType: IdType.FQDN, name: 'GwA.example.net' }, 'the key was found by this ID');
  t.ok(run.ikeSaI?.keys.skeyidD.equals(run.ikeSaR?.keys.skeyidD ?? Buffer.alloc(0)));
  if (!run.ikeSaI || !run.ikeSaR) return;
  const qm = quickMode(a, b, { ikeSaI: run.ikeSaI, ikeSaR: run.ikeSaR });
  t.ok(qm.saI && qm.saR, 'IPsec SA under the aggressive mode SA');
});

t.test('an address-keyed responder answers aggressive mode too', async (t) => {
  const { a, b } = gatewayPair();
  const run = phase1(a, b, { mode: 'aggressive' });
  t.ok(run.ikeSaI && run.ikeSaR);
});

t.test('only the first usable policy\'s DH group is offered', async (t) => {
  const { a, b } = gatewayPair({ policies: [{ group: 14 }, { group: 2, encryption: '3des' }, { group: 14, encryption: 'aes256' }] }, { policies: [{ group: 14, encryption: 'aes256' }] });
  const run = phase1(a, b, { mode: 'aggressive' });
  const sa = decodeMessage(run.wire[0].bytes).payloads.find((p) => p.type === PayloadType.SA);
  t.equal(sa?.type === PayloadType.SA && sa.proposals[0].transforms.length, 2, 'the group 2 policy left out');
  t.equal(run.ikeSaI?.policy.encryption, 'aes256');
});

t.test('wrong key: HASH_R fails at the initiator, the responder hears it, no SA', async (t) => {
  const { a, b } = hostnamePair({ a: 'one', b: 'two' });
  const run = phase1(a, b, { mode: 'aggressive' });
  t.equal(failure(run.initiator)?.error.notify, NotifyType.INVALID_HASH_INFORMATION);
  t.equal(failure(run.responder)?.error.notify, NotifyType.INVALID_HASH_INFORMATION);
  t.notOk(established(run.initiator) || established(run.responder));
});

t.test('no key for the FQDN: NO-PROPOSAL-CHOSEN', async (t) => {
  const { a, b } = hostnamePair();
  b.config.isakmp.keys = [];
  const run = phase1(a, b, { mode: 'aggressive' });
  t.equal(failure(run.responder)?.error.notify, NotifyType.NO_PROPOSAL_CHOSEN);
  t.match(failure(run.responder)?.error.reason, /no pre-shared key for peer 192\.0\.2\.1 \(GwA\.example\.net\)/);
});

t.test('duplicates and an encrypted message 3 (as IOS sends it)', async (t) => {
  const { a, b } = hostnamePair();
  const iCtx = { ...services(a), local: { address: ADDRESS_A, port: 500 }, remote: { address: ADDRESS_B, port: 500 } };
  const rCtx = { ...services(b), local: { address: ADDRESS_B, port: 500 }, remote: { address: ADDRESS_A, port: 500 } };
  const initiator = new AggressiveModeInitiator(iCtx);
  const responder = new AggressiveModeResponder(rCtx);
  const m1 = sends(initiator.start())[0];
  const m2 = sends(responder.receive(m1, 0))[0];
  t.ok(sends(responder.receive(m1, 0))[0].equals(m2), 'message 1 again: the same message 2');
  t.ok(responder.retransmission?.equals(m2), 'message 2 may be resent until message 3 comes');
  const answer = initiator.receive(m2, 0);
  const ikeSaI = established(answer);
  t.ok(ikeSaI);
  const m3 = decodeMessage(sends(answer)[0]);
  t.ok(sends(initiator.receive(m2, 0))[0].equals(sends(answer)[0]), 'message 2 again: the same message 3');
  if (!ikeSaI) return;
  const encrypted = seal(saCrypto(ikeSaI), { header: { ...m3.header, flags: Flag.ENCRYPTION }, payloads: m3.payloads });
  const done = responder.receive(encrypted, 0);
  const ikeSaR = established(done);
  t.ok(ikeSaR, 'accepted encrypted');
  t.equal(responder.retransmission, undefined);
  if (!ikeSaR) return;
  t.ok(ikeSaI.ivs.current(0).equals(ikeSaR.ivs.current(0)), 'both chained the phase-1 IV over the encrypted message 3');
  const qm = quickMode(a, b, { ikeSaI, ikeSaR });
  t.ok(qm.saI && qm.saR, 'phase-2 IVs agree afterwards');
});

t.test('INITIAL-CONTACT follows in a protected informational', async (t) => {
  const { a, b } = hostnamePair();
  const run = phase1(a, b, { mode: 'aggressive', initiator: { initialContact: true } });
  t.equal(run.wire.length, 4);
  const info = run.wire[3];
  t.equal(splitMessage(info.bytes).header.exchangeType, ExchangeType.INFORMATIONAL);
  t.ok(splitMessage(info.bytes).header.flags & Flag.ENCRYPTION);
  t.same(run.responder.map((e) => e.kind), ['send', 'established', 'ignored'], 'the phase-1 machine leaves it to the informational handler');
  if (!run.ikeSaR) return;
  const effects = receiveInformational(run.ikeSaR, info.bytes, () => Buffer.alloc(4, 1));
  t.same(effects.map((e) => e.kind), ['initial-contact']);
});

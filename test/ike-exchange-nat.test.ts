import t from 'tap';
import { createHash } from 'node:crypto';
import { MainModeInitiator, MainModeResponder, NatTVendorId, natdHash, type Effect } from '../src/ike/exchange';
import { decodeBody, decodeMessage, encodeMessage, PayloadType, splitMessage, type Payload } from '../src/ike/wire';
import { ikeDecrypt } from '../src/ike/crypto/cipher';
import type { IkeSa } from '../src/ike/sa';
import { ADDRESS_A, ADDRESS_B, established, gatewayPair, phase1, quickMode, services, type Nat } from './helpers/ike-exchange-harness';

const NAT: Nat = { public: '203.0.113.7', port500: 31000, port4500: 31001 };

/** B sees A at the NAT's public address: its key and crypto map name that address. */
function natPair(options: Parameters<typeof gatewayPair>[0] = {}): ReturnType<typeof gatewayPair> {
  const pair = gatewayPair(options);
  pair.b.config.isakmp.keys = [{ key: 'secret', target: { kind: 'address', address: NAT.public, mask: '255.255.255.255' }, noXauth: false }];
  pair.b.config.cryptoMaps[0].entries[0].peers = [NAT.public];
  return pair;
}

const payloadTypes = (bytes: Buffer) => decodeMessage(bytes).payloads.map((p) => p.type);

/** Quick Mode message payloads, decrypted with the IKE SA's key (first message of an exchange). */
function quickModePayloads(ikeSa: IkeSa, bytes: Buffer): Payload[] {
  const split = splitMessage(bytes);
  const iv = ikeSa.ivs.current(split.header.messageId);
  const plain = ikeDecrypt(ikeSa.policy.encryption, ikeSa.keys.encryptionKey, iv, split.body);
  ikeSa.ivs.forget(split.header.messageId);
  return decodeBody(split, plain);
}

t.test('NAT-T vendor IDs are the MD5 values peers send', async (t) => {
  t.equal(NatTVendorId.RFC3947.toString('hex'), '4a131c81070358455c5728f20e95452f');
  t.equal(NatTVendorId.DRAFT_02_N.toString('hex'), '90cb80913ebb696e086381b5ec427b1f');
  t.equal(NatTVendorId.DRAFT_02.toString('hex'), 'cd60464335df21f87cfdb2fc68b6a448');
  t.equal(NatTVendorId.DRAFT_03.toString('hex'), '7d9419a65310ca6f2c179d9215529d56');
});

t.test('NAT-D is HASH(CKY-I | CKY-R | IP | port)', async (t) => {
  const cookies = { initiator: Buffer.alloc(8, 1), responder: Buffer.alloc(8, 2) };
  const expected = createHash('sha256').update(Buffer.concat([cookies.initiator, cookies.responder, Buffer.from([192, 0, 2, 1]), Buffer.from([0x01, 0xf4])])).digest();
  t.ok(natdHash('sha256', cookies, { address: '192.0.2.1', port: 500 }).equals(expected));
});

t.test('without a NAT: NAT-D in messages 3 and 4, nothing detected, no float', async (t) => {
  const { a, b } = gatewayPair();
  const run = phase1(a, b);
  t.same(payloadTypes(run.wire[2].bytes), [PayloadType.KE, PayloadType.NONCE, PayloadType.NAT_D, PayloadType.NAT_D]);
  t.same(payloadTypes(run.wire[3].bytes), [PayloadType.KE, PayloadType.NONCE, PayloadType.NAT_D, PayloadType.NAT_D]);
  for (const sa of [run.ikeSaI, run.ikeSaR]) t.same(sa?.natT, { dialect: 'rfc3947', natLocal: false, natRemote: false, forced: false });
  t.notOk([...run.initiator, ...run.responder].some((e) => e.kind === 'float-to-nat-t'));
});

t.test('behind a NAT: both detect it, float to 4500, and Quick Mode encapsulates', async (t) => {
  const { a, b } = natPair();
  const run = phase1(a, b, { nat: NAT });
  t.same(run.ikeSaI?.natT, { dialect: 'rfc3947', natLocal: true, natRemote: false, forced: false }, 'initiator: we are translated');
  t.same(run.ikeSaR?.natT, { dialect: 'rfc3947', natLocal: false, natRemote: true, forced: false }, 'responder: the peer is translated');
  t.same(run.initiator.map((e) => e.kind), ['send', 'send', 'float-to-nat-t', 'send', 'established'], 'float before message 5');
  t.same(run.responder.map((e) => e.kind), ['send', 'send', 'float-to-nat-t', 'send', 'established']);
  t.same([run.ikeSaI?.local.port, run.ikeSaI?.remote.port], [4500, 4500]);
  t.same(run.ikeSaR?.remote, { address: NAT.public, port: NAT.port4500 }, 'the responder follows the NAT mapping');
  t.same(run.ikeSaR?.local.port, 4500);
  if (!run.ikeSaI || !run.ikeSaR) return;
  const sas = { ikeSaI: run.ikeSaI, ikeSaR: run.ikeSaR };
  const qm = quickMode(a, b, sas);
  t.same(qm.saI?.encapsulation, { localPort: 4500, remotePort: 4500 });
  t.same(qm.saR?.encapsulation, { localPort: 4500, remotePort: NAT.port4500 });
  t.equal(qm.saR?.mode, 'tunnel');
  t.same(qm.saI?.natOriginalAddresses, [], 'no NAT-OA in tunnel mode');
});

t.test('transport mode through a NAT carries NAT-OA', async (t) => {
  const set = [{ name: 'TS', transforms: [{ name: 'esp-aes' as const }, { name: 'esp-sha-hmac' as const }], mode: 'transport' as const }];
  const { a, b } = natPair({ transformSets: set });
  const run = phase1(a, b, { nat: NAT });
  if (!run.ikeSaI || !run.ikeSaR) return t.fail('phase 1');
  const qm = quickMode(a, b, { ikeSaI: run.ikeSaI, ikeSaR: run.ikeSaR });
  t.equal(qm.saI?.mode, 'transport');
  t.ok(qm.saI?.encapsulation);
  t.same(qm.saR?.natOriginalAddresses, [ADDRESS_A, ADDRESS_B], 'NAT-OAi and NAT-OAr as the initiator sees them');
  t.same(qm.saI?.natOriginalAddresses, [NAT.public, ADDRESS_B], 'and as the responder sees them');
});

t.test('force encapsulation without a NAT', async (t) => {
  const { a, b } = gatewayPair();
  const run = phase1(a, b, { initiator: { forceEncapsulation: true } });
  t.same(run.ikeSaI?.natT, { dialect: 'rfc3947', natLocal: false, natRemote: false, forced: true });
  t.same(run.ikeSaR?.natT, { dialect: 'rfc3947', natLocal: false, natRemote: true, forced: false }, 'the faked hash reads as a NAT');
  if (!run.ikeSaI || !run.ikeSaR) return;
  const qm = quickMode(a, b, { ikeSaI: run.ikeSaI, ikeSaR: run.ikeSaR });
  t.ok(qm.saI?.encapsulation && qm.saR?.encapsulation, 'both sides encapsulate');
  const modes = quickModePayloads(run.ikeSaR, qm.wire[0].bytes).flatMap((p) => (p.type === PayloadType.SA ? p.proposals[0].transforms[0].attributes.filter((x) => x.type === 4) : []));
  t.same(modes.map((m) => m.format === 'basic' && m.value), [3], 'RFC 3947 UDP-Encapsulated-Tunnel');
});

t.test('a draft-only peer gets draft VIDs, NAT-D 130 and modes 61443', async (t) => {
  const { a, b } = natPair();
  // Strip the RFC 3947 VID from message 1: the responder sees a draft-03 peer.
  const draftOnly = (index: number, bytes: Buffer) => {
    if (index !== 0) return bytes;
    const m = decodeMessage(bytes);
    return encodeMessage({ ...m, payloads: m.payloads.filter((p) => !(p.type === PayloadType.VID && p.data.equals(NatTVendorId.RFC3947))) });
  };
  const run = phase1(a, b, { nat: NAT, rewrite: draftOnly });
  const answerVids = decodeMessage(run.wire[1].bytes).payloads.flatMap((p) => (p.type === PayloadType.VID ? [p.data] : []));
  t.same(answerVids, [NatTVendorId.DRAFT_03], 'the newest draft the peer sent');
  t.same(payloadTypes(run.wire[2].bytes).slice(2), [PayloadType.NAT_D_DRAFT, PayloadType.NAT_D_DRAFT]);
  t.equal(run.ikeSaI?.natT.dialect, 'draft');
  t.ok(run.ikeSaI?.natT.natLocal && run.ikeSaR?.natT.natRemote);
  if (!run.ikeSaI || !run.ikeSaR) return;
  const qm = quickMode(a, b, { ikeSaI: run.ikeSaI, ikeSaR: run.ikeSaR });
  const modes = quickModePayloads(run.ikeSaR, qm.wire[0].bytes).flatMap((p) => (p.type === PayloadType.SA ? p.proposals[0].transforms[0].attributes.filter((x) => x.type === 4) : []));
  t.same(modes.map((m) => m.format === 'basic' && m.value), [61443]);
  t.ok(qm.saI?.encapsulation && qm.saR?.encapsulation);
});

t.test('unknown vendor IDs (DPD, XAUTH, Cisco) are ignored', async (t) => {
  const { a, b } = gatewayPair();
  const dpd = Buffer.from('afcad71368a1f1c96b8696fc77570100', 'hex');
  const withDpd = (index: number, bytes: Buffer) => {
    if (index !== 0) return bytes;
    const m = decodeMessage(bytes);
    return encodeMessage({ ...m, payloads: [...m.payloads, { type: PayloadType.VID, data: dpd }, { type: PayloadType.VID, data: Buffer.from('whatever') }] });
  };
  const run = phase1(a, b, { rewrite: withDpd });
  t.ok(run.ikeSaI && run.ikeSaR);
});

t.test('NAT traversal switched off: no VIDs, no NAT-D', async (t) => {
  const { a, b } = natPair();
  const run = phase1(a, b, { initiator: { natTraversal: false }, nat: NAT });
  t.same(payloadTypes(run.wire[0].bytes), [PayloadType.SA]);
  t.same(payloadTypes(run.wire[1].bytes), [PayloadType.SA], 'no NAT-T answer to a peer that did not ask');
  t.same(payloadTypes(run.wire[2].bytes), [PayloadType.KE, PayloadType.NONCE]);
  t.equal(run.ikeSaR?.natT.dialect, 'none');
  t.ok(run.ikeSaI && run.ikeSaR, 'established anyway');
});

t.test('aggressive mode behind a NAT: NAT-D in messages 2 and 3, float for message 3', async (t) => {
  const { a, b } = natPair();
  const run = phase1(a, b, { mode: 'aggressive', nat: NAT });
  t.ok(payloadTypes(run.wire[1].bytes).includes(PayloadType.NAT_D));
  t.same(payloadTypes(run.wire[2].bytes), [PayloadType.HASH, PayloadType.NAT_D, PayloadType.NAT_D]);
  t.same(run.initiator.map((e) => e.kind), ['send', 'float-to-nat-t', 'send', 'established']);
  t.ok(run.ikeSaI?.natT.natLocal && run.ikeSaR?.natT.natRemote);
  t.same(run.ikeSaR?.remote, { address: NAT.public, port: NAT.port4500 });
  t.equal(run.ikeSaR?.local.port, 4500);
});

t.test('the responder floats only when the initiator\'s message came in on 4500', async (t) => {
  const { a, b } = natPair();
  const iCtx = { ...services(a), local: { address: ADDRESS_A, port: 500 }, remote: { address: ADDRESS_B, port: 500 } };
  const rCtx = { ...services(b), local: { address: ADDRESS_B, port: 500 }, remote: { address: NAT.public, port: NAT.port500 } };
  const initiator = new MainModeInitiator(iCtx);
  const responder = new MainModeResponder(rCtx);
  const via500 = { remote: { address: NAT.public, port: NAT.port500 }, localPort: 500 };
  const send = (effects: readonly Effect[]) => effects.flatMap((e) => (e.kind === 'send' ? [e.bytes] : []))[0];
  const m2 = send(responder.receive(send(initiator.start()), 0, via500));
  const m4 = send(responder.receive(send(initiator.receive(m2, 0)), 0, via500));
  const m5 = send(initiator.receive(m4, 0));
  const effects = responder.receive(m5, 0, via500);
  t.same(effects.map((e) => e.kind), ['send', 'established'], 'a peer that stayed on 500 is answered on 500');
  t.equal(established(effects)?.local.port, 500);
  t.ok(established(effects)?.natT.natRemote, 'the NAT is still known');
});

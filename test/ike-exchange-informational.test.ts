import t from 'tap';
import { randomBytes } from 'node:crypto';
import {
  deleteIkeSaMessage, deleteIpsecSaMessage, notifyMessage, receiveInformational, sendInitialContact, unprotectedNotification,
} from '../src/ike/exchange';
import { SaTable, type IkeSa } from '../src/ike/sa';
import { decodeMessage, encodeMessage, ExchangeType, Flag, NotifyType, PayloadType, ProtocolId, splitMessage } from '../src/ike/wire';
import { gatewayPair, phase1, quickMode } from './helpers/ike-exchange-harness';

function established() {
  const { a, b } = gatewayPair();
  const p1 = phase1(a, b);
  if (!p1.ikeSaI || !p1.ikeSaR) throw new Error('phase 1 failed');
  return { a, b, sas: { ikeSaI: p1.ikeSaI, ikeSaR: p1.ikeSaR } };
}

const hear = (sa: IkeSa, bytes: Buffer) => receiveInformational(sa, bytes, randomBytes);

t.test('delete of the IKE SA, round trip', async (t) => {
  const { sas } = established();
  const bytes = deleteIkeSaMessage(sas.ikeSaI, randomBytes);
  const split = splitMessage(bytes);
  t.equal(split.header.exchangeType, ExchangeType.INFORMATIONAL);
  t.ok(split.header.flags & Flag.ENCRYPTION, 'protected');
  t.not(split.header.messageId, 0);
  const effects = hear(sas.ikeSaR, bytes);
  t.equal(effects.length, 1);
  const e = effects[0];
  t.ok(e.kind === 'delete-ike-sa' && e.cookies.initiator.equals(sas.ikeSaR.cookies.initiator) && e.cookies.responder.equals(sas.ikeSaR.cookies.responder));
  t.same(hear(sas.ikeSaR, bytes).map((x) => x.kind), ['ignored'], 'a replay is ignored');
});

t.test('delete of an IPsec SA: the peer finds it by its outbound SPIs', async (t) => {
  const { a, b, sas } = established();
  const qm = quickMode(a, b, sas);
  if (!qm.saI || !qm.saR) return t.fail('quick mode');
  const table = new SaTable();
  table.addIpsec(qm.saR);
  const effects = hear(sas.ikeSaR, deleteIpsecSaMessage(sas.ikeSaI, qm.saI, randomBytes));
  t.equal(effects.length, 1);
  const e = effects[0];
  if (e.kind !== 'delete-ipsec-sa') return t.fail('expected a delete');
  t.equal(e.protocol, 'esp');
  t.ok(e.outboundSpis[0].equals(qm.saI.protocols[0].inbound.spi), 'the deleter names its inbound SPI');
  t.equal(table.ipsecByOutboundSpi(e.protocol, e.outboundSpis[0]), qm.saR, 'which is our outbound SPI');
  table.removeIpsec(qm.saR);
  t.equal(table.ipsecSas().length, 0);
});

t.test('notifications, INITIAL-CONTACT and DPD', async (t) => {
  const { sas } = established();
  const n = hear(sas.ikeSaR, notifyMessage(sas.ikeSaI, { notifyType: NotifyType.NO_PROPOSAL_CHOSEN, protocolId: ProtocolId.IPSEC_ESP, spi: Buffer.from('01020304', 'hex') }, randomBytes));
  t.same(n.map((e) => e.kind), ['notify']);
  t.ok(n[0].kind === 'notify' && n[0].notify.notifyType === NotifyType.NO_PROPOSAL_CHOSEN && n[0].notify.spi.equals(Buffer.from('01020304', 'hex')));
  const contact = sendInitialContact(sas.ikeSaI, randomBytes)[0];
  t.same(hear(sas.ikeSaR, contact.kind === 'send' ? contact.bytes : Buffer.alloc(0)).map((e) => e.kind), ['initial-contact']);
  const seq = Buffer.from('00000007', 'hex');
  const ping = notifyMessage(sas.ikeSaI, { notifyType: NotifyType.R_U_THERE, spi: Buffer.concat([sas.ikeSaI.cookies.initiator, sas.ikeSaI.cookies.responder]), data: seq }, randomBytes);
  const answer = hear(sas.ikeSaR, ping);
  t.same(answer.map((e) => e.kind), ['send'], 'R-U-THERE is answered');
  const ack = answer[0].kind === 'send' ? hear(sas.ikeSaI, answer[0].bytes) : [];
  t.ok(ack[0]?.kind === 'notify' && ack[0].notify.notifyType === NotifyType.R_U_THERE_ACK && ack[0].notify.data.equals(seq), 'with the sequence number');
});

t.test('forged, unprotected or foreign informational messages are ignored', async (t) => {
  const { sas } = established();
  const genuine = deleteIkeSaMessage(sas.ikeSaI, randomBytes);
  const bent = Buffer.from(genuine);
  bent[bent.length - 5] ^= 0x40;
  t.same(hear(sas.ikeSaR, bent).map((e) => e.kind), ['ignored'], 'tampered');
  const clear = unprotectedNotification(sas.ikeSaI.cookies, NotifyType.INVALID_SPI, randomBytes);
  t.same(hear(sas.ikeSaR, clear).map((e) => e.kind), ['ignored'], 'unprotected after phase 1');
  const m = splitMessage(genuine);
  const foreign = Buffer.concat([randomBytes(16), genuine.subarray(16)]);
  t.same(hear(sas.ikeSaR, foreign).map((e) => e.kind), ['ignored'], 'other cookies');
  t.same(hear(sas.ikeSaR, Buffer.from('nonsense')).map((e) => e.kind), ['ignored'], 'garbage');
  t.same(hear(sas.ikeSaR, genuine).map((e) => e.kind), ['delete-ike-sa'], 'the genuine one still counts');
  t.ok(sas.ikeSaR.messageIds.has(m.header.messageId));
});

t.test('an unprotected notification before phase 1 completes', async (t) => {
  const cookies = { initiator: randomBytes(8), responder: randomBytes(8) };
  const m = decodeMessage(unprotectedNotification(cookies, NotifyType.NO_PROPOSAL_CHOSEN, randomBytes));
  t.equal(m.header.flags, 0);
  const n = m.payloads[0];
  t.ok(n.type === PayloadType.N && n.protocolId === ProtocolId.ISAKMP && n.spi.equals(Buffer.concat([cookies.initiator, cookies.responder])));
  t.ok(encodeMessage(m).length > 28);
});

t.test('informational exchanges leave Quick Mode IVs alone', async (t) => {
  const { a, b, sas } = established();
  for (let i = 0; i < 3; i++) hear(sas.ikeSaR, notifyMessage(sas.ikeSaI, { notifyType: 40000 }, randomBytes));
  hear(sas.ikeSaI, notifyMessage(sas.ikeSaR, { notifyType: 40001 }, randomBytes));
  const qm = quickMode(a, b, sas);
  t.ok(qm.saI && qm.saR);
});

import t from 'tap';
import { randomBytes } from 'node:crypto';
import { deleteIkeSaMessage, routeDatagram } from '../src/ike/exchange';
import { encodeMessage, ExchangeType, NotifyType } from '../src/ike/wire';
import { gatewayPair, phase1, quickMode } from './helpers/ike-exchange-harness';

t.test('datagrams are routed by their header', async (t) => {
  const { a, b } = gatewayPair();
  const mm = phase1(a, b);
  t.same(routeDatagram(mm.wire[0].bytes).kind, 'phase1-new');
  const second = routeDatagram(mm.wire[1].bytes);
  t.ok(second.kind === 'phase1' && second.exchange === 'main');
  const aggressive = routeDatagram(phase1(a, b, { mode: 'aggressive' }).wire[0].bytes);
  t.ok(aggressive.kind === 'phase1-new' && aggressive.exchange === 'aggressive');
  if (!mm.ikeSaI || !mm.ikeSaR) return t.fail('phase 1');
  const qm = quickMode(a, b, { ikeSaI: mm.ikeSaI, ikeSaR: mm.ikeSaR });
  const q = routeDatagram(qm.wire[0].bytes);
  t.ok(q.kind === 'quick-mode' && q.messageId === qm.initiatorMachine.messageId && q.cookies.initiator.equals(mm.ikeSaI.cookies.initiator));
  const info = routeDatagram(deleteIkeSaMessage(mm.ikeSaI, randomBytes));
  t.equal(info.kind, 'informational');
  const transaction = encodeMessage({
    header: { initiatorCookie: randomBytes(8), responderCookie: randomBytes(8), exchangeType: ExchangeType.TRANSACTION, flags: 0, messageId: 9 },
    payloads: [],
  });
  t.same(routeDatagram(transaction).kind, 'unsupported');
  const bad = routeDatagram(Buffer.alloc(10));
  t.ok(bad.kind === 'malformed' && bad.error.notify === NotifyType.PAYLOAD_MALFORMED);
});

import t from 'tap';
import { cardProfile } from '../src/hw/card-profiles';
import { EngineRegistry } from '../src/hw/engine-registry';
import { PayloadType, decodeMessage, NotifyType } from '../src/ike/wire';
import { failure, gatewayPair, phase1, quickMode } from './helpers/ike-exchange-harness';

function virtio(): EngineRegistry {
  const r = new EngineRegistry();
  r.insertCard(cardProfile('virtio-crypto'));
  return r;
}

t.test('virtio-crypto: DES and 3DES policies are neither offered nor accepted', async (t) => {
  const policies = [{ encryption: '3des' as const }, { encryption: 'des' as const, group: 2 as const }, { encryption: 'aes256' as const }];
  const { a, b } = gatewayPair({ policies, engine: virtio() });
  const run = phase1(a, b);
  const sa = decodeMessage(run.wire[0].bytes).payloads.find((p) => p.type === PayloadType.SA);
  t.equal(sa?.type === PayloadType.SA && sa.proposals[0].transforms.length, 1, 'only the AES policy is offered');
  t.equal(run.ikeSaR?.policy.encryption, 'aes256', 'the responder skipped its own 3DES policy');

  const soft = gatewayPair({ policies: [{ encryption: '3des' }] }, { policies: [{ encryption: '3des' }], engine: virtio() });
  const refused = phase1(soft.a, soft.b);
  t.equal(failure(refused.responder)?.error.notify, NotifyType.NO_PROPOSAL_CHOSEN, 'a 3DES offer finds no usable policy');

  const none = gatewayPair({ policies: [{ encryption: 'des' }], engine: virtio() });
  t.match(failure(phase1(none.a, none.b).initiator)?.error.reason, /no ISAKMP policy can be offered/);
});

t.test('virtio-crypto: transform sets with 3DES are skipped in Quick Mode', async (t) => {
  const sets = [
    { name: 'OLD', transforms: [{ name: 'esp-3des' as const }, { name: 'esp-sha-hmac' as const }] },
    { name: 'NEW', transforms: [{ name: 'esp-aes' as const, keyBits: 256 }, { name: 'esp-sha-hmac' as const }] },
  ];
  const { a, b } = gatewayPair({ transformSets: sets, engine: virtio() }, { transformSets: sets });
  const p1 = phase1(a, b);
  if (!p1.ikeSaI || !p1.ikeSaR) return t.fail('phase 1');
  const qm = quickMode(a, b, { ikeSaI: p1.ikeSaI, ikeSaR: p1.ikeSaR });
  t.equal(qm.saR?.protocols[0].algorithms.cipher, 'aes-cbc', 'the 3DES set was not offered');
});

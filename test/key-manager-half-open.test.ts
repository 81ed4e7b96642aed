/**
 * `crypto call admission limit ike in-negotiation-sa N` applied live to the key manager: with
 * B's answers lost, every Main Mode B accepts stays half-open, and first messages beyond the
 * limit are refused (not answered, no state) until the limit is raised or removed.
 */
import t from 'tap';
import { MainModeInitiator } from '../src/ike/exchange/main-mode';
import { ADDRESS_A, ADDRESS_B, services } from './helpers/ike-exchange-harness';
import { IKE_PORT, keyManagerPair, logged, quiet, type Pair } from './helpers/key-manager-pair';

/** Main Mode message 1 from A's address, each time with new cookies. */
function firstMessage(pair: Pair): Buffer {
  const initiator = new MainModeInitiator({ ...services(pair.a.gw), local: { address: ADDRESS_A, port: IKE_PORT }, remote: { address: ADDRESS_B, port: IKE_PORT } });
  const send = initiator.start().find((e) => e.kind === 'send');
  if (!send || send.kind !== 'send') throw new Error('the initiator sent nothing');
  return send.bytes;
}

async function initiations(pair: Pair, n: number): Promise<void> {
  for (let i = 0; i < n; i++) pair.net.inject({ address: ADDRESS_A, port: IKE_PORT }, { address: ADDRESS_B, port: IKE_PORT }, firstMessage(pair));
  await quiet(pair.net);
}

const answers = (pair: Pair): number => pair.net.log.filter((w) => w.from.address === ADDRESS_B).length;

t.test('excess initiations are refused above the configured limit, live', async (t) => {
  const pair = await keyManagerPair();
  t.teardown(() => pair.close());
  pair.net.drop = (wire) => wire.from.address === ADDRESS_B; // B's answers are lost: all stay half-open
  pair.b.gw.config.isakmp.inNegotiationSaLimit = 10;
  await initiations(pair, 14);
  t.equal(pair.b.km.phase1Exchanges().length, 10, 'ten negotiations admitted');
  t.equal(answers(pair), 10, 'only those answered');
  t.equal(logged(pair.b, 'half-open IKE SA limit reached').length, 4, 'four refused, each logged');

  pair.b.gw.config.isakmp.inNegotiationSaLimit = 12;
  await initiations(pair, 3);
  t.equal(pair.b.km.phase1Exchanges().length, 12, 'a raised limit applies at once');
  t.equal(logged(pair.b, 'half-open IKE SA limit reached').length, 5);

  delete pair.b.gw.config.isakmp.inNegotiationSaLimit;
  await initiations(pair, 5);
  t.equal(pair.b.km.phase1Exchanges().length, 17, 'the no form: the built-in default, no limit');
  t.equal(answers(pair), 17);
});

/**
 * A Quick Mode that outlasts its SPI reservation. The inbound SPI is reserved as a larval SA,
 * which the kernel (and the memory backend, alike) drops after net.core.xfrm_acq_expires,
 * 30 s. A responder repeats message 2 for its whole retransmission span (165 s with the
 * daemon's schedule), so under loss message 3 may come after the reservation lapsed: found
 * against charon with 30% loss, where ikegate then failed to install ("no such SA") and kept
 * an IKE SA without IPsec SAs while charon had its CHILD_SA. Both gateways here run the
 * daemon's schedule (4 s, then every 7.2 s for message 2) on the memory backend's 30 s.
 */
import t, { type Test } from 'tap';
import { DEFAULT_RETRANSMIT } from '../src/ike/transport/retransmit';
import { ExchangeType } from '../src/ike/wire';
import { ADDRESS_A, ADDRESS_B } from './helpers/ike-exchange-harness';
import { keyManagerPair, logged, quiet, sasFrom, trafficAtoB, until, type Pair, type Side, type Wire } from './helpers/key-manager-pair';

const daemonSchedule = { retransmit: DEFAULT_RETRANSMIT };

/** A's Quick Mode messages after its message 1: message 3 and its copies. */
const confirmationFromA = (wire: Wire): boolean => wire.from.address === ADDRESS_A && wire.message[18] === ExchangeType.QUICK_MODE;

/** A initiates; its message 3 is dropped while `lose()` holds. Resolves once A installed on message 2. */
async function confirmationLost(t: Test, lose: () => boolean): Promise<{ pair: Pair; copies: () => number }> {
  const pair = await keyManagerPair({ sides: { a: daemonSchedule, b: daemonSchedule } });
  t.teardown(() => pair.close());
  let quickFromA = 0;
  pair.net.drop = (wire) => confirmationFromA(wire) && ++quickFromA > 1 && lose();
  trafficAtoB(pair);
  await until(async () => {
    await quiet(pair.net);
    return pair.a.km.table.ipsecSas().length === 1;
  }, 5000, 'A installed on message 2');
  return { pair, copies: () => quickFromA - 1 };
}

async function advance(pair: Pair, waits: readonly number[]): Promise<void> {
  for (const wait of waits) {
    pair.clock.advance(wait);
    await quiet(pair.net);
  }
}

/** Both ends installed the same SAs; those in `late`, whose reservation lapsed, added their inbound SA anew. */
async function installedAlike(t: Test, pair: Pair, late: readonly Side[]): Promise<void> {
  for (const s of [pair.a, pair.b]) {
    const name = s.gw.config.hostname;
    t.equal(s.km.table.ipsecSas().length, 1, `${name} installed the IPsec SAs`);
    t.same(logged(s, 'cannot install'), [], `${name} had no install failure`);
    t.equal(logged(s, 'reserved inbound SPI lapsed').length, late.includes(s) ? 1 : 0, `${name}'s reservation lapsed: ${late.includes(s)}`);
  }
  for (const [from, to] of [[pair.a, pair.b], [pair.b, pair.a]] as const) {
    const [out] = await sasFrom(from.backend, from.gw.address, to.gw.address);
    const [into] = await sasFrom(to.backend, from.gw.address, to.gw.address);
    t.ok(out && into && out.spec.spi === into.spec.spi, `${from.gw.config.hostname} sends with the SPI ${to.gw.config.hostname} receives with`, { out, into });
  }
}

t.test('message 3 first gets through 32.8 s after message 2, past the 30 s reservation: B installs on it', async (t) => {
  let lost = true;
  const { pair, copies } = await confirmationLost(t, () => lost);
  // B repeats message 2 after 4 s and then every 7.2 s; A answers each with message 3 again.
  await advance(pair, [4000, 7200, 7200, 7200]);
  t.equal(copies(), 5, 'message 3 and the 4 copies A sent on B\'s repeated message 2 were lost');
  t.equal(pair.b.km.table.ipsecSas().length, 0, 'B still waits for message 3 after 25.6 s');
  lost = false;
  await advance(pair, [7200]);
  t.equal(copies(), 6, 'the copy on the 5th message 2 got through');
  t.equal(logged(pair.b, 'never came').length, 0, 'B installed on message 3 itself');
  await installedAlike(t, pair, [pair.b]);
});

t.test('message 3 lost for good: B installs when it gives up, long after the reservation lapsed', async (t) => {
  const { pair } = await confirmationLost(t, () => true);
  await advance(pair, [4000, ...Array.from({ length: 23 }, () => 7200)]);
  t.equal(logged(pair.b, 'never came').length, 1, 'B gave up waiting for message 3');
  await installedAlike(t, pair, [pair.b]);
});

t.test('message 2 first gets through after 30 s: the initiator installs on it, and the responder on message 3', async (t) => {
  const pair = await keyManagerPair({ sides: { a: daemonSchedule, b: daemonSchedule } });
  t.teardown(() => pair.close());
  let lost = true;
  pair.net.drop = (wire) => lost && wire.from.address === ADDRESS_B && wire.message[18] === ExchangeType.QUICK_MODE;
  trafficAtoB(pair);
  await until(async () => {
    await quiet(pair.net);
    return pair.b.km.table.ikeSas().length === 1 && pair.net.log.some((w) => w.from.address === ADDRESS_B && w.message[18] === ExchangeType.QUICK_MODE);
  }, 5000, 'B answered Quick Mode message 1');
  // B repeats message 2 after 4 s and then every 7.2 s, and answers A's repeated message 1
  // (after 4, 11.2 and 24.2 s) from its cache: all lost until 30.2 s.
  await advance(pair, [4000, 7200, 7200, 7200, 4600]);
  t.equal(pair.a.km.table.ipsecSas().length, 0, 'A still waits for message 2 after 30.2 s');
  lost = false;
  await advance(pair, [2600]);
  t.equal(logged(pair.b, 'never came').length, 0, 'B installed on message 3');
  await installedAlike(t, pair, [pair.a, pair.b]);
});

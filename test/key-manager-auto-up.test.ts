/**
 * `set auto-up` in a crypto map entry: the key manager brings the entry's tunnel up without
 * traffic (at start, as at boot, and when the knob is entered), brings it up again when it
 * goes down, and retries a failing negotiation with waits that double.
 */
import t from 'tap';
import { ExchangeType } from '../src/ike/wire';
import { AUTO_UP_FIRST_RETRY_MS, AutoUpSchedule } from '../src/ike/key-manager/auto-up';
import { ADDRESS_A, ADDRESS_B } from './helpers/ike-exchange-harness';
import { keyManagerPair, logged, quiet, until, type Pair } from './helpers/key-manager-pair';

const autoUp = (a: { cryptoMaps: Array<{ entries: Array<{ autoUp?: boolean }> }> }): void => {
  const entry = a.cryptoMaps[0]?.entries[0];
  if (!entry) throw new Error('no crypto map entry');
  entry.autoUp = true;
};

async function tunnelUp(pair: Pair): Promise<void> {
  await until(async () => {
    await quiet(pair.net);
    return pair.a.km.table.ipsecSas().length === 1 && pair.b.km.table.ipsecSas().length === 1;
  }, 5000, 'the tunnel');
}

/** Initiator cookies of A's Main Mode first messages (responder cookie zero), new ones first seen. */
function initiatorCookies(pair: Pair): Set<string> {
  return new Set(pair.net.log.filter((w) => w.from.address === ADDRESS_A && w.message[18] === ExchangeType.IDENTITY_PROTECTION
    && w.message.subarray(8, 16).equals(Buffer.alloc(8))).map((w) => w.message.subarray(0, 8).toString('hex')));
}

t.test('up at start without traffic, and again after it is cleared', async (t) => {
  // A starts first, like a router booting before its peer: its first message finds no one.
  const pair = await keyManagerPair({ edit: (a) => autoUp(a) });
  t.teardown(() => pair.close());
  pair.clock.advance(1000); // A's retransmission reaches B, now listening
  await tunnelUp(pair);
  t.equal((await pair.a.backend.listSas()).length, 2, 'A: both directions installed');
  t.equal(logged(pair.a, 'auto-up: negotiating the tunnel with 198.51.100.2').length, 1, 'one auto-up negotiation');
  t.equal(logged(pair.a, 'ACQUIRE').length, 0, 'no traffic asked for it');

  await pair.a.km.clearIpsec({ kind: 'all' });
  await tunnelUp(pair);
  t.equal(logged(pair.a, 'auto-up: negotiating the tunnel with').length, 2, 'brought up again after clear crypto sa');
});

t.test('entered on a running key manager: the tunnel comes up at once; not without it', async (t) => {
  const pair = await keyManagerPair();
  t.teardown(() => pair.close());
  await quiet(pair.net);
  t.equal(pair.net.log.length, 0, 'without set auto-up nothing is negotiated');
  autoUp(pair.a.gw.config);
  await pair.a.km.configChanged();
  await tunnelUp(pair);
  t.pass('up after the knob was entered');
});

t.test('a failing negotiation is retried with doubling waits', async (t) => {
  const pair = await keyManagerPair({ edit: (a) => autoUp(a) });
  t.teardown(() => pair.close());
  pair.net.drop = (w) => w.from.address === ADDRESS_B; // B never answers
  const start = pair.clock.now();
  const seen = new Set<string>();
  const attempts: number[] = [];
  for (let s = 0; s <= 160; s++) {
    await quiet(pair.net);
    for (const cookie of initiatorCookies(pair)) {
      if (seen.has(cookie)) continue;
      seen.add(cookie);
      attempts.push(pair.clock.now() - start);
    }
    pair.clock.advance(1000);
  }
  // Each attempt gives up after the test schedule's 1 + 2 + 4 s. The first retry is due 5 s
  // after the first attempt, so it follows the failure at once; each later one waits twice
  // as long as the one before, counted from the attempt before.
  const f = AUTO_UP_FIRST_RETRY_MS;
  t.same(attempts, [0, 7000, 7000 + 2 * f, 7000 + 6 * f, 7000 + 14 * f, 7000 + 30 * f], 'attempts at 0, 7, 17, 37, 77 and 157 s');
  t.equal(logged(pair.a, 'auto-up: negotiating the tunnel with').length, attempts.length, 'each logged');
});

t.test('a negotiation still running past its retry time is looked at again later, not at once', async (t) => {
  const schedule = new AutoUpSchedule();
  const f = AUTO_UP_FIRST_RETRY_MS;
  t.same(schedule.plan(new Map([['flow', 'down']]), 0), { start: ['flow'], nextAt: f }, 'started, looked at again after the first wait');
  // Queued behind thousands of others, it is still negotiating when that time comes.
  t.same(schedule.plan(new Map([['flow', 'negotiating']]), f), { start: [], nextAt: 2 * f }, 'one more wait, not the past time');
  t.same(schedule.plan(new Map([['flow', 'down']]), 2 * f), { start: ['flow'], nextAt: 4 * f }, 'failed meanwhile: retried, the wait doubled');
  schedule.up('flow');
  t.same(schedule.plan(new Map([['flow', 'down']]), 5 * f), { start: ['flow'], nextAt: 6 * f }, 'after being up, a loss starts from the first wait');
});

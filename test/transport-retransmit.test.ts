import t from 'tap';
import {
  DEFAULT_RETRANSMIT, finalLegPolicy, retransmitSpanMs, retransmitWaits, startRetransmission, type RetransmitPolicy,
} from '../src/ike/transport/retransmit';
import { FakeClock } from './helpers/fake-clock';

t.test('wait schedules', async (t) => {
  const cases: Array<[string, RetransmitPolicy, number[]]> = [
    ['the default, charon\'s', DEFAULT_RETRANSMIT, [4000, 7200, 12960, 23328, 41990, 75583]],
    ['doubling', { initialTimeoutMs: 1000, backoff: 2, retries: 3 }, [1000, 2000, 4000, 8000]],
    ['constant', { initialTimeoutMs: 500, backoff: 1, retries: 2 }, [500, 500, 500]],
    ['no retries', { initialTimeoutMs: 3000, backoff: 2, retries: 0 }, [3000]],
  ];
  for (const [name, policy, waits] of cases) {
    t.same(retransmitWaits(policy), waits, name);
    t.equal(retransmitSpanMs(policy), waits.reduce((a, b) => a + b, 0), `${name}: span`);
  }
  t.equal(retransmitSpanMs(DEFAULT_RETRANSMIT), 165061, 'gives up after about 165 s');
  for (const bad of [{ initialTimeoutMs: 0, backoff: 2, retries: 1 }, { initialTimeoutMs: 1, backoff: 0.5, retries: 1 }, { initialTimeoutMs: 1, backoff: 2, retries: -1 }, { initialTimeoutMs: 1, backoff: 2, retries: 1.5 }, { initialTimeoutMs: NaN, backoff: 2, retries: 1 }]) {
    t.throws(() => retransmitWaits(bad), RangeError, JSON.stringify(bad));
  }
});

t.test('capped waits', async (t) => {
  t.same(retransmitWaits({ initialTimeoutMs: 1000, backoff: 2, retries: 4, maxTimeoutMs: 3000 }), [1000, 2000, 3000, 3000, 3000]);
  t.throws(() => retransmitWaits({ initialTimeoutMs: 1000, backoff: 2, retries: 1, maxTimeoutMs: 999 }), RangeError, 'a cap below the first wait');
});

t.test('the final-leg schedule: waits stop growing after the second, as many as fit in the span', async (t) => {
  const policy = finalLegPolicy(DEFAULT_RETRANSMIT);
  const waits = retransmitWaits(policy);
  t.same(waits.slice(0, 3), [4000, 7200, 7200], '4 s, then every 7.2 s');
  t.equal(new Set(waits.slice(1)).size, 1, 'no longer wait after the second');
  t.equal(waits.length, 23, '23 transmissions instead of 6');
  t.ok(retransmitSpanMs(policy) <= retransmitSpanMs(DEFAULT_RETRANSMIT), 'given up no later than the base schedule');
  t.ok(retransmitSpanMs(policy) + 7200 > retransmitSpanMs(DEFAULT_RETRANSMIT), 'and not a whole wait earlier');
  t.same(retransmitWaits(finalLegPolicy({ initialTimeoutMs: 500, backoff: 1, retries: 2 })), [500, 500, 500], 'constant waits stay as they are');
});

function run(policy?: RetransmitPolicy) {
  const clock = new FakeClock();
  const sends: Array<[number, number]> = [];
  const start = clock.now();
  let gaveUp: number | undefined;
  const r = startRetransmission({
    send: (attempt) => sends.push([attempt, clock.now() - start]),
    giveUp: () => { gaveUp = clock.now() - start; },
    timers: clock,
    ...(policy ? { policy } : {}),
  });
  return { clock, sends, r, gaveUp: () => gaveUp };
}

t.test('unanswered: every retransmission on schedule, then give up', async (t) => {
  const { clock, sends, r, gaveUp } = run();
  t.same(sends, [[0, 0]], 'sent at once');
  clock.advance(3999);
  t.equal(sends.length, 1, 'not before 4 s');
  clock.advance(1);
  clock.advance(200_000);
  t.same(sends, [[0, 0], [1, 4000], [2, 11200], [3, 24160], [4, 47488], [5, 89478]], 'backoff 1.8');
  t.equal(gaveUp(), 165061, 'given up when the last wait ends');
  t.equal(r.transmissions, 6);
  t.equal(r.finished, true);
  t.equal(clock.pending, 0, 'no timer left');
});

t.test('answered: cancel stops it at any point', async (t) => {
  for (const after of [0, 3999, 4000, 20_000, 165_060]) {
    const { clock, sends, r, gaveUp } = run();
    clock.advance(after);
    const sent = sends.length;
    r.cancel();
    r.cancel();
    clock.advance(300_000);
    t.equal(sends.length, sent, `cancelled after ${after} ms: no more sends`);
    t.equal(gaveUp(), undefined, 'no give-up');
    t.equal(r.finished, true);
    t.equal(clock.pending, 0);
  }
});

t.test('cancel after give-up changes nothing', async (t) => {
  const { clock, r, gaveUp } = run({ initialTimeoutMs: 10, backoff: 1, retries: 1 });
  clock.advance(20);
  t.equal(gaveUp(), 20);
  r.cancel();
  t.equal(r.transmissions, 2);
});

t.test('a retransmission whose send cancels schedules nothing', async (t) => {
  const clock = new FakeClock();
  let giveUps = 0;
  const r = startRetransmission({
    send: (attempt) => { if (attempt === 2) r.cancel(); },
    giveUp: () => { giveUps++; },
    policy: { initialTimeoutMs: 100, backoff: 2, retries: 5 },
    timers: clock,
  });
  clock.advance(10_000);
  t.equal(r.transmissions, 3);
  t.equal(giveUps, 0);
  t.equal(clock.pending, 0);
});

t.test('real timers by default', async (t) => {
  let sends = 0;
  await new Promise<void>((resolve) => {
    startRetransmission({ send: () => { sends++; }, giveUp: resolve, policy: { initialTimeoutMs: 5, backoff: 1.5, retries: 2 } });
  });
  t.equal(sends, 3);
});

/**
 * The shared deadline queue behind the system clock: order, cancellation, one host timer at
 * a time, and a throwing callback not stopping the others. A fake host stands in for Node's
 * timers; it fires its one timer when the test advances time.
 */
import t from 'tap';
import { DeadlineQueue, TimerQueue, type TimerEntry, type TimerHost } from '../src/kernel/timer-queue';

class FakeHost implements TimerHost {
  time = 0;
  armed: { fire: () => void; at: number } | undefined;
  sets = 0;
  now(): number {
    return this.time;
  }
  set(fire: () => void, ms: number): unknown {
    if (this.armed) throw new Error('a second host timer while one is armed');
    this.sets++;
    this.armed = { fire, at: this.time + ms };
    return this.armed;
  }
  clear(handle: unknown): void {
    if (handle === this.armed) this.armed = undefined;
  }
  /** Moves time to `to`, firing the host timer whenever it is due. */
  advance(to: number): void {
    while (this.armed && this.armed.at <= to) {
      const { fire, at } = this.armed;
      this.time = at;
      this.armed = undefined;
      fire();
    }
    this.time = to;
  }
}

t.test('deadlines fire in time order, equal ones in the order added', async (t) => {
  const host = new FakeHost();
  const q = new TimerQueue(host);
  const fired: string[] = [];
  q.add(() => fired.push('c30'), 30);
  q.add(() => fired.push('a10'), 10);
  q.add(() => fired.push('b10'), 10);
  q.add(() => fired.push('d0'), 0);
  t.equal(q.size, 4);
  host.advance(9);
  t.same(fired, ['d0']);
  host.advance(100);
  t.same(fired, ['d0', 'a10', 'b10', 'c30']);
  t.equal(q.size, 0);
  t.equal(host.armed, undefined, 'no host timer left when nothing is pending');
});

t.test('a cancelled deadline never fires; cancelling twice or after firing does nothing', async (t) => {
  const host = new FakeHost();
  const q = new TimerQueue(host);
  const fired: number[] = [];
  const first = q.add(() => fired.push(1), 10);
  const second = q.add(() => fired.push(2), 20);
  q.cancel(first);
  q.cancel(first);
  t.equal(q.size, 1);
  host.advance(19);
  t.same(fired, [], 'nothing fires at the cancelled time');
  host.advance(20);
  t.same(fired, [2], 'the next live deadline fires at its own time');
  host.advance(50);
  q.cancel(second);
  t.same(fired, [2]);
  t.equal(q.size, 0);
  q.cancel(q.add(() => fired.push(3), 10));
  t.equal(host.armed, undefined, 'cancelling the last live deadline clears the host timer');
});

t.test('deadlines cancelled before they are due do not move the host timer', async (t) => {
  // The shape of retransmission timeouts: each message's timeout is cancelled by its answer,
  // oldest first, while later ones are added.
  const host = new FakeHost();
  const q = new TimerQueue(host);
  const fired: number[] = [];
  const window: TimerEntry[] = [];
  for (let k = 0; k < 1000; k++) {
    host.advance(k);
    window.push(q.add(() => fired.push(k), 4000));
    if (window.length > 10) q.cancel(window.shift() as TimerEntry);
  }
  t.equal(host.sets, 1, 'one host timer while the earliest deadlines were cancelled');
  host.advance(4000 + 989);
  t.same(fired, [], 'the host timer fired early and nothing was due');
  host.advance(5000);
  t.same(fired, [990, 991, 992, 993, 994, 995, 996, 997, 998, 999]);
  t.equal(host.armed, undefined);
  t.ok(host.sets <= 12, `host timer set ${host.sets} times: once, after the early firing, then once per live deadline`);
});

t.test('a callback may cancel a deadline due in the same run, or add one', async (t) => {
  const host = new FakeHost();
  const q = new TimerQueue(host);
  const fired: string[] = [];
  const later = q.add(() => fired.push('cancelled one'), 10);
  q.add(() => {
    fired.push('first');
    q.cancel(later);
    q.add(() => fired.push('added'), 0);
  }, 5);
  host.advance(10);
  t.same(fired, ['first', 'added']);
});

t.test('a callback that throws does not stop the others', async (t) => {
  const host = new FakeHost();
  const q = new TimerQueue(host);
  const fired: number[] = [];
  q.add(() => {
    throw new Error('boom');
  }, 1);
  q.add(() => fired.push(2), 1);
  t.throws(() => host.advance(1), /boom/);
  t.equal(q.size, 1, 'the other one still pending');
  host.advance(2);
  t.same(fired, [2]);
});

t.test('many cancellations are swept out; the live deadlines still fire in order', async (t) => {
  const host = new FakeHost();
  const q = new TimerQueue(host);
  const fired: number[] = [];
  const entries = Array.from({ length: 3000 }, (_, i) => q.add(() => fired.push(i), 3000 - i));
  for (const [i, e] of entries.entries()) if (i % 6 !== 0) q.cancel(e);
  t.equal(q.size, 500);
  host.advance(5000);
  const expected = entries.map((_, i) => i).filter((i) => i % 6 === 0).reverse();
  t.same(fired, expected, 'latest added (earliest due) first');
});

t.test('an item scheduled again moves its one deadline, earlier or later', async (t) => {
  const cases: Array<{ name: string; moves: number[]; at: number }> = [
    { name: 'earlier', moves: [30, 10], at: 10 },
    { name: 'later', moves: [10, 30], at: 30 },
    { name: 'back and forth', moves: [30, 5, 20], at: 20 },
  ];
  for (const c of cases) {
    const host = new FakeHost();
    const fired: number[] = [];
    const q = new DeadlineQueue<{ seq: number }>(() => fired.push(host.now()), host);
    const item = { seq: 0 };
    for (const ms of c.moves) q.schedule(item, ms);
    t.equal(q.size, 1, `${c.name}: one deadline`);
    host.advance(100);
    t.same(fired, [c.at], `${c.name}: fires once, at the last time set`);
    t.equal(item.seq, 0, `${c.name}: no longer queued`);
  }
  const host = new FakeHost();
  const fired: string[] = [];
  const q = new DeadlineQueue<{ seq: number; name: string }>((item) => fired.push(item.name), host);
  const a = { seq: 0, name: 'a' };
  const b = { seq: 0, name: 'b' };
  q.schedule(a, 10);
  q.schedule(b, 20);
  q.schedule(a, 15);
  q.cancel(a);
  host.advance(100);
  t.same(fired, ['b'], 'a moved and then cancelled never fires');
  t.equal(host.armed, undefined, 'no host timer left');
});

import t from 'tap';
import { DuplicateDetector } from '../src/ike/transport/duplicate-detector';
import { retransmitSpanMs, DEFAULT_RETRANSMIT } from '../src/ike/transport/retransmit';
import { FakeClock } from './helpers/fake-clock';

const msg = (s: string): Buffer => Buffer.from(s);

function setup(holdMs?: number): { d: DuplicateDetector; clock: FakeClock } {
  const clock = new FakeClock();
  return { d: new DuplicateDetector({ now: () => clock.now(), ...(holdMs ? { holdMs } : {}) }), clock };
}

t.test('classification', async (t) => {
  type Step = ['accept' | 'respond' | 'forget', string] | ['check', string, string];
  const cases: Array<[string, Step[]]> = [
    ['unknown exchange: new', [['check', 'm1', 'new']]],
    ['accepted, unanswered: duplicate', [['accept', 'm1'], ['check', 'm1', 'duplicate']]],
    ['accepted and answered: resend', [['accept', 'm1'], ['respond', 'r1'], ['check', 'm1', 'resend r1']]],
    ['another message of the exchange: new', [['accept', 'm1'], ['respond', 'r1'], ['check', 'm2', 'new']]],
    ['only the last accepted message counts', [['accept', 'm1'], ['respond', 'r1'], ['accept', 'm3'], ['check', 'm1', 'new'], ['check', 'm3', 'duplicate']]],
    ['the last answer counts', [['accept', 'm1'], ['respond', 'r1'], ['respond', 'r1b'], ['check', 'm1', 'resend r1b']]],
    ['a forged message never accepted changes nothing', [['accept', 'm1'], ['respond', 'r1'], ['check', 'forged', 'new'], ['check', 'm1', 'resend r1']]],
    ['forgotten: new', [['accept', 'm1'], ['respond', 'r1'], ['forget', ''], ['check', 'm1', 'new']]],
    ['an answer without an accepted message is not kept', [['respond', 'r1'], ['check', 'm1', 'new']]],
    ['one octet differs: new', [['accept', 'message'], ['respond', 'r'], ['check', 'messagf', 'new']]],
  ];
  for (const [name, steps] of cases) {
    const { d } = setup();
    const seen: string[] = [];
    const want: string[] = [];
    for (const step of steps) {
      if (step[0] === 'accept') d.accepted('x', msg(step[1]));
      else if (step[0] === 'respond') d.responded('x', msg(step[1]));
      else if (step[0] === 'forget') d.forget('x');
      else {
        const c = d.check('x', msg(step[1]));
        seen.push(c.kind === 'resend' ? `resend ${c.response.toString()}` : c.kind);
        want.push(step[2]);
      }
    }
    t.same(seen, want, name);
  }
});

t.test('exchanges are independent', async (t) => {
  const { d } = setup();
  d.accepted('a', msg('m'));
  d.responded('a', msg('ra'));
  d.accepted('b', msg('m'));
  t.same(d.check('a', msg('m')), { kind: 'resend', response: msg('ra') });
  t.same(d.check('b', msg('m')), { kind: 'duplicate' });
  t.equal(d.size, 2);
});

t.test('hold time: by default the retransmission span, refreshed by activity', async (t) => {
  const { d, clock } = setup();
  const hold = retransmitSpanMs(DEFAULT_RETRANSMIT);
  d.accepted('x', msg('m'));
  clock.advance(hold - 1000);
  d.responded('x', msg('r'));
  clock.advance(hold - 1);
  t.equal(d.check('x', msg('m')).kind, 'resend', 'the answer refreshed it');
  clock.advance(hold - 1);
  t.equal(d.check('x', msg('m')).kind, 'resend', 'so did the retransmission');
  clock.advance(hold);
  t.equal(d.check('x', msg('m')).kind, 'new', 'expired');
  t.equal(d.size, 0, 'and dropped');
  d.responded('x', msg('late'));
  t.equal(d.size, 0, 'a late answer revives nothing');
});

t.test('prune drops only expired exchanges', async (t) => {
  const { d, clock } = setup(1000);
  d.accepted('old', msg('m'));
  clock.advance(600);
  d.accepted('young', msg('m'));
  clock.advance(400);
  d.prune();
  t.equal(d.size, 1);
  t.equal(d.check('young', msg('m')).kind, 'duplicate');
});

t.test('the wall clock by default', async (t) => {
  const d = new DuplicateDetector({ holdMs: 20 });
  d.accepted('x', msg('m'));
  t.equal(d.check('x', msg('m')).kind, 'duplicate');
  await new Promise((r) => setTimeout(r, 30));
  t.equal(d.check('x', msg('m')).kind, 'new');
});

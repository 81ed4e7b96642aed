import t from 'tap';
import { HalfOpenLimiter, type HalfOpenLimits } from '../src/ike/transport/half-open-limit';

t.test('admission against the limits', async (t) => {
  type Step = ['admit', string, string, string] | ['settle', string];
  const cases: Array<[string, HalfOpenLimits, Step[]]> = [
    ['no limits', {}, [['admit', 's1', 'p', 'ok'], ['admit', 's2', 'p', 'ok'], ['admit', 's3', 'q', 'ok']]],
    ['per peer', { perPeer: 2 }, [['admit', 's1', 'p', 'ok'], ['admit', 's2', 'p', 'ok'], ['admit', 's3', 'p', 'peer'], ['admit', 's4', 'q', 'ok']]],
    ['total', { total: 2 }, [['admit', 's1', 'p', 'ok'], ['admit', 's2', 'q', 'ok'], ['admit', 's3', 'r', 'total']]],
    ['total is checked first', { total: 1, perPeer: 1 }, [['admit', 's1', 'p', 'ok'], ['admit', 's2', 'p', 'total']]],
    ['settling frees a place', { perPeer: 1 }, [['admit', 's1', 'p', 'ok'], ['admit', 's2', 'p', 'peer'], ['settle', 's1'], ['admit', 's2', 'p', 'ok']]],
    ['a known SA is admitted again without counting twice', { perPeer: 1 }, [['admit', 's1', 'p', 'ok'], ['admit', 's1', 'p', 'ok'], ['settle', 's1'], ['admit', 's2', 'p', 'ok']]],
    ['settling an unknown SA changes nothing', { total: 1 }, [['admit', 's1', 'p', 'ok'], ['settle', 'zz'], ['admit', 's2', 'p', 'total']]],
    ['a limit of 0 refuses all', { perPeer: 0 }, [['admit', 's1', 'p', 'peer']]],
  ];
  for (const [name, limits, steps] of cases) {
    const l = new HalfOpenLimiter(limits);
    const seen: string[] = [];
    const want: string[] = [];
    for (const step of steps) {
      if (step[0] === 'settle') l.settle(step[1]);
      else {
        const a = l.admit(step[1], step[2]);
        seen.push(a.admitted ? 'ok' : a.limit);
        want.push(step[3]);
      }
    }
    t.same(seen, want, name);
  }
});

t.test('counts', async (t) => {
  const l = new HalfOpenLimiter({ perPeer: 10 });
  l.admit('a', '192.0.2.1');
  l.admit('b', '192.0.2.1');
  l.admit('c', '198.51.100.2');
  t.equal(l.count(), 3);
  t.equal(l.count('192.0.2.1'), 2);
  t.equal(l.count('203.0.113.9'), 0);
  l.settle('a');
  l.settle('b');
  t.equal(l.count('192.0.2.1'), 0);
  t.equal(l.count(), 1);
});

t.test('limits must be non-negative integers', async (t) => {
  t.throws(() => new HalfOpenLimiter({ perPeer: -1 }), RangeError);
  t.throws(() => new HalfOpenLimiter({ total: 1.5 }), RangeError);
});

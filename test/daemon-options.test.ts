/** ikegated's command line: the IKE initiation limit (the other flags are covered by the daemon tests). */
import t from 'tap';
import { parseDaemonArgs, UsageError } from '../src/daemon-options';
import { DEFAULT_INITIATION_LIMIT } from '../src/ike/key-manager/key-manager';

t.test('--ike-initiation-limit: a default, a value, and bad values refused with a reason', async (t) => {
  const limit = (argv: string[]): number => {
    const o = parseDaemonArgs(argv, {});
    if (o === 'help') throw new Error('unexpected help');
    return o.ikeInitiationLimit;
  };
  t.equal(limit([]), DEFAULT_INITIATION_LIMIT);
  t.equal(limit(['--ike-initiation-limit', '1']), 1);
  t.equal(limit(['--ike-initiation-limit', '5000']), 5000);
  for (const bad of ['0', '-3', '2.5', 'many', '100001']) {
    t.throws(() => parseDaemonArgs(['--ike-initiation-limit', bad], {}), new UsageError(`--ike-initiation-limit must be a number 1-100000, not "${bad}"`), bad);
  }
  t.throws(() => parseDaemonArgs(['--ike-initiation-limit'], {}), { message: '--ike-initiation-limit needs a value' });
});

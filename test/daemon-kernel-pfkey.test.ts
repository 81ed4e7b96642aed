/**
 * ikegated --kernel pfkey on this host: where the kernel has PF_KEY (af_key) the daemon starts
 * on it and serves its console; where it has not, the start ends with one line on stderr that
 * names the module. Spawns dist/: `npm run build:ts && npx tap test/daemon-kernel-pfkey.test.ts`.
 */
import { existsSync } from 'node:fs';
import t from 'tap';
import { missingBuild, runPipe, workspace } from './fixtures/daemon-harness';

const built = missingBuild();
if (built) t.fail(built);
else if (process.getuid?.() !== 0) t.plan(0, 'PF_KEY sockets need root');
else {
  // /proc/net/pfkey exists exactly when the af_key module is in the kernel.
  const hasPfkey = existsSync('/proc/net/pfkey');

  t.test(hasPfkey ? 'af_key present: the daemon runs on PF_KEY' : 'no af_key: one line naming the module, status 1', async (t) => {
    const w = workspace(t);
    const r = await runPipe(t, { dir: w.dir, extra: ['--kernel', 'pfkey'] }, 'enable\nshow crypto ipsec sa\n');
    if (hasPfkey) {
      t.equal(r.code, 0, 'the console ran', { stderr: r.stderr });
      t.match(r.stdout, /Router#show crypto ipsec sa/);
    } else {
      t.equal(r.code, 1);
      t.equal(r.stderr, 'ikegated: --kernel pfkey: cannot use the kernel\'s SA database: open PF_KEY socket: Address family not supported by protocol (EAFNOSUPPORT); the kernel has no PF_KEY sockets (modprobe af_key, CONFIG_NET_KEY)\n');
      t.equal(r.stdout, '', 'no console');
    }
  });
}

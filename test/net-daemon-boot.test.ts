/**
 * ikegated --kernel xfrm in a network namespace made by this test: interfaces and routes
 * typed on the console reach the namespace's kernel, and the saved configuration applied
 * again at the next boot neither fails ("File exists") nor changes what is in place, and
 * puts back what was removed behind the router's back.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import t from 'tap';
import { DAEMON, missingBuild, noteStaleBuild, tempDir } from './fixtures/daemon-harness';
import { LEGACY_PROVIDER_FLAG } from '../src/ike/crypto/legacy-provider';
import { netnsUnavailable } from './helpers/netns';

const NS = `h5-boot-${process.pid}`;

function ip(...args: string[]): string {
  const r = spawnSync('ip', ['-n', NS, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** The daemon on a piped console: it runs the lines and exits at end of input. */
function ikegated(configDir: string, lines: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('ip', ['netns', 'exec', NS, process.execPath, LEGACY_PROVIDER_FLAG, DAEMON,
    '--kernel', 'xfrm', '--config-dir', configDir, '--control', 'none', '--console', 'stdio', '--log-level', 'warn', '--exit-on-error'],
  { input: `${lines.join('\n')}\n`, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function kernelState(): string {
  const addrs = (JSON.parse(ip('-j', 'addr', 'show', 'dev', 'eth1')) as Array<{ flags: string[]; addr_info: Array<{ family: string; local: string; prefixlen: number }> }>)[0];
  const routes = (JSON.parse(ip('-j', 'route', 'show', 'table', 'main')) as Array<{ dst: string; gateway?: string; protocol?: string }>)
    .map((r) => `${r.dst}${r.gateway ? ` via ${r.gateway}` : ''} ${r.protocol ?? ''}`.trim());
  return JSON.stringify({
    up: addrs?.flags.includes('UP'),
    addresses: addrs?.addr_info.filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`),
    routes: routes.sort(),
  });
}

const built = missingBuild();
const why = netnsUnavailable();
if (built) t.fail(built);
else if (why) t.plan(0, why);
else {
  noteStaleBuild(t);
  spawnSync('ip', ['netns', 'del', NS]);
  spawnSync('ip', ['netns', 'add', NS]);
  t.teardown(() => void spawnSync('ip', ['netns', 'del', NS]));
  ip('link', 'add', 'eth1', 'type', 'veth', 'peer', 'name', 'eth2');

  t.test('configured on the console, saved, applied again at boot', async (t) => {
    const dir = path.join(tempDir(t, 'h5-boot-'), 'config');
    const first = ikegated(dir, [
      'enable', 'configure terminal',
      'interface gi0/1', 'ip address 10.70.0.1 255.255.255.0', 'exit',
      'ip route 10.71.0.0 255.255.0.0 10.70.0.9',
      'end', 'write memory',
    ]);
    t.equal(first.status, 0, 'every command accepted', { stdout: first.stdout, stderr: first.stderr });
    const expected = JSON.stringify({ up: true, addresses: ['10.70.0.1/24'], routes: ['10.70.0.0/24 kernel', '10.71.0.0/16 via 10.70.0.9 static'] });
    t.equal(kernelState(), expected);

    const again = ikegated(dir, ['show ip interface brief']);
    t.equal(again.status, 0, { stdout: again.stdout, stderr: again.stderr });
    t.notMatch(again.stdout, /^%/m, 'the boot reports no problem');
    t.match(again.stdout, /\nGigabitEthernet0\/1 {9}10\.70\.0\.1 {7}YES manual down {18}down\n/, 'no carrier: the peer eth2 is down');
    t.equal(kernelState(), expected, 'the kernel is as it was');

    ip('route', 'del', '10.71.0.0/16');
    ip('link', 'set', 'eth1', 'down');
    const third = ikegated(dir, ['show ip route']);
    t.equal(third.status, 0, { stdout: third.stdout, stderr: third.stderr });
    t.equal(kernelState(), expected, 'what was undone behind the router\'s back is back');
  });
}

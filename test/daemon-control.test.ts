/**
 * The control socket end to end: `ikegate -c` against a running ikegated (socket mode 0600,
 * several -c in one session, exit status and caret on a rejected command, several sessions
 * sharing one config with the stdio console, missing socket, stale socket after a crash).
 * Spawns dist/: `npm run build:ts && npx tap test/daemon-control.test.ts`.
 */
import { lstatSync, existsSync, writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import { ControlClient } from '../src/console/control-client';
import { RemoteSession } from '../src/console/remote-session';
import {
  CLIENT, DAEMON, daemonArgs, ikegate, lastRunningConfig, missingBuild, noteStaleBuild, spawnNode, startBackground,
  waitForSocket, workspace,
} from './fixtures/daemon-harness';

const INVALID = "% Invalid input detected at '^' marker.\n";

const skip = missingBuild();
if (skip) t.fail(skip);
else {
  noteStaleBuild(t);

  t.test('control socket: mode 0600; ikegate -c runs commands in one privileged session', async (t) => {
    const w = workspace(t);
    const daemon = await startBackground(t, { dir: w.dir, control: w.socket });
    const st = lstatSync(w.socket);
    t.ok(st.isSocket(), 'a unix socket');
    t.equal(st.mode & 0o777, 0o600, 'mode 0600');

    const show = await ikegate(t, w.socket, ['show running-config']);
    t.equal(show.code, 0);
    t.equal(show.stderr, '');
    t.match(show.stdout, /^Building configuration\.\.\.\n\nCurrent configuration : \d+ bytes\n!\n/, 'output only: no prompt, no echo');
    t.match(lastRunningConfig(show.stdout), /^hostname Router$/m);

    const several = await ikegate(t, w.socket, ['conf t', 'hostname X', 'end', 'show run']);
    t.equal(several.code, 0);
    t.equal(several.stderr, '');
    t.match(several.stdout, /^Enter configuration commands, one per line\.  End with CNTL\/Z\.\n/);
    t.match(lastRunningConfig(several.stdout), /^hostname X$/m, 'the -c commands ran in one session, in order');

    const after = await ikegate(t, w.socket, ['show running-config']);
    t.match(lastRunningConfig(after.stdout), /^hostname X$/m, 'the change is live for the next client');
    t.equal((await daemon.stop()).code, 0, 'SIGTERM: clean exit');
    t.notOk(existsSync(w.socket), 'the socket file is removed on exit');
  });

  t.test('ikegate: a rejected command gives exit status 1, shown as typed with its caret', async (t) => {
    const w = workspace(t);
    await startBackground(t, { dir: w.dir, control: w.socket });
    const r = await ikegate(t, w.socket, ['show crypto isakmp policy', 'sho foo', 'show running-config']);
    t.equal(r.code, 1);
    t.match(r.stdout, `\nRouter#sho foo\n${' '.repeat('Router#sho '.length)}^\n${INVALID}`, 'the caret sits under the bad word');
    t.match(r.stdout, /^Default protection suite$/m, 'commands before it ran');
    t.match(r.stdout, /Current configuration : /, 'commands after it ran too, as with vtysh -c');

    const incomplete = await ikegate(t, w.socket, ['conf t', 'crypto isakmp']);
    t.equal(incomplete.code, 0, '"crypto isakmp" alone is a complete command');
    const incomplete2 = await ikegate(t, w.socket, ['conf t', 'crypto ipsec transform-set']);
    t.equal(incomplete2.code, 1);
    t.match(incomplete2.stdout, 'Router(config)#crypto ipsec transform-set\n% Incomplete command.\n');

    const ambiguous = await ikegate(t, w.socket, ['co']);
    t.equal(ambiguous.code, 1);
    t.equal(ambiguous.stdout, 'Router#co\n% Ambiguous command: "co"\n');

    const changed = await ikegate(t, w.socket, ['conf t', 'crypto isakmp policy 70000', 'end', 'show running-config']);
    t.equal(changed.code, 1);
    t.notMatch(lastRunningConfig(changed.stdout), 'policy 70000', 'a rejected command changes nothing');
  });

  t.test('ikegate with no -c and piped input: a console session on the daemon', async (t) => {
    const w = workspace(t);
    await startBackground(t, { dir: w.dir, control: w.socket });
    const r = await ikegate(t, w.socket, [], 'conf t\nhostname Piped\nend\nshow running-config\n');
    t.equal(r.code, 0);
    t.match(r.stdout, /^Router#conf t\n/, 'privileged EXEC straight away, the prompt and echo as on a pipe');
    t.match(r.stdout, 'Router(config)#hostname Piped\nPiped(config)#end\nPiped#show running-config\n');
    t.match(r.stdout, /Piped#\n$/);
  });

  t.test('ikegate with a missing socket: one line on stderr, exit status 2', async (t) => {
    const w = workspace(t);
    const missing = path.join(w.root, 'nothing-here.sock');
    const r = await ikegate(t, missing, ['show running-config']);
    t.equal(r.code, 2);
    t.equal(r.stdout, '');
    t.equal(r.stderr.split('\n').filter((l) => l !== '').length, 1, 'exactly one line');
    t.match(r.stderr, `% cannot reach ikegated at ${missing}: ENOENT`);

    // Same through $IKEGATE_CONTROL, without --control.
    const env = spawnNode(t, CLIENT, ['-c', 'show version'], { env: { ...process.env, IKEGATE_CONTROL: missing } });
    env.endInput();
    t.equal((await env.wait()).code, 2);
    t.match(env.stderr, `cannot reach ikegated at ${missing}`);

    // A file that is not a socket.
    const plain = path.join(w.root, 'plain-file');
    writeFileSync(plain, '');
    const notSocket = await ikegate(t, plain, ['show version']);
    t.equal(notSocket.code, 2);
    t.equal(notSocket.stderr.trim().split('\n').length, 1);
  });

  t.test('two control clients and the stdio console see one configuration', async (t) => {
    const w = workspace(t);
    const daemon = spawnNode(t, DAEMON, await daemonArgs({ dir: w.dir, control: w.socket, console: 'stdio' }));
    await waitForSocket(w.socket, daemon);
    daemon.send('enable\n');
    let at = await daemon.waitFor('Router#');

    const a = await ControlClient.connect(w.socket);
    const b = await ControlClient.connect(w.socket);
    t.teardown(() => {
      a.close();
      b.close();
    });
    const sa = await RemoteSession.open(a, false);
    const sb = await RemoteSession.open(b, false);
    t.equal(sa.prompt(), 'Router#', 'control sessions start privileged');

    for (const line of ['configure terminal', 'hostname Shared', 'crypto isakmp policy 5', 'encryption aes 192']) {
      t.ok((await sa.execute(line)).ok, `A: ${line}`);
    }
    for (const line of ['configure terminal', 'crypto ipsec transform-set FROM-B esp-aes esp-sha-hmac']) {
      t.ok((await sb.execute(line)).ok, `B: ${line}`);
    }
    // A and B are in sub-modes at the same time; both changes are live.
    const fromA = (await sa.execute('do show running-config')).output;
    const fromB = (await sb.execute('do show running-config')).output;
    t.equal(fromA, fromB, 'both sessions render the same running-config');
    t.match(fromA, /^crypto isakmp policy 5\n encryption aes 192$/m);
    t.match(fromA, /^crypto ipsec transform-set FROM-B esp-aes esp-sha-hmac$/m);

    // A third client (a separate ikegate process) and the console see it too.
    const c = await ikegate(t, w.socket, ['show running-config']);
    t.equal(lastRunningConfig(c.stdout), lastRunningConfig(fromA));
    daemon.send('show running-config\n');
    at = await daemon.waitFor(/Shared#$/, { from: at });
    t.equal(lastRunningConfig(daemon.stdout), lastRunningConfig(fromA), 'the stdio console sees the same config');
    t.match(daemon.stdout, 'Router#show running-config\n', 'the console prompt showed the old hostname when drawn');

    // The console configures; the clients see it.
    daemon.send('conf t\nno crypto isakmp policy 5\nend\n');
    await daemon.waitFor(/Shared#$/, { from: at });
    t.notMatch((await sa.execute('do show running-config')).output, 'crypto isakmp policy 5');
    t.notMatch((await sb.execute('do show running-config')).output, 'crypto isakmp policy 5');
    t.equal(sa.prompt(), 'Shared(config-isakmp)#', 'A is still in its sub-mode');

    daemon.endInput();
    t.equal((await daemon.wait()).code, 0, 'end of console input ends the daemon');
  });

  t.test('a client that disconnects mid-session leaves the daemon serving others', async (t) => {
    const w = workspace(t);
    await startBackground(t, { dir: w.dir, control: w.socket });
    const a = await ControlClient.connect(w.socket);
    const sa = await RemoteSession.open(a, false);
    await sa.execute('configure terminal');
    a.close();
    const r = await ikegate(t, w.socket, ['show running-config']);
    t.equal(r.code, 0);
    const exit = await ikegate(t, w.socket, ['exit', 'show version']);
    t.equal(exit.code, 0, 'exit ends the session; the remaining -c are not run');
    t.notMatch(exit.stdout, 'ikegate IKEv1/IPsec gateway');
    t.equal((await ikegate(t, w.socket, ['show version'])).code, 0, 'and the daemon still answers');
  });

  t.test('a stale socket left by a killed daemon is taken over; a live one is not', async (t) => {
    const w = workspace(t);
    const first = await startBackground(t, { dir: w.dir, control: w.socket });
    first.proc.kill('SIGKILL');
    await first.proc.exited;
    t.ok(lstatSync(w.socket).isSocket(), 'kill -9 leaves the socket file');
    const second = await startBackground(t, { dir: w.dir, control: w.socket });
    t.notMatch(second.proc.stderr, 'control socket');
    t.equal((await ikegate(t, w.socket, ['show version'])).code, 0, 'the new daemon answers');

    // A second daemon on the live socket: one clear line, and its own console still works.
    const otherDir = path.join(w.root, 'other');
    mkdirSync(otherDir);
    const intruder = spawnNode(t, DAEMON, await daemonArgs({ dir: otherDir, control: w.socket, console: 'stdio' }));
    intruder.endInput('show version\n');
    const exit = await intruder.wait();
    t.equal(exit.code, 0, 'the console works without the control socket');
    t.match(intruder.stdout, 'ikegate IKEv1/IPsec gateway');
    t.match(intruder.stderr, /^ikegated: cannot open control socket .*another ikegated is listening/m);
    t.equal((await ikegate(t, w.socket, ['show version'])).code, 0, 'the first daemon keeps its socket');
    t.ok(existsSync(w.socket));
  });
}

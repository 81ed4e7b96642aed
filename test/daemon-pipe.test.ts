/**
 * The daemon's console on a pipe (DESIGN.md contract): prompt, echoed line, output; exit 0 at
 * end of input, non-zero with --exit-on-error; logs only on stderr or the log file; first boot
 * on the embedded default configuration. Spawns dist/: `npm run build:ts && npx tap test/daemon-pipe.test.ts`.
 */
import { existsSync, readFileSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import {
  DAEMON, daemonArgs, jsonLines, missingBuild, noteStaleBuild, plainLines, runPipe, spawnNode, workspace,
} from './fixtures/daemon-harness';

const DEFAULT_NOTICE = '% No startup-config in the configuration directory; using the default configuration.\n';
const INVALID = "% Invalid input detected at '^' marker.\n";

const skip = missingBuild();
if (skip) t.fail(skip);
else {
  noteStaleBuild(t);

  t.test('first boot on an empty config dir: default configuration, said so, exact transcript', async (t) => {
    const w = workspace(t);
    const r = await runPipe(t, { dir: w.dir }, 'enable\nconfigure terminal\nhostname R1\nend\nshow running-config\n');
    t.equal(r.code, 0, 'exit 0 at end of input');
    t.equal(
      r.stdout,
      DEFAULT_NOTICE +
        'Router>enable\n' +
        'Router#configure terminal\n' +
        'Enter configuration commands, one per line.  End with CNTL/Z.\n' +
        'Router(config)#hostname R1\n' +
        'R1(config)#end\n' +
        'R1#show running-config\n' +
        'Building configuration...\n' +
        '\n' +
        'Current configuration : 36 bytes\n' +
        '!\n' +
        'version 0.1.0\n' +
        '!\n' +
        'hostname R1\n' +
        '!\n' +
        'end\n' +
        'R1#\n',
    );
    t.ok(statSync(w.dir).isDirectory(), 'the config dir is created');
    t.equal(statSync(w.dir).mode & 0o777, 0o700, 'config dir is private (0700)');
    t.notOk(existsSync(path.join(w.dir, 'startup-config')), 'nothing saved without write memory');
    t.equal(r.stderr, '', 'with --log-file nothing goes to stderr');
  });

  t.test('a config dir with a startup-config boots on it, without the default notice', async (t) => {
    const w = workspace(t);
    mkdirSync(w.dir);
    writeFileSync(path.join(w.dir, 'startup-config'), '!\nhostname Edge7\n!\nend\n', { mode: 0o600 });
    const r = await runPipe(t, { dir: w.dir }, 'show version\n');
    t.equal(r.code, 0);
    t.notMatch(r.stdout, 'default configuration');
    t.ok(r.stdout.startsWith('Edge7>show version\n'), 'first prompt carries the saved hostname');
  });

  t.test('the same commands piped with CRLF line ends behave the same', async (t) => {
    const w = workspace(t);
    const r = await runPipe(t, { dir: w.dir }, 'enable\r\nconf t\r\nhostname R2\r\nend\r\n');
    t.equal(r.code, 0);
    t.equal(r.stdout, `${DEFAULT_NOTICE}Router>enable\nRouter#conf t\nEnter configuration commands, one per line.  End with CNTL/Z.\nRouter(config)#hostname R2\nR2(config)#end\nR2#\n`);
  });

  t.test('without --exit-on-error a rejected command is shown with its caret and the script goes on', async (t) => {
    const w = workspace(t);
    const r = await runPipe(t, { dir: w.dir }, 'enable\nshow bogus\nconf t\nhostname R3\n');
    t.equal(r.code, 0, 'exit 0 at end of input although a command failed');
    t.match(r.stdout, `Router#show bogus\n${" ".repeat(12)}^\n${INVALID}Router#conf t\n`);
    t.match(r.stdout, 'R3(config)#\n', 'the lines after the failure ran');
  });

  t.test('with --exit-on-error the first rejected command stops the console with a non-zero status', async (t) => {
    const w = workspace(t);
    const r = await runPipe(t, { dir: w.dir, exitOnError: true }, 'enable\nconf t\nhostname R4\ncrypto isakmp policy 99999\nhostname R5\nend\n');
    t.not(r.code, 0, 'non-zero exit status');
    t.equal(r.code, 1);
    t.equal(r.signal, null, 'a clean exit, not a crash');
    t.match(r.stdout, 'R4(config)#crypto isakmp policy 99999\n');
    t.notMatch(r.stdout, 'hostname R5', 'nothing after the failure ran');
    t.notMatch(r.stdout, 'R5', 'the config was not changed after the failure');
    t.match(plainLines(r.stdout).at(-1), /^% /, 'the error is the last thing shown, no prompt after it');
  });

  t.test('with --exit-on-error a script without errors still exits 0', async (t) => {
    const w = workspace(t);
    const r = await runPipe(t, { dir: w.dir, exitOnError: true }, 'enable\nshow running-config\n');
    t.equal(r.code, 0);
  });

  t.test('a rejected answer (bad enable secret) counts as a failed command with --exit-on-error', async (t) => {
    const w = workspace(t);
    mkdirSync(w.dir);
    writeFileSync(path.join(w.dir, 'startup-config'), 'hostname Sec\nenable secret 0 right1\nend\n', { mode: 0o600 });
    const good = await runPipe(t, { dir: w.dir, exitOnError: true }, 'enable\nright1\nshow running-config\n');
    t.equal(good.code, 0, 'right secret');
    t.match(good.stdout, 'Sec>enable\nPassword: \nSec#show running-config\n', 'the secret is not echoed');
    t.notMatch(good.stdout, 'right1', 'the secret never appears on the console');
    const bad = await runPipe(t, { dir: w.dir, exitOnError: true }, 'enable\nwrong\nwrong\nwrong\nshow version\n');
    t.not(bad.code, 0, 'three wrong answers fail the script');
    t.notMatch(bad.stdout, 'ikegate IKEv1/IPsec gateway');
  });

  t.test('exit in user EXEC ends the pipe console with status 0 and ignores the rest', async (t) => {
    const w = workspace(t);
    const r = await runPipe(t, { dir: w.dir }, 'exit\nshow version\n');
    t.equal(r.code, 0);
    t.equal(r.stdout, `${DEFAULT_NOTICE}Router>exit\n`);
  });

  t.test('"?" at the end of a piped line shows context help', async (t) => {
    const w = workspace(t);
    const r = await runPipe(t, { dir: w.dir }, 'enable\nshow crypto ?\n');
    t.equal(r.code, 0);
    t.match(r.stdout, /Router#show crypto \?\n(?: {2}\S.*\n)+Router#\n$/);
    t.match(r.stdout, /^ {2}isakmp\s/m);
  });

  t.test('logs are pino JSON on stderr (no --log-file) and never on stdout, even at trace', async (t) => {
    const w = workspace(t);
    const r = await runPipe(t, { dir: w.dir, logFile: null, logLevel: 'trace' }, 'enable\nconf t\nhostname L1\nend\nshow running-config\nbogus\n');
    t.equal(r.code, 0);
    t.equal(r.stdout.split('\n').filter((l) => l.includes('{"level"') || l.includes('"msg"')).length, 0, 'no JSON on stdout');
    const records = jsonLines(r.stderr);
    t.ok(records.length >= 3, 'log records on stderr');
    t.same(plainLines(r.stderr), [], 'stderr holds only JSON records here');
    for (const rec of records) {
      t.type(rec.level, 'number');
      t.type(rec.time, 'number');
      t.equal(rec.name, 'ikegated');
    }
    t.ok(records.some((rec) => rec.msg === 'ikegated started'));
    t.ok(records.some((rec) => rec.msg === 'command' && rec.command === 'hostname L1'), 'commands are logged');
  });

  t.test('with --log-file the logs go to the file and stderr stays empty', async (t) => {
    const w = workspace(t);
    const r = await runPipe(t, { dir: w.dir, logLevel: 'debug' }, 'enable\nshow running-config\n');
    t.equal(r.code, 0);
    t.equal(r.stderr, '');
    t.notMatch(r.stdout, '"level"');
    const records = jsonLines(readFileSync(w.log, 'utf8'));
    t.ok(records.some((rec) => rec.msg === 'ikegated started'));
    t.ok(records.some((rec) => rec.msg === 'ikegated stopped'), 'the last record reaches the file before exit');
    t.same(plainLines(readFileSync(w.log, 'utf8')), [], 'the log file holds only JSON');
  });

  t.test('--log-level silent: no log output at all', async (t) => {
    const w = workspace(t);
    const r = await runPipe(t, { dir: w.dir, logFile: null, logLevel: 'silent' }, 'enable\n');
    t.equal(r.code, 0);
    t.equal(r.stderr, '');
  });

  t.test('bad flags: one line on stderr, exit 2; --help prints usage and exits 0', async (t) => {
    const bad = spawnNode(t, DAEMON, ['--console', 'serial']);
    const badExit = await bad.wait();
    t.equal(badExit.code, 2);
    t.equal(bad.stderr.trim().split('\n').length, 1, bad.stderr);
    t.match(bad.stderr, /^ikegated: --console/);
    const unknown = spawnNode(t, DAEMON, ['--frobnicate']);
    t.equal((await unknown.wait()).code, 2);
    t.match(unknown.stderr, /^ikegated: unknown option --frobnicate/);
    const port = spawnNode(t, DAEMON, ['--ike-port', '70000']);
    t.equal((await port.wait()).code, 2);
    t.match(port.stderr, /--ike-port must be a port number/);
    const help = spawnNode(t, DAEMON, ['--help']);
    t.equal((await help.wait()).code, 0);
    t.match(help.stdout, /^Usage: ikegated/);
    t.match(help.stdout, '--exit-on-error');
  });

  t.test('SIGTERM while the pipe is still open stops the daemon with status 0', async (t) => {
    const w = workspace(t);
    const proc = spawnNode(t, DAEMON, await daemonArgs({ dir: w.dir }));
    await proc.waitFor('Router>');
    proc.kill('SIGTERM');
    const exit = await proc.wait();
    t.equal(exit.code, 0);
  });

  t.test('a log file that cannot be opened: one clear line, exit 1 (no crash trace, no hang)', async (t) => {
    const w = workspace(t);
    mkdirSync(path.join(w.root, 'a-directory'));
    const isDir = await runPipe(t, { dir: w.dir, logFile: path.join(w.root, 'a-directory') }, 'show version\n');
    t.equal(isDir.code, 1);
    t.equal(isDir.stderr, `ikegated: cannot open log file ${path.join(w.root, 'a-directory')}: EISDIR\n`);
    t.equal(isDir.stdout, '', 'no console when the daemon cannot start');
    if (existsSync('/proc/self')) {
      // Node's recursive mkdir spins forever under /proc; the daemon must not.
      const proc = await runPipe(t, { dir: w.dir, logFile: '/proc/no-such-dir/ikegated.log' }, 'show version\n');
      t.equal(proc.code, 1);
      t.equal(proc.stderr, 'ikegated: cannot open log file /proc/no-such-dir/ikegated.log: ENOENT\n');
      const cfg = await runPipe(t, { dir: '/proc/no-such-dir/cfg', logFile: w.log }, 'show version\n');
      t.equal(cfg.code, 1);
      t.equal(cfg.stderr, 'ikegated: cannot create config dir /proc/no-such-dir/cfg: ENOENT\n');
    }
    const nested = path.join(w.root, 'var', 'log', 'ikegate', 'ikegated.log');
    const ok = await runPipe(t, { dir: w.dir, logFile: nested }, 'show version\n');
    t.equal(ok.code, 0, 'missing parent directories of the log file are created');
    t.ok(jsonLines(readFileSync(nested, 'utf8')).length > 0);
  });
}

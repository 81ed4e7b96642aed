/**
 * Persistence end to end: write memory / copy running-config startup-config, restart on the
 * same config dir, bad startup-config lines, atomic replacement (no temp files, a failing
 * rename, kill -9 in the middle of write memory).
 * Spawns dist/: `npm run build:ts && npx tap test/daemon-persistence.test.ts`.
 */
import { promises as fsp, existsSync, mkdirSync, readFileSync, rmSync, statSync, watch, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import { ControlClient } from '../src/console/control-client';
import { RemoteSession } from '../src/console/remote-session';
import { removeLeftoverTemps, writeFileAtomic } from '../src/persist/atomic-file';
import {
  DAEMON, daemonArgs, lastRunningConfig, leftoverTemps, missingBuild, noteStaleBuild, runPipe, spawnNode,
  startBackground, tempDir, workspace,
} from './fixtures/daemon-harness';

/** A configuration touching every persisted family (no enable secret: its salt is random). */
const CONFIGURE = [
  'hostname GW1',
  'ip domain name example.com',
  'ip host peer1 192.0.2.1',
  'crypto isakmp policy 10',
  ' encryption aes 256',
  ' hash sha256',
  ' authentication pre-share',
  ' group 14',
  ' lifetime 3600',
  'exit',
  'crypto isakmp policy 20',
  ' encryption 3des',
  ' hash md5',
  'exit',
  'crypto isakmp key Psk-One address 192.0.2.1',
  'crypto isakmp key Psk-Two hostname peer.example.com no-xauth',
  'crypto isakmp identity hostname',
  'crypto ipsec transform-set TS1 esp-aes 256 esp-sha-hmac',
  ' mode transport',
  'exit',
  'crypto ipsec transform-set TS2 esp-3des esp-md5-hmac',
  'exit',
  'access-list 101 permit ip 10.1.0.0 0.0.0.255 10.2.0.0 0.0.0.255',
  'crypto map CM 10 ipsec-isakmp',
  ' set peer 192.0.2.1',
  ' set transform-set TS1 TS2',
  ' match address 101',
  ' set pfs group14',
  ' set security-association lifetime seconds 1800',
  'exit',
  'interface eth0',
  ' ip address 192.0.2.254 255.255.255.0',
  ' crypto map CM',
  'exit',
  'ip local pool POOL1 10.9.0.1 10.9.0.50',
];

function script(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

const skip = missingBuild();
if (skip) t.fail(skip);
else {
  noteStaleBuild(t);

  t.test('write memory, restart on the same dir: identical running-config; 0600; no temp files', async (t) => {
    const w = workspace(t);
    const first = await runPipe(
      t,
      { dir: w.dir, exitOnError: true },
      script('enable', 'configure terminal', ...CONFIGURE, 'enable secret Adm1n-pw', 'end', 'write memory', 'show running-config'),
    );
    t.equal(first.code, 0, 'every configuration line was accepted');
    if (first.code !== 0) t.comment(first.stdout);
    t.match(first.stdout, 'GW1#write memory\nBuilding configuration...\n[OK]\n');
    const file = path.join(w.dir, 'startup-config');
    t.equal(statSync(file).mode & 0o777, 0o600, 'startup-config is readable by root only');
    t.same(leftoverTemps(w.dir), [], 'no temp file left behind');
    const running = lastRunningConfig(first.stdout);
    t.equal(readFileSync(file, 'utf8'), running, 'the file holds exactly the running-config');
    for (const item of ['crypto isakmp policy 10', 'crypto isakmp key Psk-One address 192.0.2.1', 'crypto ipsec transform-set TS1', 'crypto map CM 10 ipsec-isakmp', 'interface eth0', 'ip local pool POOL1']) {
      t.match(running, item, `saved: ${item}`);
    }

    const second = await runPipe(t, { dir: w.dir, exitOnError: true }, script('enable', 'Adm1n-pw', 'show running-config', 'show startup-config'));
    t.equal(second.code, 0, 'the saved enable secret is in force after the restart');
    t.notMatch(second.stdout, 'default configuration', 'no default-config notice');
    t.notMatch(second.stdout, /% startup-config line/, 'every saved line loads back');
    t.equal(lastRunningConfig(second.stdout), running, 'show running-config is identical after the restart');
    t.match(second.stdout, `GW1#show startup-config\nUsing ${Buffer.byteLength(running)} out of 262144 bytes\n${running}`);
  });

  t.test('copy running-config startup-config and "write" save the same text as write memory', async (t) => {
    const texts: string[] = [];
    for (const save of ['write memory', 'copy running-config startup-config', 'write']) {
      const w = workspace(t);
      const r = await runPipe(t, { dir: w.dir, exitOnError: true }, script('enable', 'conf t', ...CONFIGURE, 'end', save));
      t.equal(r.code, 0, `${save} succeeded`);
      t.match(r.stdout, `GW1#${save}\nBuilding configuration...\n[OK]\n`);
      const file = path.join(w.dir, 'startup-config');
      t.equal(statSync(file).mode & 0o777, 0o600, `${save}: mode 0600`);
      t.same(leftoverTemps(w.dir), [], `${save}: no temp file`);
      texts.push(readFileSync(file, 'utf8'));
    }
    t.equal(texts[1], texts[0], 'copy running-config startup-config == write memory');
    t.equal(texts[2], texts[0], 'write == write memory');
  });

  t.test('a second write memory replaces the file (still 0600), also over a 0644 one', async (t) => {
    const w = workspace(t);
    mkdirSync(w.dir);
    const file = path.join(w.dir, 'startup-config');
    writeFileSync(file, 'hostname Old\nend\n', { mode: 0o644 });
    const r = await runPipe(t, { dir: w.dir, exitOnError: true }, script('enable', 'conf t', 'hostname New', 'end', 'write memory'));
    t.equal(r.code, 0);
    t.match(readFileSync(file, 'utf8'), /^hostname New$/m);
    t.equal(statSync(file).mode & 0o777, 0o600);
  });

  t.test('bad startup-config lines: each reported with its line number at boot, the rest loads', async (t) => {
    const w = workspace(t);
    mkdirSync(w.dir);
    const lines = [
      '!', //                                                1
      'hostname Boot1', //                                   2
      'crypto isakmp policy 10', //                          3
      ' encryption aes 256', //                              4
      ' encryption rot13', //                                5 invalid keyword
      ' lifetime 5', //                                      6 out of range
      '!', //                                                7
      'crypto isakmp policy 99999', //                       8 out of range
      'crypto ipsec transform-set TSX esp-aes esp-md5-hmac', // 9
      'frobnicate now', //                                  10 no such command
      'crypto isakmp key Sekr1t-Boot address 300.1.1.1', // 11 bad address, secret in it
      'crypto ipsec transform-set', //                      12 incomplete
      'access-list 150 permit ip any any', //               13
      'end', //                                             14
    ];
    writeFileSync(path.join(w.dir, 'startup-config'), script(...lines), { mode: 0o600 });
    const r = await runPipe(t, { dir: w.dir }, script('enable', 'show running-config'));
    t.equal(r.code, 0, 'the daemon boots anyway');
    const boot = r.stdout.slice(0, r.stdout.indexOf('Boot1>'));
    const reported = [...boot.matchAll(/^% startup-config line (\d+): (.*)$/gm)].map((m) => Number(m[1]));
    t.same(reported, [5, 6, 8, 10, 11, 12], 'exactly the bad lines, in order, with their numbers');
    t.match(boot, /^% startup-config line 5: .*\[encryption rot13\]$/m, 'the line text is shown');
    t.match(boot, /^% startup-config line 12: Incomplete command\./m);
    t.notMatch(r.stdout, 'Sekr1t-Boot', 'the key of a rejected key line is not shown');
    t.match(boot, /line 11: .*\[crypto isakmp key <redacted> address 300\.1\.1\.1\]/);
    const running = lastRunningConfig(r.stdout);
    t.match(running, /^hostname Boot1$/m);
    t.match(running, /^crypto isakmp policy 10\n encryption aes 256\n/m, 'the good lines of a block load');
    t.notMatch(running, /lifetime 5\b/);
    t.notMatch(running, '99999');
    t.match(running, /^crypto ipsec transform-set TSX esp-aes esp-md5-hmac$/m);
    t.match(running, /^access-list 150 permit ip any any$/m, 'lines after the bad ones load');
  });

  t.test('an unreadable startup-config (a directory): boot on the defaults, say so, console works', async (t) => {
    const w = workspace(t);
    mkdirSync(path.join(w.dir, 'startup-config'), { recursive: true });
    const r = await runPipe(t, { dir: w.dir }, script('enable', 'show running-config'));
    t.equal(r.code, 0);
    t.match(r.stdout, /^% Cannot read startup-config .*startup-config \(EISDIR\); using the default configuration\.$/m);
    t.match(lastRunningConfig(r.stdout), /^hostname Router$/m);
  });

  t.test('write memory when the rename fails (target is a directory): error shown, nothing left behind', async (t) => {
    const w = workspace(t);
    const proc = spawnNode(t, DAEMON, await daemonArgs({ dir: w.dir }));
    proc.send('enable\nconf t\nhostname Dirty\nend\n');
    let at = await proc.waitFor('Dirty#');
    const target = path.join(w.dir, 'startup-config');
    mkdirSync(target);
    writeFileSync(path.join(target, 'keep-me'), 'x');
    proc.send('write memory\n');
    at = await proc.waitFor(/Dirty#$/, { from: at });
    t.match(proc.stdout, /Dirty#write memory\nBuilding configuration\.\.\.\n% Error writing startup-config: .*\n/);
    t.notMatch(proc.stdout.slice(proc.stdout.lastIndexOf('write memory')), '[OK]');
    t.same(leftoverTemps(w.dir), [], 'the temp file was removed');
    t.ok(statSync(target).isDirectory(), 'the target was not touched');
    t.equal(readFileSync(path.join(target, 'keep-me'), 'utf8'), 'x');

    rmSync(target, { recursive: true });
    proc.send('write memory\n');
    await proc.waitFor(/\[OK\]\nDirty#$/, { from: at });
    t.ok(statSync(target).isFile(), 'the next write memory works');
    t.match(readFileSync(target, 'utf8'), /^hostname Dirty$/m);
    proc.endInput();
    t.equal((await proc.wait()).code, 0);
  });

  t.test('writeFileAtomic: concurrent writers never collide on a temp name and never tear', async (t) => {
    const dir = tempDir(t);
    const file = path.join(dir, 'startup-config');
    const texts = Array.from({ length: 40 }, (_, i) => `hostname W${i}\n${'!\n'.repeat(2000 + i)}end\n`);
    await Promise.all(texts.map((text) => writeFileAtomic(file, text)));
    t.ok(texts.includes(readFileSync(file, 'utf8')), 'the file is one of the full texts');
    t.same(leftoverTemps(dir), []);
    t.equal(statSync(file).mode & 0o777, 0o600);
  });

  t.test('writeFileAtomic: a crash between write and rename leaves the old file whole', async (t) => {
    const dir = tempDir(t);
    const file = path.join(dir, 'startup-config');
    await writeFileAtomic(file, 'hostname Old\nend\n');
    const rename = fsp.rename;
    fsp.rename = async () => {
      throw Object.assign(new Error('EIO: simulated power cut'), { code: 'EIO' });
    };
    t.teardown(() => {
      fsp.rename = rename;
    });
    await t.rejects(writeFileAtomic(file, 'hostname New\nend\n'), { code: 'EIO' });
    fsp.rename = rename;
    t.equal(readFileSync(file, 'utf8'), 'hostname Old\nend\n');
    t.same(leftoverTemps(dir), []);
  });

  t.test('removeLeftoverTemps: removes temps of dead processes only', async (t) => {
    const dir = tempDir(t);
    const file = path.join(dir, 'startup-config');
    const dead = path.join(dir, '.startup-config.999999999.1.abcd.tmp');
    const mine = path.join(dir, `.startup-config.${process.pid}.7.abcd.tmp`);
    const other = path.join(dir, '.other.999999999.1.abcd.tmp');
    for (const f of [dead, mine, other]) writeFileSync(f, 'partial');
    t.same(await removeLeftoverTemps(file), [path.basename(dead)]);
    t.notOk(existsSync(dead));
    t.ok(existsSync(mine), 'a temp file of a live writer stays');
    t.ok(existsSync(other), 'other files stay');
  });

  t.test('kill -9 during write memory of a large config: startup-config is always the old or the new text', async (t) => {
    const w = workspace(t);
    mkdirSync(w.dir);
    const file = path.join(w.dir, 'startup-config');
    // Large enough that writing takes a while, small enough that boot stays quick (boot cost
    // grows with the config size squared today; see the report).
    const big = ['hostname K0'];
    for (let i = 1; i <= 250; i++) big.push(`crypto isakmp policy ${i}`, ' encryption aes 256', ' hash sha256', ' authentication pre-share', ' group 14', ` lifetime ${3600 + i}`, '!');
    for (let i = 1; i <= 100; i++) big.push(`crypto isakmp key Key-${i}-${'x'.repeat(40)} address 198.51.${Math.floor(i / 250)}.${i % 250}`);
    writeFileSync(file, script(...big, 'end'), { mode: 0o600 });

    // First boot: let the daemon write its own canonical form of the config.
    let daemon = await startBackground(t, { dir: w.dir, control: w.socket });
    await runClient(w.socket, ['write memory']);
    await daemon.stop();
    let current = readFileSync(file, 'utf8');
    t.ok(current.length > 30_000, `a large startup-config (${current.length} bytes)`);

    const outcomes = { old: 0, new: 0 };
    const iterations = 12;
    for (let i = 1; i <= iterations; i++) {
      daemon = await startBackground(t, { dir: w.dir, control: w.socket });
      t.same(leftoverTemps(w.dir), [], `boot ${i}: no temp files (left ones are cleaned at boot)`);
      const client = await ControlClient.connect(w.socket);
      const session = await RemoteSession.open(client, false);
      for (const line of ['configure terminal', `hostname K${i}`, 'end']) {
        const r = await session.execute(line);
        if (!r.ok) throw new Error(`${line}: ${r.output}`);
      }
      const next = current.replace(/^hostname K\d+$/m, `hostname K${i}`);
      t.not(next, current);

      const victim = daemon.proc;
      const killed = new Promise<void>((resolve) => {
        const kill = (): void => {
          clearTimeout(fallback);
          watcher?.close();
          victim.kill('SIGKILL');
          resolve();
        };
        // Even rounds: kill the moment the temp file appears, i.e. mid-write (or, if the
        // watcher never sees it, shortly after). Odd rounds: after a random short delay.
        const watcher = i % 2 === 0
          ? watch(w.dir, (_event, name) => {
            if (name && String(name).endsWith('.tmp')) kill();
          })
          : undefined;
        const fallback = setTimeout(kill, watcher ? 2000 : Math.floor(Math.random() * 15));
      });
      session.execute('write memory').catch(() => undefined);
      await killed;
      await victim.exited;
      client.close();

      const after = readFileSync(file, 'utf8');
      if (after === current) outcomes.old++;
      else if (after === next) {
        outcomes.new++;
        current = next;
      } else {
        t.fail(`round ${i}: startup-config is neither the old nor the new text (${after.length} bytes)`);
        break;
      }
      t.equal(statSync(file).mode & 0o777, 0o600, `round ${i}: still 0600`);
    }
    t.comment(`after kill -9: old text ${outcomes.old} times, new text ${outcomes.new} times`);
    t.equal(outcomes.old + outcomes.new, iterations, 'always a whole file');

    // The last boot loads what was left and cleans any temp file a kill left behind.
    daemon = await startBackground(t, { dir: w.dir, control: w.socket });
    t.same(leftoverTemps(w.dir), []);
    const shown = await runClient(w.socket, ['show running-config']);
    t.equal(lastRunningConfig(shown), current, 'the daemon boots on the surviving text');
    await daemon.stop();
  });
}

async function runClient(socket: string, commands: string[]): Promise<string> {
  const client = await ControlClient.connect(socket);
  try {
    const session = await RemoteSession.open(client, false);
    let out = '';
    for (const c of commands) {
      const r = await session.execute(c);
      if (!r.ok) throw new Error(`${c}: ${r.output}`);
      out += r.output;
    }
    return out;
  } finally {
    client.close();
  }
}

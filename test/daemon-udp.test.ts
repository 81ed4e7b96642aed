/**
 * IKE's UDP ports: bound when free (seen by `ss -uln` and by EADDRINUSE for anyone else),
 * released at exit; when one is taken, one clear line on stderr and the console still works.
 * Uses free high ports, never 500/4500.
 * Spawns dist/: `npm run build:ts && npx tap test/daemon-udp.test.ts`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import t from 'tap';
import { startDaemon } from '../src/daemon';
import { parseDaemonArgs } from '../src/daemon-options';
import {
  freeUdpPorts, holdUdpPort, ikegate, jsonLines, missingBuild, noteStaleBuild, plainLines, runPipe, startBackground,
  tryBindUdp, workspace,
} from './fixtures/daemon-harness';

function ssListening(): Set<number> | undefined {
  const r = spawnSync('ss', ['-Hnlu'], { encoding: 'utf8' });
  if (r.status !== 0 || typeof r.stdout !== 'string') return undefined;
  const ports = new Set<number>();
  for (const line of r.stdout.split('\n')) {
    const local = line.trim().split(/\s+/)[3];
    const m = local ? /:(\d+)$/.exec(local) : null;
    if (m) ports.add(Number(m[1]));
  }
  return ports;
}

const skip = missingBuild();
if (skip) t.fail(skip);
else {
  noteStaleBuild(t);

  t.test('with free ports the daemon binds both, and releases them at exit', async (t) => {
    const w = workspace(t);
    const daemon = await startBackground(t, { dir: w.dir, control: w.socket });
    const [ike, natT] = daemon.ports;
    t.equal(daemon.proc.stderr, '', 'no notice');
    t.equal(await tryBindUdp(ike), 'EADDRINUSE', `IKE port ${ike} is taken by the daemon`);
    t.equal(await tryBindUdp(natT), 'EADDRINUSE', `NAT-T port ${natT} is taken by the daemon`);
    const listening = ssListening();
    if (listening) {
      t.ok(listening.has(ike), `ss -uln lists ${ike}`);
      t.ok(listening.has(natT), `ss -uln lists ${natT}`);
    } else t.comment('ss not available: checked by binding only');
    const bound = jsonLines(readFileSync(w.log, 'utf8')).filter((r) => r.msg === 'IKE UDP port bound').map((r) => r.port);
    t.same(bound, [ike, natT], 'the log says which ports were bound');

    t.equal((await daemon.stop()).code, 0);
    t.equal(await tryBindUdp(ike), 'ok', 'released at exit');
    t.equal(await tryBindUdp(natT), 'ok');
  });

  t.test('IKE port in use: exactly one clear line on stderr naming the port; the console still answers', async (t) => {
    const w = workspace(t);
    const [taken, free] = await freeUdpPorts(2) as [number, number];
    await holdUdpPort(t, taken);
    const r = await runPipe(t, { dir: w.dir, ports: [taken, free] }, 'enable\nshow running-config\n');
    t.equal(r.code, 0, 'the console ran to the end of its input');
    t.match(r.stdout, /Current configuration : \d+ bytes/, 'commands still work');
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    t.equal(lines.length, 1, 'exactly one line');
    t.match(lines[0], new RegExp(`^ikegated: cannot bind UDP 0\\.0\\.0\\.0:${taken} \\(EADDRINUSE[^)]*\\); IKE is unavailable on this port, the console still works$`));
    t.notMatch(lines[0], String(free), 'the port that worked is not mentioned');
    t.notMatch(r.stdout, 'cannot bind', 'the notice is not in the console stream');
  });

  t.test('both ports in use and logs on stderr: still one plain line beside the JSON logs', async (t) => {
    const w = workspace(t);
    const ports = await freeUdpPorts(2) as [number, number];
    for (const p of ports) await holdUdpPort(t, p);
    const r = await runPipe(t, { dir: w.dir, ports, logFile: null }, 'show version\n');
    t.equal(r.code, 0);
    t.match(r.stdout, 'ikegate IKEv1/IPsec gateway');
    const notice = plainLines(r.stderr);
    t.equal(notice.length, 1, 'one non-JSON line');
    t.match(notice[0], `cannot bind UDP 0.0.0.0:${ports[0]} (EADDRINUSE`);
    t.match(notice[0], `0.0.0.0:${ports[1]} (EADDRINUSE`);
    t.match(notice[0], 'the console still works');
    t.equal(jsonLines(r.stderr).filter((rec) => rec.msg === 'cannot bind IKE port').length, 2, 'each failure is logged');
  });

  t.test('IKE port in use with --console none: the control socket still answers', async (t) => {
    const w = workspace(t);
    const [taken, free] = await freeUdpPorts(2) as [number, number];
    await holdUdpPort(t, taken);
    const daemon = await startBackground(t, { dir: w.dir, control: w.socket, ports: [taken, free] });
    await daemon.proc.waitFor('\n', { stream: 'stderr' });
    t.equal(daemon.proc.stderr.split('\n').filter((l) => l !== '').length, 1);
    t.match(daemon.proc.stderr, `:${taken}`);
    const r = await ikegate(t, w.socket, ['show version']);
    t.equal(r.code, 0);
    t.equal(await tryBindUdp(free), 'EADDRINUSE', 'the other port is bound anyway');
    t.equal((await daemon.stop()).code, 0);
  });

  t.test('in-process: a console device that cannot be opened releases the ports and the socket', async (t) => {
    const w = workspace(t);
    const [ike, natT] = await freeUdpPorts(2) as [number, number];
    const options = parseDaemonArgs([
      '--config-dir', w.dir, '--console', `tty:${path.join(w.root, 'no-tty')}`, '--control', w.socket,
      '--log-file', w.log, '--ike-port', String(ike), '--nat-t-port', String(natT),
    ]);
    if (options === 'help') throw new Error('unexpected');
    await t.rejects(startDaemon(options, { stdout: new PassThrough(), notice: () => undefined }), { message: /cannot open console device/ });
    t.equal(await tryBindUdp(ike), 'ok');
    t.equal(await tryBindUdp(natT), 'ok');
    t.notOk(existsSync(w.socket), 'the control socket is gone');
  });
}

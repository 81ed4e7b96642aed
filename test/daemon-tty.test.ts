/**
 * The serial console (`--console tty:PATH`) on a real pseudo-terminal. No native dependency:
 * python3's os.openpty() makes the pair and relays the master side over pipes, so the test
 * types keys and reads the screen. Skipped when python3 or /dev/pts is unavailable.
 * Spawns dist/: `npm run build:ts && npx tap test/daemon-tty.test.ts`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import {
  DAEMON, Proc, daemonArgs, ikegate, missingBuild, noteStaleBuild, spawnNode, waitForSocket, workspace, type TestLike,
} from './fixtures/daemon-harness';

/** Prints the slave's path, then copies stdin -> master and master -> stdout until stdin ends. */
const RELAY = `
import os, select, sys
master, slave = os.openpty()
sys.stdout.write(os.ttyname(slave) + "\\n")
sys.stdout.flush()
# The slave stays open here too, so the master never reads EIO between console sessions.
while True:
    ready, _, _ = select.select([master, 0], [], [])
    if master in ready:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        os.write(1, data)
    if 0 in ready:
        data = os.read(0, 65536)
        if not data:
            break
        os.write(master, data)
`;

function python(): string | undefined {
  for (const candidate of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(candidate, ['-c', 'import os, pty; os.openpty()'], { stdio: 'ignore' });
    if (r.status === 0) return candidate;
  }
  return undefined;
}

/** The terminal screen as text: CR and ANSI escape sequences (readline's cursor moves) removed. */
function screen(raw: string): string {
  // eslint-disable-next-line no-control-regex
  return raw.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
}

interface Terminal {
  relay: Proc;
  device: string;
  /** Types keys on the terminal. */
  type(keys: string): void;
  /** Waits until the screen shows `text` after position `from` (of the raw stream); returns the new position. */
  see(text: string | RegExp, from?: number): Promise<number>;
}

async function openTerminal(t: TestLike, py: string): Promise<Terminal> {
  const child = spawn(py, ['-u', '-c', RELAY], { stdio: ['pipe', 'pipe', 'pipe'] });
  const relay = new Proc(child);
  t.teardown(async () => {
    child.stdin?.end();
    if (relay.running) relay.kill('SIGKILL');
    await relay.exited;
  });
  const end = await relay.waitFor(/\/dev\/\S+\n/);
  const device = relay.stdout.slice(0, end).trim();
  const start = end;
  return {
    relay,
    device,
    type: (keys) => relay.send(keys),
    see: async (text, from = start) => {
      // Wait on the raw stream, match on the cleaned screen.
      const deadline = Date.now() + 30_000;
      for (;;) {
        const shown = screen(relay.stdout.slice(from));
        const hit = typeof text === 'string' ? shown.includes(text) : text.test(shown);
        if (hit) return relay.stdout.length;
        if (Date.now() > deadline) throw new Error(`terminal never showed ${String(text)}; screen:\n${shown}`);
        await relay.waitFor(/[\s\S]/, { from: relay.stdout.length, timeoutMs: Math.max(1, deadline - Date.now()) }).catch(() => undefined);
      }
    },
  };
}

const skip = missingBuild();
const py = python();
if (skip) t.fail(skip);
else if (!py || !existsSync('/dev/ptmx')) t.plan(0, 'no python3 with os.openpty() or no /dev/ptmx: cannot make a pseudo-terminal without native code');
else {
  noteStaleBuild(t);

  t.test('tty console: boot messages, prompt, commands, help; exit gives a fresh session, the daemon lives on', async (t) => {
    const w = workspace(t);
    const term = await openTerminal(t, py);
    t.match(term.device, /^\/dev\/pts\/\d+$/);
    const daemon = spawnNode(t, DAEMON, await daemonArgs({ dir: w.dir, control: w.socket, console: `tty:${term.device}` }));
    await waitForSocket(w.socket, daemon);

    let at = await term.see('% No startup-config in the configuration directory; using the default configuration.\nRouter>');
    term.type('enable\r');
    at = await term.see('Router#', at);
    term.type('show version\r');
    at = await term.see(/show version\nikegate IKEv1\/IPsec gateway, Version \S+\n[\s\S]*Router#/, at);

    // "?" shows help at once (no Enter), and the typed line is kept.
    term.type('show crypto ?');
    at = await term.see(/isakmp\s+\S/, at);
    term.type('\x15'); // Ctrl-U: clear the line

    // Configuration mode, then Ctrl-Z back to privileged EXEC.
    term.type('configure terminal\r');
    at = await term.see('Router(config)#', at);
    term.type('hostname Serial1\r');
    at = await term.see('Serial1(config)#', at);
    term.type('\x1a');
    at = await term.see('Serial1#', at);

    // A rejected command: caret and message, the console stays.
    term.type('show bogus\r');
    at = await term.see("% Invalid input detected at '^' marker.", at);

    term.type('exit\r');
    at = await term.see('Press RETURN to get started.', at);
    t.ok(daemon.running, 'exit ends the session, not the daemon');
    const whileWaiting = await ikegate(t, w.socket, ['show running-config']);
    t.match(whileWaiting.stdout, /^hostname Serial1$/m, 'the daemon still serves the control socket');

    term.type('\r');
    at = await term.see('Serial1>', at);
    term.type('show running-config\r');
    at = await term.see(/show running-config\n +\^\n% Invalid input detected at '\^' marker\.\nSerial1>/, at);
    t.pass('a fresh session in user EXEC (not privileged any more)');

    // Ctrl-D does not end a serial console.
    term.type('\x04');
    term.type('enable\r');
    await term.see('Serial1#', at);
    t.ok(daemon.running);

    daemon.kill('SIGTERM');
    t.equal((await daemon.wait()).code, 0, 'SIGTERM ends the daemon cleanly');
  });

  t.test('tty console: a missing device is one clear line and exit status 1 (no file is created)', async (t) => {
    const w = workspace(t);
    const device = path.join(w.root, 'ttyS9');
    const daemon = spawnNode(t, DAEMON, await daemonArgs({ dir: w.dir, console: `tty:${device}` }));
    const exit = await daemon.wait();
    t.equal(exit.code, 1);
    t.equal(daemon.stderr, `ikegated: cannot open console device ${device}: ENOENT\n`);
    t.notOk(existsSync(device), 'the device path was not created as a file');
  });
}

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import t from 'tap';
import { parseConsoleSpec } from '../src/console/console-spec';
import { startConsole, startSerialConsole } from '../src/console/start-console';
import { fakeFactory } from './fixtures/console-fake-session';

t.test('--console values', async (t) => {
  t.same(parseConsoleSpec('stdio'), { kind: 'stdio' });
  t.same(parseConsoleSpec('none'), { kind: 'none' });
  t.same(parseConsoleSpec('tty:/dev/ttyS0'), { kind: 'tty', path: '/dev/ttyS0' });
  t.throws(() => parseConsoleSpec('tty:'), /--console must be stdio, tty:PATH or none, not "tty:"/);
  t.throws(() => parseConsoleSpec('serial'), /--console must be/);
});

t.test('--console none starts nothing', async (t) => {
  const factory = fakeFactory();
  t.equal(startConsole({ kind: 'none' }, factory, { exitOnError: false }), undefined);
  t.equal(factory.sessions.length, 0);
});

t.test('a missing console device is reported when starting', async (t) => {
  const missing = path.join(os.tmpdir(), `ikegate-no-such-tty-${process.pid}`);
  t.throws(
    () => startConsole({ kind: 'tty', path: missing }, fakeFactory(), { exitOnError: false }),
    /^cannot open console device .*ikegate-no-such-tty-\d+: ENOENT$/,
  );
});

t.test('a device that is not a terminal is driven like a pipe; its end ends the console', async (t) => {
  t.ok(fs.existsSync('/dev/null'));
  const factory = fakeFactory();
  const handle = startSerialConsole(factory, '/dev/null');
  t.equal(await handle.done, 0);
  t.same(factory.sessions[0]?.options, { interactive: false, privileged: false });
  t.ok(factory.sessions[0]?.closed);
});

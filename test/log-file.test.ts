/**
 * The log file's writer: one write per turn of the event loop, in order; flushSync; a failed
 * write reported and dropped without stopping later records; and, through openLogFile in a
 * child process, the last records kept when the process exits or crashes right after them.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { LogFileWriter } from '../src/log-file';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function tempFile(t: Tap.Test, name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ikegate-logfile-'));
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, name);
}

t.test('the records of a turn go out together at its end, in order', async (t) => {
  const file = tempFile(t, 'a.log');
  const fd = fs.openSync(file, 'a');
  t.teardown(() => fs.closeSync(fd));
  const writes: number[] = [];
  const realWriteSync = fs.writeSync;
  // Counts the writes the writer makes (fs is patched only for this test).
  (fs as { writeSync: unknown }).writeSync = (...args: Parameters<typeof fs.writeSync>): number => {
    writes.push(args[0] as number);
    return (realWriteSync as (...a: unknown[]) => number)(...args);
  };
  t.teardown(() => {
    (fs as { writeSync: unknown }).writeSync = realWriteSync;
  });
  const w = new LogFileWriter(fd);
  for (let i = 0; i < 100; i++) t.equal(w.write(`{"n":${i}}\n`), true);
  t.equal(fs.readFileSync(file, 'utf8'), '', 'nothing written inside the turn');
  await turn();
  t.same(fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l).n), [...Array(100).keys()], 'all, in order');
  t.equal(writes.length, 1, 'one write for the whole turn');
  w.write('{"n":100}\n');
  w.write('{"n":101}\n');
  await turn();
  t.equal(writes.length, 2, 'the next turn: one more write');
  t.match(fs.readFileSync(file, 'utf8'), /\{"n":99\}\n\{"n":100\}\n\{"n":101\}\n$/);
  await turn();
  t.equal(writes.length, 2, 'an idle turn writes nothing');
});

t.test('flushSync and flush write what is pending at once', async (t) => {
  const file = tempFile(t, 'b.log');
  const fd = fs.openSync(file, 'a');
  t.teardown(() => fs.closeSync(fd));
  const w = new LogFileWriter(fd);
  w.write('one\n');
  w.flushSync();
  t.equal(fs.readFileSync(file, 'utf8'), 'one\n');
  w.write('two\n');
  let called = false;
  w.flush(() => {
    called = true;
  });
  t.equal(called, true);
  t.equal(fs.readFileSync(file, 'utf8'), 'one\ntwo\n');
  await turn();
  t.equal(fs.readFileSync(file, 'utf8'), 'one\ntwo\n', 'nothing written twice');
  w.write('dé\n');
  await turn();
  t.equal(fs.readFileSync(file, 'utf8'), 'one\ntwo\ndé\n', 'multi-byte text whole');
});

t.test('a failed write: one error event for its records, later records still tried', async (t) => {
  const file = tempFile(t, 'c.log');
  fs.writeFileSync(file, '');
  const readOnly = fs.openSync(file, 'r');
  t.teardown(() => fs.closeSync(readOnly));
  const w = new LogFileWriter(readOnly);
  const errors: Error[] = [];
  w.on('error', (err) => errors.push(err));
  w.write('lost 1\n');
  w.write('lost 2\n');
  await turn();
  t.equal(errors.length, 1, 'one error for the turn');
  t.match(errors[0]?.message, /EBADF/);
  w.write('lost 3\n');
  await turn();
  t.equal(errors.length, 2, 'the next turn is tried again');
  t.equal(fs.readFileSync(file, 'utf8'), '');
});

t.test('openLogFile: records logged just before exit or a crash are in the file', async (t) => {
  const dist = path.resolve(__dirname, '..', 'dist', 'src', 'log.js');
  if (!fs.existsSync(dist)) {
    t.skip('dist/ not built (npm run build:ts)');
    return;
  }
  for (const [how, end] of [['process.exit', 'process.exit(3)'], ['an uncaught exception', 'throw new Error("boom")']] as const) {
    const file = tempFile(t, 'd.log');
    const script = `const l = require(${JSON.stringify(dist)});
      const log = l.createRootLogger('info', l.openLogFile(${JSON.stringify(file)}));
      for (let i = 0; i < 3; i++) log.info({ n: i }, 'last words');
      ${end};`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    t.not(r.status, 0, `${how}: the process ended with a failure status`);
    const records = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    t.same(records.map((x) => x.n), [0, 1, 2], `${how}: every record written`);
  }
});

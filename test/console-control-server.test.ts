import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import t from 'tap';
import { startControlServer } from '../src/console/control-server';
import { fakeFactory, until } from './fixtures/console-fake-session';

type Teardown = Pick<typeof t, 'teardown'>;

/** Unix socket paths are limited to ~107 bytes, so not under the test's own fixture dir. */
function socketPath(test: Teardown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ikegate-ctl-'));
  test.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'ikegated.sock');
}

type Reply = Record<string, unknown>;

/** A raw protocol client: send lines, read JSON replies in arrival order. */
async function rawClient(p: string) {
  const socket = net.connect(p);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const replies: Reply[] = [];
  let tail = '';
  let closed = false;
  socket.on('data', (chunk: Buffer) => {
    const parts = (tail + chunk.toString()).split('\n');
    tail = parts.pop() ?? '';
    for (const part of parts) replies.push(JSON.parse(part) as Reply);
  });
  socket.on('close', () => {
    closed = true;
  });
  return {
    replies,
    isClosed: () => closed,
    send: (line: string) => socket.write(`${line}\n`),
    /** Sends a request and waits for the reply with its id. */
    ask: async (request: Reply): Promise<Reply> => {
      socket.write(`${JSON.stringify(request)}\n`);
      await until(() => replies.some((r) => r.id === request.id), `reply ${String(request.id)}`);
      return replies.find((r) => r.id === request.id) ?? {};
    },
    end: () => socket.end(),
  };
}

t.test('socket is created with mode 0600 and removed on close', async (t) => {
  const p = socketPath(t);
  const server = await startControlServer(p, fakeFactory());
  const stat = fs.statSync(p);
  t.ok(stat.isSocket());
  t.equal(stat.mode & 0o777, 0o600);
  await server.close();
  t.notOk(fs.existsSync(p));
});

t.test('hello, exec, complete, help, prompt on one privileged session', async (t) => {
  const p = socketPath(t);
  const factory = fakeFactory();
  const server = await startControlServer(p, factory);
  t.teardown(() => server.close());
  const c = await rawClient(p);
  t.same(await c.ask({ id: 1, op: 'hello', interactive: true }), { id: 1, ok: true, prompt: 'Router#', secret: false });
  t.same(factory.sessions[0]?.options, { interactive: true, privileged: true });
  t.same(await c.ask({ id: 2, op: 'exec', line: 'configure terminal' }), {
    id: 2,
    ok: true,
    prompt: 'Router(config)#',
    secret: false,
    output: 'Enter configuration commands, one per line.  End with CNTL/Z.\n',
    ended: false,
  });
  const bad = await c.ask({ id: 3, op: 'exec', line: 'bogus' });
  t.equal(bad.ok, false);
  t.match(bad.output, /\^\n% Invalid input/);
  t.same((await c.ask({ id: 4, op: 'complete', line: 'sh' })).completions, ['show ']);
  t.match((await c.ask({ id: 5, op: 'help', line: 'sh' })).output, /show +Show running/);
  t.same(factory.sessions[0]?.helpAsked, ['sh']);
  t.equal((await c.ask({ id: 6, op: 'prompt' })).prompt, 'Router(config)#');
  t.equal(factory.sessions.length, 1, 'one session per connection');
  c.end();
  await until(() => factory.sessions[0]?.closed === true, 'session closed with the connection');
});

t.test('without hello the session is non-interactive', async (t) => {
  const p = socketPath(t);
  const factory = fakeFactory();
  const server = await startControlServer(p, factory);
  t.teardown(() => server.close());
  const c = await rawClient(p);
  t.equal((await c.ask({ id: 7, op: 'exec', line: 'show version' })).output, 'ikegate fake 1.0\n');
  t.same(factory.sessions[0]?.options, { interactive: false, privileged: true });
  t.equal((await c.ask({ id: 8, op: 'hello', interactive: true })).ok, false, 'second hello refused');
  c.end();
});

t.test('bad JSON and unknown ops get error replies; the connection keeps working', async (t) => {
  const p = socketPath(t);
  const server = await startControlServer(p, fakeFactory());
  t.teardown(() => server.close());
  const c = await rawClient(p);
  c.send('{not json');
  await until(() => c.replies.length === 1, 'error reply');
  t.same(c.replies[0], { id: null, ok: false, error: 'bad JSON' });
  t.same(await c.ask({ id: 9, op: 'reboot' }), { id: 9, ok: false, error: 'unknown op "reboot"' });
  t.same(await c.ask({ id: 10, op: 'exec', line: 5 }), { id: 10, ok: false, error: 'line must be a string' });
  c.send('[1,2]');
  await until(() => c.replies.length === 4, 'array reply');
  t.equal(c.replies[3]?.error, 'request must be a JSON object');
  t.equal((await c.ask({ id: 11, op: 'exec', line: 'show version' })).output, 'ikegate fake 1.0\n');
  c.end();
});

t.test('requests are answered in order, even behind a slow command', async (t) => {
  const p = socketPath(t);
  const server = await startControlServer(p, fakeFactory());
  t.teardown(() => server.close());
  const c = await rawClient(p);
  c.send(JSON.stringify({ id: 1, op: 'exec', line: 'slow' }));
  c.send(JSON.stringify({ id: 2, op: 'exec', line: 'show version' }));
  await until(() => c.replies.length === 2, 'both replies');
  t.same(
    c.replies.map((r) => [r.id, r.output]),
    [
      [1, 'slow done\n'],
      [2, 'ikegate fake 1.0\n'],
    ],
  );
  c.end();
});

t.test('many clients at once, each with its own session', async (t) => {
  const p = socketPath(t);
  const factory = fakeFactory();
  const server = await startControlServer(p, factory);
  t.teardown(() => server.close());
  const clients = await Promise.all(Array.from({ length: 8 }, () => rawClient(p)));
  const results = await Promise.all(
    clients.map(async (c, i) => {
      await c.ask({ id: 1, op: 'hello', interactive: false });
      if (i % 2 === 0) await c.ask({ id: 2, op: 'exec', line: 'configure terminal' });
      await c.ask({ id: 3, op: 'exec', line: 'slow' });
      return (await c.ask({ id: 4, op: 'prompt' })).prompt;
    }),
  );
  t.same(results, ['Router(config)#', 'Router#', 'Router(config)#', 'Router#', 'Router(config)#', 'Router#', 'Router(config)#', 'Router#']);
  t.equal(factory.sessions.length, 8);
  for (const c of clients) c.end();
});

t.test('async session messages arrive unsolicited', async (t) => {
  const p = socketPath(t);
  const server = await startControlServer(p, fakeFactory());
  t.teardown(() => server.close());
  const c = await rawClient(p);
  await c.ask({ id: 1, op: 'exec', line: 'notify card removed' });
  await until(() => c.replies.some((r) => r.message !== undefined), 'message');
  t.same(c.replies[1], { message: 'card removed' });
  c.end();
});

t.test('exit ends the session and the connection', async (t) => {
  const p = socketPath(t);
  const factory = fakeFactory();
  const server = await startControlServer(p, factory);
  t.teardown(() => server.close());
  const c = await rawClient(p);
  const reply = await c.ask({ id: 1, op: 'exec', line: 'exit' });
  t.equal(reply.ended, true);
  await until(() => c.isClosed(), 'server closes');
  t.ok(factory.sessions[0]?.closed);
});

t.test('a stale socket left by a dead daemon is replaced', async (t) => {
  const p = socketPath(t);
  const child = spawn(process.execPath, [
    '-e',
    `require('net').createServer().listen(${JSON.stringify(p)}, () => console.log('up'))`,
  ]);
  await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('exit', resolve));
  t.ok(fs.statSync(p).isSocket(), 'the dead listener left its socket file');
  const server = await startControlServer(p, fakeFactory());
  const c = await rawClient(p);
  t.equal((await c.ask({ id: 1, op: 'prompt' })).prompt, 'Router#');
  c.end();
  await server.close();
});

t.test('a live socket is never taken over; a non-socket file is not removed', async (t) => {
  const p = socketPath(t);
  const first = await startControlServer(p, fakeFactory());
  await t.rejects(startControlServer(p, fakeFactory()), /another ikegated is listening/);
  t.ok(fs.existsSync(p));
  await first.close();

  fs.writeFileSync(p, 'not a socket');
  await t.rejects(startControlServer(p, fakeFactory()), /exists and is not a socket/);
  t.equal(fs.readFileSync(p, 'utf8'), 'not a socket');
});

t.test('the socket directory is created when missing', async (t) => {
  const p = socketPath(t);
  const nested = path.join(path.dirname(p), 'run', 'ikegate.sock');
  const server = await startControlServer(nested, fakeFactory());
  t.ok(fs.statSync(nested).isSocket());
  await server.close();
});

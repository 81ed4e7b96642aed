import { execFile, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { promisify } from 'node:util';
import t from 'tap';
import { startControlServer, type ControlServer } from '../src/console/control-server';
import { BUILTIN_CONTROL_PATH, defaultControlPath } from '../src/console/control-path';
import { runIkegate, USAGE } from '../src/console/ikegate-client';
import { fakeFactory, Sink } from './fixtures/console-fake-session';

const INVALID = "% Invalid input detected at '^' marker.\n\n";

type Teardown = Pick<typeof t, 'teardown'>;

function tempDir(test: Teardown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ikegate-cli-'));
  test.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function daemon(test: Teardown): Promise<{ server: ControlServer; factory: ReturnType<typeof fakeFactory> }> {
  const factory = fakeFactory();
  const server = await startControlServer(path.join(tempDir(test), 'ikegated.sock'), factory);
  test.teardown(() => server.close());
  return { server, factory };
}

async function run(argv: string[], options: { stdin?: string; env?: NodeJS.ProcessEnv } = {}) {
  const stdin = new PassThrough();
  const stdout = new Sink();
  const stderr = new Sink();
  if (options.stdin !== undefined) stdin.end(options.stdin);
  const status = await runIkegate(argv, {
    stdin,
    stdout: stdout.stream,
    stderr: stderr.stream,
    env: options.env ?? {},
  });
  return { status, stdout: stdout.text, stderr: stderr.text };
}

t.test('default control path', async (t) => {
  t.equal(defaultControlPath({}), '/run/ikegate/ikegated.sock');
  t.equal(BUILTIN_CONTROL_PATH, '/run/ikegate/ikegated.sock');
  t.equal(defaultControlPath({ IKEGATE_CONTROL: '/tmp/x.sock' }), '/tmp/x.sock');
});

t.test('-c runs commands in one session and prints their output', async (t) => {
  const { server, factory } = await daemon(t);
  const r = await run(['-c', 'configure terminal', '-c', 'hostname R1', '-c', 'end', '-c', 'show version', '--control', server.path]);
  t.equal(r.status, 0);
  t.equal(r.stderr, '');
  t.equal(r.stdout, 'Enter configuration commands, one per line.  End with CNTL/Z.\nikegate fake 1.0\n');
  t.equal(factory.sessions.length, 1);
  t.same(factory.sessions[0]?.options, { interactive: false, privileged: true });
});

t.test('-c: a rejected command is shown after its prompt, the rest still runs, status 1', async (t) => {
  const { server, factory } = await daemon(t);
  const r = await run(['-c', 'bogus', '-c', 'show version'], { env: { IKEGATE_CONTROL: server.path } });
  t.equal(r.status, 1);
  t.equal(r.stdout, `Router#bogus\n       ^\n${INVALID}ikegate fake 1.0\n`, 'the caret lines up under the command');
  t.same(factory.sessions[0]?.executed, ['bogus', 'show version']);
});

t.test('-c: commands after exit are not run', async (t) => {
  const { server, factory } = await daemon(t);
  const r = await run(['-c', 'exit', '-c', 'show version', '--control', server.path]);
  t.equal(r.status, 0);
  t.same(factory.sessions[0]?.executed, ['exit']);
});

t.test('unreachable daemon: one clear line, status 2', async (t) => {
  const missing = path.join(tempDir(t), 'nothing.sock');
  const r = await run(['-c', 'show version', '--control', missing]);
  t.equal(r.status, 2);
  t.equal(r.stdout, '');
  t.equal(r.stderr, `% cannot reach ikegated at ${missing}: ENOENT (no such file or directory)\n`);
});

t.test('--help and bad options', async (t) => {
  const help = await run(['--help']);
  t.equal(help.status, 0);
  t.equal(help.stdout, USAGE);
  const bad = await run(['--frobnicate']);
  t.equal(bad.status, 2);
  t.match(bad.stderr, /^% Unknown option '--frobnicate'/);
  const positional = await run(['show', 'version']);
  t.equal(positional.status, 2);
});

t.test('without -c on a pipe: a script transcript on a privileged session', async (t) => {
  const { server, factory } = await daemon(t);
  const r = await run(['--control', server.path], { stdin: 'show version\nconfigure terminal\nshow ?\nend\n' });
  t.equal(r.status, 0);
  t.equal(
    r.stdout,
    'Router#show version\nikegate fake 1.0\n' +
      'Router#configure terminal\nEnter configuration commands, one per line.  End with CNTL/Z.\n' +
      'Router(config)#show ?\n  configure  Enter configuration mode\n  show       Show running system information\n\n' +
      'Router(config)#end\nRouter#\n',
  );
  t.same(factory.sessions[0]?.helpAsked, ['show ']);
  t.same(factory.sessions[0]?.options, { interactive: false, privileged: true });
});

t.test('without -c: exit ends the console with 0', async (t) => {
  const { server } = await daemon(t);
  const r = await run(['--control', server.path], { stdin: 'exit\nshow version\n' });
  t.equal(r.status, 0);
  t.equal(r.stdout, 'Router#exit\n');
  t.equal(r.stderr, '');
});

t.test('without -c: the daemon going away is reported, status 2', async (t) => {
  const { server } = await daemon(t);
  const stdin = new PassThrough();
  const stdout = new Sink();
  const stderr = new Sink();
  const running = runIkegate(['--control', server.path], { stdin, stdout: stdout.stream, stderr: stderr.stream, env: {} });
  stdin.write('show version\n');
  while (!stdout.text.includes('ikegate fake 1.0')) await new Promise((resolve) => setTimeout(resolve, 5));
  await server.close();
  t.equal(await running, 2);
  t.equal(stderr.text, '% connection to ikegated lost\n');
});

t.test('the compiled ikegate binary end to end', async (t) => {
  // Compile only the client and what it imports, so unrelated work in progress cannot break this.
  const out = tempDir(t);
  const root = path.resolve(__dirname, '..');
  const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  await promisify(execFile)(process.execPath, [
    tsc, path.join(root, 'src/bin/ikegate.ts'), '--outDir', out, '--rootDir', root,
    '--target', 'ES2022', '--module', 'commonjs', '--strict', '--esModuleInterop', '--skipLibCheck',
    '--types', 'node',
  ]);
  const bin = path.join(out, 'src/bin/ikegate.js');
  t.match(fs.readFileSync(bin, 'utf8'), /^#!\/usr\/bin\/env node\n/);
  const { server } = await daemon(t);
  const child = spawn(process.execPath, [bin, '-c', 'show version', '-c', 'bogus'], {
    env: { ...process.env, IKEGATE_CONTROL: server.path },
  });
  let stdout = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const status = await new Promise((resolve) => child.once('exit', resolve));
  t.equal(status, 1);
  t.equal(stdout, `ikegate fake 1.0\nRouter#bogus\n       ^\n${INVALID}`);

  const scripted = spawn(process.execPath, [bin, '--control', server.path]);
  let transcript = '';
  scripted.stdout.on('data', (chunk: Buffer) => (transcript += chunk.toString()));
  scripted.stdin.end('show version\n');
  t.equal(await new Promise((resolve) => scripted.once('exit', resolve)), 0, 'exits by itself at end of input');
  t.equal(transcript, 'Router#show version\nikegate fake 1.0\nRouter#\n');

  const missing = spawn(process.execPath, [bin, '--control', path.join(out, 'none.sock')]);
  let stderr = '';
  missing.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  t.equal(await new Promise((resolve) => missing.once('exit', resolve)), 2);
  t.match(stderr, /^% cannot reach ikegated at .*none\.sock: ENOENT/);
});

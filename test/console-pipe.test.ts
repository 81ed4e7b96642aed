import { PassThrough } from 'node:stream';
import t from 'tap';
import { localLineSession } from '../src/console/line-session';
import { runPipeConsole } from '../src/console/pipe-console';
import { startStdioConsole } from '../src/console/start-console';
import { PRESS_RETURN } from '../src/console/tty-console';
import { fakeFactory, Sink, until } from './fixtures/console-fake-session';

const INVALID = "% Invalid input detected at '^' marker.\n\n";
const HELP = '  configure  Enter configuration mode\n  show       Show running system information\n\n';

async function runScript(script: string, options: { exitOnError?: boolean; persistent?: boolean } = {}) {
  const factory = fakeFactory();
  const input = new PassThrough();
  const sink = new Sink();
  const handle = runPipeConsole(
    input,
    sink.stream,
    async () => localLineSession(factory.openSession({ interactive: false, privileged: false })),
    { exitOnError: options.exitOnError ?? false, persistent: options.persistent ?? false },
  );
  input.end(script);
  const code = await handle.done;
  return { code, output: sink.text, sessions: factory.sessions };
}

t.test('transcript: prompt, echoed line, output, help on "?", invalid input', async (t) => {
  const { code, output, sessions } = await runScript('show version\nshow ?\nsh?\nbogus\nshow version\n');
  t.equal(code, 0, 'a rejected command does not fail the run without exitOnError');
  t.equal(
    output,
    'Router>show version\nikegate fake 1.0\n' +
      `Router>show ?\n${HELP}` +
      `Router>sh?\n${HELP}` +
      `Router>bogus\n       ^\n${INVALID}` +
      'Router>show version\nikegate fake 1.0\n' +
      'Router>\n',
  );
  t.same(sessions[0]?.helpAsked, ['show ', 'sh'], 'help gets the line without "?"');
  t.same(sessions[0]?.executed, ['show version', 'bogus', 'show version']);
});

t.test('a secret answer is never echoed', async (t) => {
  const { output } = await runScript('enable\ncisco\nshow version\n');
  t.equal(output, 'Router>enable\nPassword: \nRouter#show version\nikegate fake 1.0\nRouter#\n');
  t.notMatch(output, /cisco/);
});

t.test('a "?" in a secret answer is part of the secret', async (t) => {
  const { output, sessions } = await runScript('enable\nwhat?\n');
  t.same(sessions[0]?.executed, ['enable', 'what?']);
  t.same(sessions[0]?.helpAsked, []);
  t.equal(output, 'Router>enable\nPassword: \n% Bad secrets\nRouter>\n');
});

t.test('exitOnError stops at the first rejected command with code 1', async (t) => {
  const { code, output, sessions } = await runScript('show version\nbogus\nshow version\n', { exitOnError: true });
  t.equal(code, 1);
  t.same(sessions[0]?.executed, ['show version', 'bogus']);
  t.equal(output, `Router>show version\nikegate fake 1.0\nRouter>bogus\n       ^\n${INVALID}`);
});

t.test('exitOnError with no failure exits 0', async (t) => {
  const { code } = await runScript('show version\n', { exitOnError: true });
  t.equal(code, 0);
});

t.test('exit ends the session and the console with 0; later lines are not run', async (t) => {
  const { code, output, sessions } = await runScript('exit\nshow version\n');
  t.equal(code, 0);
  t.equal(output, 'Router>exit\n');
  t.same(sessions[0]?.executed, ['exit']);
  t.ok(sessions[0]?.closed, 'the session is closed');
});

t.test('output stays in input order even when a command is slow', async (t) => {
  const { output } = await runScript('slow\nshow version\n');
  t.equal(output, 'Router>slow\nslow done\nRouter>show version\nikegate fake 1.0\nRouter>\n');
});

t.test('CRLF and a last line without newline are read', async (t) => {
  const { output, sessions } = await runScript('show version\r\nenable');
  t.same(sessions[0]?.executed, ['show version', 'enable']);
  t.match(output, /^Router>show version\nikegate fake 1.0\nRouter>enable\nPassword: \n$/);
});

t.test('an async message at the prompt gets its own line, then the prompt again', async (t) => {
  const factory = fakeFactory();
  const input = new PassThrough();
  const sink = new Sink();
  const handle = runPipeConsole(
    input,
    sink.stream,
    async () => localLineSession(factory.openSession({ interactive: false, privileged: false })),
    { exitOnError: false, persistent: false },
  );
  input.write('notify card inserted\n');
  await until(() => sink.text.includes('\ncard inserted\n'), 'the message');
  await until(() => sink.text.endsWith('Router>'), 'the prompt after the message');
  input.end();
  t.equal(await handle.done, 0);
  t.equal(sink.text, 'Router>notify card inserted\nRouter>\ncard inserted\nRouter>\n');
});

t.test('persistent (serial) console: exit brings back "Press RETURN" and a new session', async (t) => {
  const { code, output, sessions } = await runScript('exit\n\nshow version\n', { persistent: true });
  t.equal(code, 0, 'end of input ends it');
  t.equal(sessions.length, 2);
  t.equal(output, `Router>exit\n${PRESS_RETURN}Router>show version\nikegate fake 1.0\nRouter>\n`);
});

t.test('stdio console on a pipe: unprivileged, non-interactive session', async (t) => {
  const factory = fakeFactory();
  const input = new PassThrough();
  const sink = new Sink();
  const handle = startStdioConsole(factory, { exitOnError: true, input, output: sink.stream });
  input.end('bogus\n');
  t.equal(await handle.done, 1);
  t.same(factory.sessions[0]?.options, { interactive: false, privileged: false });
});

t.test('a broken input stream ends the console with 1', async (t) => {
  const factory = fakeFactory();
  const input = new PassThrough();
  const sink = new Sink();
  const handle = startStdioConsole(factory, { exitOnError: false, input, output: sink.stream });
  input.destroy(new Error('EIO'));
  t.equal(await handle.done, 1);
});

t.test('stdio console: the boot banner comes before the first prompt', async (t) => {
  const factory = fakeFactory();
  const input = new PassThrough();
  const sink = new Sink();
  const handle = startStdioConsole(factory, { exitOnError: false, banner: '% boot notice\n', input, output: sink.stream });
  input.end('show version\n');
  t.equal(await handle.done, 0);
  t.equal(sink.text, '% boot notice\nRouter>show version\nikegate fake 1.0\nRouter>\n');
});

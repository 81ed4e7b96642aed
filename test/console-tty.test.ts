import { PassThrough } from 'node:stream';
import t from 'tap';
import { toReadlineCompletion } from '../src/console/completion';
import { executeEndKey, isConfigPrompt } from '../src/console/end-key';
import { KeyFilter, type KeyFilterHooks } from '../src/console/key-filter';
import { localLineSession } from '../src/console/line-session';
import { PRESS_RETURN, runTtyConsole } from '../src/console/tty-console';
import { FakeSession, fakeFactory, Sink, until } from './fixtures/console-fake-session';

/** A key filter whose hooks and output are written to one ordered log. */
function filterWithLog(options: { ctrlDEnds?: boolean; hidden?: () => boolean } = {}) {
  const log: string[] = [];
  let idle: Promise<void> = Promise.resolve();
  const hooks: KeyFilterHooks = {
    hidden: options.hidden ?? (() => false),
    hiddenLine: (text) => log.push(`hiddenLine:${text}`),
    help: async () => {
      log.push('help');
    },
    endKey: () => log.push('endKey'),
    idle: () => idle,
  };
  const filter = new KeyFilter(hooks, { ctrlDEnds: options.ctrlDEnds ?? true });
  filter.on('data', (chunk: Buffer) => log.push(`data:${JSON.stringify(chunk.toString())}`));
  return {
    filter,
    log,
    setIdle: (p: Promise<void>) => {
      idle = p;
    },
  };
}

async function feed(filter: KeyFilter, ...chunks: string[]): Promise<void> {
  for (const chunk of chunks) await new Promise<void>((resolve) => filter.write(chunk, () => resolve()));
}

t.test('key filter: "?" is taken out and help runs after the keys before it reached readline', async (t) => {
  const { filter, log } = filterWithLog();
  await feed(filter, 'show cr?ypto');
  t.same(log, ['data:"show cr"', 'help', 'data:"ypto"']);
});

t.test('key filter: Ctrl-Z is taken out (readline would suspend the process)', async (t) => {
  const { filter, log } = filterWithLog();
  await feed(filter, 'hostname R1\x1a');
  t.same(log, ['data:"hostname R1"', 'endKey']);
});

t.test('key filter: one "\\r" per Enter, "\\r\\n" counts once even across chunks', async (t) => {
  const { filter, log } = filterWithLog();
  await feed(filter, 'a\r\nb\n', 'c\r', '\nd');
  t.same(log, ['data:"a\\r"', 'data:"b\\r"', 'data:"c\\r"', 'data:"d"']);
});

t.test('key filter: input after Enter waits until the line has run', async (t) => {
  const { filter, log, setIdle } = filterWithLog();
  let finish: () => void = () => undefined;
  setIdle(new Promise<void>((resolve) => (finish = resolve)));
  const fed = feed(filter, 'slow\rshow?');
  await new Promise((resolve) => setTimeout(resolve, 20));
  t.same(log, ['data:"slow\\r"'], 'held while the line runs');
  finish();
  await fed;
  t.same(log, ['data:"slow\\r"', 'data:"show"', 'help']);
});

t.test('key filter: Ctrl-D deletes on a serial console, passes on stdio', async (t) => {
  const serial = filterWithLog({ ctrlDEnds: false });
  await feed(serial.filter, 'ab\x04');
  t.same(serial.log, ['data:"ab\\u001b[3~"']);
  const stdio = filterWithLog({ ctrlDEnds: true });
  await feed(stdio.filter, '\x04');
  t.same(stdio.log, ['data:"\\u0004"']);
});

t.test('key filter: hidden input is captured with backspace and Ctrl-U, "?" is literal', async (t) => {
  const { filter, log } = filterWithLog({ hidden: () => true });
  await feed(filter, 'oops\x15se\x7fcret?\r', '\n');
  t.same(log, ['hiddenLine:scret?']);
});

t.test('key filter: multi-byte characters split across chunks survive', async (t) => {
  const { filter, log } = filterWithLog();
  const bytes = Buffer.from('é?');
  await new Promise<void>((resolve) => filter.write(bytes.subarray(0, 1), () => resolve()));
  await new Promise<void>((resolve) => filter.write(bytes.subarray(1), () => resolve()));
  t.same(log, ['data:"é"', 'help']);
});

t.test('isConfigPrompt', async (t) => {
  t.ok(isConfigPrompt('Router(config)#'));
  t.ok(isConfigPrompt('R1(config-isakmp)#'));
  t.ok(isConfigPrompt('R1(cfg-crypto-trans)#'));
  t.notOk(isConfigPrompt('Router#'));
  t.notOk(isConfigPrompt('Router>'));
  t.notOk(isConfigPrompt('Password: '));
});

t.test('Ctrl-Z mapping: the typed line runs, then "end" in configuration mode only', async (t) => {
  const config = new FakeSession({ interactive: true, privileged: true });
  config.mode = 'config';
  const result = await executeEndKey(localLineSession(config), 'hostname R1');
  t.same(config.executed, ['hostname R1', 'end']);
  t.same(result, { output: '', ok: true, ended: false });
  t.equal(config.prompt(), 'R1#');

  const empty = new FakeSession({ interactive: true, privileged: true });
  empty.mode = 'config';
  await executeEndKey(localLineSession(empty), '  ');
  t.same(empty.executed, ['end'], 'an empty line is not run');

  const exec = new FakeSession({ interactive: true, privileged: true });
  await executeEndKey(localLineSession(exec), '');
  t.same(exec.executed, [], 'nothing to leave in privileged EXEC');

  const rejected = new FakeSession({ interactive: true, privileged: true });
  rejected.mode = 'config';
  const bad = await executeEndKey(localLineSession(rejected), 'bogus');
  t.same(rejected.executed, ['bogus', 'end'], 'IOS leaves configuration mode even after an error');
  t.equal(bad.ok, false);
  t.match(bad.output, /Invalid input/);

  const asking = new FakeSession({ interactive: true, privileged: false });
  await executeEndKey(localLineSession(asking), 'enable');
  t.same(asking.executed, ['enable'], '"end" is never given as a password');
});

t.test('completion: candidates become the word being typed', async (t) => {
  t.same(toReadlineCompletion('sh', ['show ']), [['show '], 'sh']);
  t.same(toReadlineCompletion('show cr', ['show crypto ']), [['crypto '], 'cr']);
  t.same(toReadlineCompletion('show ', ['show crypto ', 'show version ']), [['crypto ', 'version '], '']);
  t.same(toReadlineCompletion('co', ['configure ', 'connect ']), [['configure ', 'connect '], 'co']);
  t.same(toReadlineCompletion('x y', ['z y ']), [[], 'y'], 'a rewrite readline cannot show is left out');
});

/** The text of terminal output without readline's cursor movements. */
function screen(text: string): string {
  return text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');
}

/** A terminal without a PTY: readline in terminal mode over plain streams. */
function fakeTerminal(options: { persistent?: boolean } = {}) {
  const factory = fakeFactory();
  const rawModes: boolean[] = [];
  const input = Object.assign(new PassThrough(), {
    setRawMode: (mode: boolean) => {
      rawModes.push(mode);
    },
  });
  const sink = new Sink();
  const handle = runTtyConsole(
    input,
    sink.stream,
    async () => localLineSession(factory.openSession({ interactive: true, privileged: false })),
    { persistent: options.persistent ?? false },
  );
  const session = (index = 0): FakeSession => {
    const found = factory.sessions[index];
    if (!found) throw new Error(`no session ${index}`);
    return found;
  };
  return { factory, input, sink, handle, rawModes, session };
}

t.test('tty console: prompt, commands, raw mode set and restored', async (t) => {
  const term = fakeTerminal();
  await until(() => term.sink.text.includes('Router>'), 'first prompt');
  t.same(term.rawModes, [true]);
  term.input.write('show version\r');
  await until(() => term.sink.text.includes('ikegate fake 1.0\n'), 'output');
  term.input.write('exit\r');
  t.equal(await term.handle.done, 0, 'exit ends a stdio console');
  t.same(term.rawModes, [true, false]);
  t.same(term.session().executed, ['show version', 'exit']);
  t.ok(term.session().closed);
});

t.test('tty console: "?" shows help at once and keeps the typed line', async (t) => {
  const term = fakeTerminal();
  await until(() => term.sink.text.includes('Router>'), 'first prompt');
  term.input.write('sh?');
  await until(() => term.sink.text.includes('Show running system information'), 'help');
  t.same(term.session().helpAsked, ['sh']);
  t.match(term.sink.text, /sh\?\n {2}configure/);
  term.input.write('ow version\r');
  await until(() => term.session().executed.length === 1, 'the line');
  t.same(term.session().executed, ['show version']);
  term.handle.close();
  t.equal(await term.handle.done, 0);
});

t.test('tty console: Tab completes from the session', async (t) => {
  const term = fakeTerminal();
  await until(() => term.sink.text.includes('Router>'), 'first prompt');
  term.input.write('sh\t');
  await until(() => term.session().completeAsked.length === 1, 'completion');
  term.input.write('version\r');
  await until(() => term.session().executed.length === 1, 'the line');
  t.same(term.session().completeAsked, ['sh']);
  t.same(term.session().executed, ['show version']);
  term.handle.close();
});

t.test('tty console: password neither echoed nor in history', async (t) => {
  const term = fakeTerminal();
  await until(() => term.sink.text.includes('Router>'), 'first prompt');
  term.input.write('enable\r');
  await until(() => term.sink.text.includes('Password: '), 'password prompt');
  term.input.write('cisco\r');
  await until(() => term.sink.text.includes('Router#'), 'privileged prompt');
  t.notMatch(term.sink.text, /cisco/);
  // Up-arrow recalls "enable": the password that followed it is not in the history.
  term.input.write('\x1b[A\r');
  await until(() => term.session().executed.length === 3, 'recalled line');
  t.same(term.session().executed, ['enable', 'cisco', 'enable']);
  term.handle.close();
});

t.test('tty console: Ctrl-Z runs the typed line then "end"; Ctrl-C clears the line', async (t) => {
  const term = fakeTerminal();
  await until(() => term.sink.text.includes('Router>'), 'first prompt');
  term.input.write('enable\r');
  await until(() => term.sink.text.includes('Password: '), 'password prompt');
  term.input.write('cisco\rconfigure terminal\r');
  await until(() => term.sink.text.includes('Router(config)#'), 'config prompt');
  term.input.write('hostname R1\x1a');
  await until(() => term.sink.text.includes('R1#'), 'back in privileged EXEC');
  t.match(term.sink.text, /hostname R1\^Z/);
  term.input.write('garbage\x03show version\r');
  await until(() => term.session().executed.length === 6, 'line after Ctrl-C');
  t.same(term.session().executed, ['enable', 'cisco', 'configure terminal', 'hostname R1', 'end', 'show version']);
  term.handle.close();
});

t.test('tty console: async message is printed, then prompt and typed text come back', async (t) => {
  const term = fakeTerminal();
  await until(() => term.sink.text.includes('Router>'), 'first prompt');
  term.input.write('sho');
  await until(() => screen(term.sink.text).endsWith('sho'), 'typed text');
  term.session().emit('%CARD-4-INSERTED: crypto card in slot 0');
  await until(() => /INSERTED: crypto card in slot 0\nRouter>sho$/.test(screen(term.sink.text)), 'redraw');
  term.input.write('w version\r');
  await until(() => term.session().executed.length === 1, 'the line');
  t.same(term.session().executed, ['show version']);
  term.handle.close();
});

t.test('tty console: Ctrl-D at an empty prompt ends a stdio console', async (t) => {
  const term = fakeTerminal();
  await until(() => term.sink.text.includes('Router>'), 'first prompt');
  term.input.write('\x04');
  t.equal(await term.handle.done, 0);
  t.same(term.rawModes, [true, false]);
});

t.test('tty console (serial): Ctrl-D does nothing, exit asks for RETURN, new session', async (t) => {
  const term = fakeTerminal({ persistent: true });
  await until(() => term.sink.text.includes('Router>'), 'first prompt');
  term.input.write('\x04exit\r');
  await until(() => term.sink.text.includes(PRESS_RETURN), 'press RETURN');
  t.same(term.session().executed, ['exit'], 'Ctrl-D was not end of input');
  t.ok(term.session().closed);
  term.input.write('junk\r');
  await until(() => term.factory.sessions.length === 2, 'second session');
  await until(() => screen(term.sink.text).endsWith('Router>'), 'prompt of the new session');
  t.notMatch(term.sink.text, /junk/, 'keys before RETURN are not shown');
  t.same(term.session(1).options, { interactive: true, privileged: false });
  term.input.end();
  t.equal(await term.handle.done, 0, 'only the device going away ends it');
});

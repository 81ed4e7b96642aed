import t from 'tap';
import { TABLE, testRouter } from './helpers/router';
import { driveOk } from './helpers/transcript';
import type { CliSession } from '../src/cli/session';

async function inMode(setup: string[], privileged = true): Promise<CliSession> {
  const r = await testRouter();
  const s = r.session({ privileged });
  await driveOk(s, ...setup);
  return s;
}

const CONFIG = ['configure terminal'];
const ISAKMP = ['configure terminal', 'crypto isakmp policy 10'];

t.test('"crypto isakmp ?" lists keywords with their help, then <cr>', async (t) => {
  const s = await inMode(CONFIG);
  t.equal(
    s.help('crypto isakmp '),
    '  client    Set client configuration policy\n' +
      '  identity  Set the identity which ISAKMP will use\n' +
      '  key       Set pre-shared key for remote peer\n' +
      '  key-log   Log IKE SA keys for Wireshark (ikev1_decryption_table)\n' +
      '  policy    Set policy for an ISAKMP protection suite\n' +
      '  <cr>\n',
  );
  // Same answer from a sub-mode: help falls back to global configuration like commands do.
  const sub = await inMode(ISAKMP);
  t.equal(sub.help('crypto isakmp '), s.help('crypto isakmp '));
  t.equal(sub.help('cry'), 'crypto\n');
});

t.test('partial words and variables', async (t) => {
  const s = await inMode(CONFIG);
  const cases: Array<[string, string]> = [
    ['cry', 'crypto\n'],
    ['crypto is', 'isakmp\n'],
    ['crypto i', 'ipsec  isakmp\n'],
    ['crypto isakmp policy ', '  <1-10000>  Priority of protection suite\n'],
    ['crypto isakmp policy 1', '<1-10000>\n'],
    ['crypto isakmp policy 10 ', '  <cr>\n'],
    ['crypto isakmp key ', '  WORD  pre-shared key\n'],
    ['crypto isakmp key k ', '  address   define shared key with IP address\n  hostname  define shared key with hostname\n'],
    ['crypto isakmp key k address ', '  A.B.C.D  Peer IP address\n'],
    ['crypto isakmp key k address 10.0.0.1 ', '  A.B.C.D   Peer IP subnet mask\n  no-xauth  Bypasses XAuth for this peer\n  <cr>\n'],
    ['ip host h 10.0.0.1 ', '  A.B.C.D  Host IP address\n  <cr>\n'],
    // IOS: "do ?" lists the EXEC commands.
    ['do ', [
      '  clear      Reset functions',
      '  configure  Enter configuration mode',
      '  copy       Copy from one file to another',
      "  debug      Debugging functions (see also 'undebug')",
      '  disable    Turn off privileged commands',
      '  enable     Turn on privileged commands',
      '  exit       Exit from the EXEC',
      '  logout     Exit from the EXEC',
      '  no         Negate a command or set its defaults',
      '  ping       Send echo messages',
      '  show       Show running system information',
      "  undebug    Disable debugging functions (see also 'debug')",
      '  write      Write running configuration to memory',
      '',
    ].join('\n')],
  ];
  for (const [line, out] of cases) t.equal(s.help(line), out, JSON.stringify(line));
});

t.test('help columns line up and every listed entry has text', async (t) => {
  const s = await inMode(CONFIG);
  const out = s.help('');
  const lines = out.trimEnd().split('\n');
  t.ok(lines.length > 10, 'global configuration has many commands');
  const starts = new Set(lines.filter((l) => l.trim() !== '<cr>').map((l) => /^ {2}\S+ +(?=\S)/.exec(l)?.[0].length));
  t.equal(starts.size, 1, 'help text starts in one column');
  t.notOk(starts.has(undefined), 'every entry has help text');
  for (const w of ['crypto', 'do', 'end', 'exit', 'hostname', 'interface', 'ip', 'no']) t.match(out, new RegExp(`^  ${w} +\\S`, 'm'), w);
});

t.test('"?" alone in each mode', async (t) => {
  const cases: Array<[string[], boolean, string[]]> = [
    [[], false, ['enable', 'exit', 'logout', 'ping', 'show']],
    [[], true, ['clear', 'configure', 'copy', 'debug', 'disable', 'enable', 'exit', 'logout', 'no', 'ping', 'show', 'undebug', 'write']],
    [ISAKMP, true, ['authentication', 'do', 'encryption', 'end', 'exit', 'group', 'hash', 'lifetime', 'no']],
    [['configure terminal', 'interface eth0'], true, ['crypto', 'do', 'end', 'exit', 'ip', 'no', 'shutdown']],
  ];
  for (const [setup, privileged, words] of cases) {
    const s = await inMode(setup, privileged);
    const listed = s.help('').trimEnd().split('\n').map((l) => l.trim().split(/\s+/)[0]);
    t.same(listed, words, `${s.prompt()} ?`);
  }
});

t.test('help on a bad line: caret under the word, or ambiguity', async (t) => {
  const s = await inMode(CONFIG);
  const P = 'Router(config)#';
  t.equal(s.help('crypto bogus '), `${' '.repeat(P.length + 7)}^\n% Invalid input detected at '^' marker.\n`);
  t.equal(s.help('zz'), `${' '.repeat(P.length)}^\n% Invalid input detected at '^' marker.\n`);
  t.equal(s.help('crypto isakmp policy 0 '), `${' '.repeat(P.length + 21)}^\n% Invalid input detected at '^' marker.\n`);
  t.equal(s.help('crypto i '), '% Ambiguous command: "crypto i"\n');
  const sub = await inMode(ISAKMP);
  t.equal(
    sub.help('crypto isakmp policy 0 '),
    `${' '.repeat('Router(config-isakmp)#'.length + 21)}^\n% Invalid input detected at '^' marker.\n`,
    'the caret of the mode that read furthest',
  );
  t.equal(sub.help('zz '), `${' '.repeat('Router(config-isakmp)#'.length)}^\n% Invalid input detected at '^' marker.\n`);
});

t.test('help after "do" follows the EXEC grammar', async (t) => {
  const s = await inMode(ISAKMP);
  const exec = await inMode([]);
  t.equal(s.help('do show crypto isakmp '), exec.help('show crypto isakmp '));
  t.match(s.help('do show '), /^ {2}access-lists +\S/m);
  t.match(s.help('do show '), /^ {2}running-config +Current operating configuration$/m);
  t.equal(s.help('do sh cry isa'), 'isakmp\n');
  t.equal(s.help('do show crypto isakmp policy '), '  <cr>\n');
  const P = 'Router(config-isakmp)#';
  t.equal(s.help('do show bogus '), `${' '.repeat(P.length + 8)}^\n% Invalid input detected at '^' marker.\n`);
  t.equal(s.help('do c '), '% Ambiguous command: "do c"\n');
  t.equal(s.help('do'), 'do\n', 'no space yet: the word "do" itself');
});

t.test('no help while a secret or key-string is awaited', async (t) => {
  const r = await testRouter();
  await driveOk(r.session(), 'configure terminal', 'enable secret pw');
  const s = r.session({ privileged: false });
  await driveOk(s, 'enable');
  t.ok(s.awaitingSecret);
  t.equal(s.help(''), '');
  t.same(s.complete('sh'), []);
  const k = r.session();
  await driveOk(k, 'configure terminal', 'crypto key pubkey-chain rsa', 'named-key a.example', 'key-string');
  t.equal(k.help(''), '');
  t.same(k.complete('qu'), []);
});

t.test('every keyword and variable of every mode has help text', async (t) => {
  const modes = TABLE.modes();
  t.ok(modes.length >= 9, `modes: ${modes.join(' ')}`);
  for (const m of modes) {
    const missing: string[] = [];
    let count = 0;
    for (const n of TABLE.grammar(m).nodes()) {
      count++;
      if (n.help.trim() === '') missing.push(n.token.kind === 'keyword' ? n.token.text : `${n.token.kind}(${n.capture})`);
    }
    t.ok(count > 0, `${m} has a grammar`);
    t.same([...new Set(missing)], [], `${m}: nodes without help`);
  }
});

t.test('Tab completion', async (t) => {
  const exec = await inMode([]);
  const config = await inMode(CONFIG);
  const isakmp = await inMode(ISAKMP);
  const cases: Array<[CliSession, string, string[]]> = [
    [exec, 'conf', ['configure ']],
    [exec, 'configure t', ['configure terminal ']],
    [exec, 'sh cry i', ['sh cry ipsec ', 'sh cry isakmp ']],
    [exec, 'e', ['enable ', 'exit ']],
    [exec, 'show ', []],
    [exec, 'conf ', []],
    [exec, '', []],
    [exec, 'zz', []],
    [exec, 'show zz r', []],
    [config, 'cr', ['crypto ']],
    [config, 'crypto isakmp k', ['crypto isakmp key ', 'crypto isakmp key-log ']],
    [config, 'crypto isakmp key s3cr', [], ],
    [config, 'crypto isakmp key s3cret a', ['crypto isakmp key s3cret address ']],
    [config, 'do sh r', ['do sh running-config ']],
    [config, 'do show cr', ['do show crypto ']],
    [config, 'do ', []],
    [isakmp, 'enc', ['encryption ']],
    [isakmp, 'encryption a', ['encryption aes ']],
    [isakmp, 'hash s', ['hash sha ', 'hash sha256 ', 'hash sha384 ']],
    [isakmp, 'cry', ['crypto '], ],
    [isakmp, 'crypto isakmp po', ['crypto isakmp policy ']],
  ];
  for (const [s, line, expected] of cases) t.same(s.complete(line), expected, `${s.prompt()}${line}<Tab>`);
});

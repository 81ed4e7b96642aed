import t from 'tap';
import { Args, CommandSpec, Grammar, splitWords } from '../src/cli/grammar';

/** A small grammar exercising every item of the syntax language. */
interface Spec extends CommandSpec {
  id: string;
}

const SPECS: Spec[] = [
  { id: 'show-version', syntax: 'show version', help: { show: 'Show things', version: 'Version info' } },
  { id: 'show-run', syntax: 'show running-config' },
  { id: 'show-rsa', syntax: 'show rsa', help: { rsa: 'RSA things' } },
  { id: 'show-policy', syntax: 'show crypto isakmp policy' },
  { id: 'policy', syntax: 'crypto isakmp policy p:<1-10000>', help: { p: 'Priority' } },
  { id: 'key', syntax: 'crypto isakmp key k:WORD address a:A.B.C.D [m:A.B.C.D] [no-xauth]', help: { k: 'The key', a: 'Peer', m: 'Mask' } },
  { id: 'encryption', syntax: 'encryption c:{des|3des|aes [bits:{128|192|256}]}' },
  { id: 'host', syntax: 'ip host n:WORD a:A.B.C.D*3', help: { n: 'Name', a: 'Address' } },
  { id: 'do', syntax: 'do c:LINE', help: { c: 'Exec Command' } },
  { id: 'enable', syntax: 'enable' },
  { id: 'end', syntax: 'end' },
  { id: 'endpoint', syntax: 'endpoint e:WORD' },
  { id: 'lifetime', syntax: 'lifetime s:<60-86400>' },
  { id: 'group', syntax: 'group g:{1|2|5|14}' },
  { id: 'peer-ip', syntax: 'set peer p:A.B.C.D' },
  { id: 'peer-name', syntax: 'set peer h:WORD' },
  { id: 'name-kw', syntax: 'name {alpha|alpine}' },
  { id: 'name-word', syntax: 'name x:WORD' },
];

function grammar(): Grammar<Spec> {
  const g = new Grammar<Spec>();
  for (const s of SPECS) g.add(s);
  return g;
}

const G = grammar();

function ok(line: string): { id: string; args: Args } {
  const r = G.match(line);
  if (r.kind !== 'ok') throw new Error(`"${line}" did not match: ${JSON.stringify(r)}`);
  return { id: r.command.id, args: r.args };
}

t.test('accepted lines: command chosen and captures', async (t) => {
  type Case = [line: string, id: string, captures: Record<string, string | string[]>, keywords?: string[]];
  const cases: Case[] = [
    ['show version', 'show-version', {}],
    ['sh ver', 'show-version', {}],
    ['SHOW VERSION', 'show-version', {}],
    ['Sh VeRs', 'show-version', {}],
    ['sh cry isa pol', 'show-policy', {}],
    ['  show   running-config  ', 'show-run', {}],
    ['show ru', 'show-run', {}],
    ['crypto isakmp policy 1', 'policy', { p: '1' }],
    ['crypto isakmp policy 10000', 'policy', { p: '10000' }],
    ['crypto isakmp policy 00042', 'policy', { p: '42' }],
    ['c i p 7', 'policy', { p: '7' }],
    ['lifetime 60', 'lifetime', { s: '60' }],
    ['lifetime 86400', 'lifetime', { s: '86400' }],
    ['crypto isakmp key s3cr3t address 10.0.0.1', 'key', { k: 's3cr3t', a: '10.0.0.1' }],
    ['crypto isakmp key S3CR3T address 0.0.0.0 0.0.0.0', 'key', { k: 'S3CR3T', a: '0.0.0.0', m: '0.0.0.0' }],
    ['crypto isakmp key k address 255.255.255.255 no-xauth', 'key', { k: 'k', a: '255.255.255.255' }, ['no-xauth']],
    ['crypto isakmp key k address 1.1.1.1 255.0.0.0 no', 'key', { k: 'k', m: '255.0.0.0' }, ['no-xauth']],
    ['crypto isakmp key "two words" address 1.1.1.1', 'key', { k: 'two words' }],
    // A keyword-looking word is still a WORD where a WORD is expected.
    ['crypto isakmp key address address 1.1.1.1', 'key', { k: 'address', a: '1.1.1.1' }],
    ['encryption des', 'encryption', { c: 'des' }],
    ['encryption 3', 'encryption', { c: '3des' }],
    ['enc aes', 'encryption', { c: 'aes' }],
    ['encryption aes 192', 'encryption', { c: 'aes', bits: '192' }],
    ['encryption a 2', 'encryption', { c: 'aes', bits: '256' }, ['aes', '256']],
    ['ip host h 1.1.1.1', 'host', { n: 'h', a: ['1.1.1.1'] }],
    ['ip host h 1.1.1.1 2.2.2.2 3.3.3.3', 'host', { n: 'h', a: ['1.1.1.1', '2.2.2.2', '3.3.3.3'] }],
    ['do show   running-config   x', 'do', { c: 'show   running-config   x' }],
    ['do ?weird "quoted words" and more', 'do', { c: '?weird "quoted words" and more' }],
    // An exact keyword beats the longer keyword it prefixes.
    ['end', 'end', {}],
    ['endp x', 'endpoint', { e: 'x' }],
    ['enable', 'enable', {}],
    ['ena', 'enable', {}],
    // "1" is exact for group 1 even though 14 starts with it.
    ['group 1', 'group', { g: '1' }],
    ['group 14', 'group', { g: '14' }],
    ['group 5', 'group', { g: '5' }],
    // A typed variable (A.B.C.D) beats a loose WORD.
    ['set peer 192.0.2.1', 'peer-ip', { p: '192.0.2.1' }],
    ['set peer 192.0.2.256', 'peer-name', { h: '192.0.2.256' }],
    ['set peer gw.example', 'peer-name', { h: 'gw.example' }],
    // A full keyword beats a WORD; two possible keywords give way to the WORD.
    ['name alpha', 'name-kw', {}],
    ['name alpine', 'name-kw', {}],
    ['name alpin', 'name-kw', {}],
    ['name al', 'name-word', { x: 'al' }],
    ['name zed', 'name-word', { x: 'zed' }],
  ];
  for (const [line, id, captures, keywords] of cases) {
    const r = ok(line);
    t.equal(r.id, id, `${line}: command`);
    for (const [name, value] of Object.entries(captures)) {
      if (Array.isArray(value)) t.same(r.args.all(name), value, `${line}: ${name}`);
      else t.equal(r.args.get(name), value, `${line}: ${name}`);
    }
    for (const k of keywords ?? []) t.ok(r.args.has(k), `${line}: keyword ${k} typed`);
  }
});

t.test('rejected lines: invalid (with the column of the bad word), incomplete, ambiguous, empty', async (t) => {
  type Case = [line: string, expected: object];
  const cases: Case[] = [
    ['', { kind: 'empty' }],
    ['    ', { kind: 'empty' }],
    ['bogus', { kind: 'invalid', column: 0 }],
    ['show bogus', { kind: 'invalid', column: 5 }],
    ['  show   bogus', { kind: 'invalid', column: 9 }],
    ['show version extra', { kind: 'invalid', column: 13 }],
    ['showx', { kind: 'invalid', column: 0 }],
    // ranges: at the bounds is fine (above), just outside is not
    ['crypto isakmp policy 0', { kind: 'invalid', column: 21 }],
    ['crypto isakmp policy 10001', { kind: 'invalid', column: 21 }],
    ['crypto isakmp policy -1', { kind: 'invalid', column: 21 }],
    ['crypto isakmp policy 1.5', { kind: 'invalid', column: 21 }],
    ['crypto isakmp policy ten', { kind: 'invalid', column: 21 }],
    ['crypto isakmp policy 99999999999', { kind: 'invalid', column: 21 }],
    ['lifetime 59', { kind: 'invalid', column: 9 }],
    ['lifetime 86401', { kind: 'invalid', column: 9 }],
    ['group 4', { kind: 'invalid', column: 6 }],
    ['group 3', { kind: 'invalid', column: 6 }],
    // IPv4 validity
    ['crypto isakmp key k address 256.1.1.1', { kind: 'invalid', column: 28 }],
    ['crypto isakmp key k address 1.2.3', { kind: 'invalid', column: 28 }],
    ['crypto isakmp key k address 1.2.3.4.5', { kind: 'invalid', column: 28 }],
    ['crypto isakmp key k address 1..2.3', { kind: 'invalid', column: 28 }],
    ['crypto isakmp key k address a.b.c.d', { kind: 'invalid', column: 28 }],
    ['crypto isakmp key k address 1.2.3.4/24', { kind: 'invalid', column: 28 }],
    ['crypto isakmp key k address 1.2.3.4 1.2.3.999', { kind: 'invalid', column: 36 }],
    // repeat: *3 accepts three, not four
    ['ip host h 1.1.1.1 2.2.2.2 3.3.3.3 4.4.4.4', { kind: 'invalid', column: 34 }],
    ['encryption aes 512', { kind: 'invalid', column: 15 }],
    ['encryption des 128', { kind: 'invalid', column: 15 }],
    // incomplete
    ['show', { kind: 'incomplete' }],
    ['crypto isakmp', { kind: 'incomplete' }],
    ['crypto isakmp policy', { kind: 'incomplete' }],
    ['crypto isakmp key k address', { kind: 'incomplete' }],
    ['encryption', { kind: 'incomplete' }],
    ['ip host h', { kind: 'incomplete' }],
    ['do', { kind: 'incomplete' }],
    ['set peer', { kind: 'incomplete' }],
    // ambiguous: the text up to and including the ambiguous word
    ['e', { kind: 'ambiguous', text: 'e' }],
    ['en', { kind: 'ambiguous', text: 'en' }],
    ['show r', { kind: 'ambiguous', text: 'show r' }],
    ['  sh   r   x', { kind: 'ambiguous', text: 'sh   r' }],
    ['encryption aes 1', { kind: 'ambiguous', text: 'encryption aes 1' }],
    ['name alp', { kind: 'name-word-not-expected' }],
  ];
  for (const [line, expected] of cases) {
    const r = G.match(line);
    if ((expected as { kind: string }).kind === 'name-word-not-expected') {
      // Two keywords and a WORD: the WORD wins, nothing ambiguous.
      t.equal(r.kind, 'ok', line);
      continue;
    }
    t.same(r.kind === 'ok' ? { kind: 'ok', id: r.command.id } : r, expected, line);
  }
});

t.test('Args: accessors', async (t) => {
  const { args } = ok('crypto isakmp key "a b" address 010.1.1.1 no-x');
  t.equal(args.str('k'), 'a b');
  t.equal(args.get('a'), '010.1.1.1', 'values are passed as typed; canonical forms are the command\'s job');
  t.equal(args.get('m'), undefined);
  t.throws(() => args.str('m'), /no argument "m"/);
  t.equal(args.column('k'), 18);
  t.equal(args.column('a'), 32);
  t.equal(args.column('nope'), undefined);
  t.ok(args.has('no-xauth'));
  t.ok(args.has('crypto'));
  t.notOk(args.has('address-pool'));
  t.same(args.list().map(([n]) => n), ['k', 'a']);
  t.equal(ok('crypto isakmp policy 0010').args.num('p'), 10);
});

t.test('splitWords: columns and quotes', async (t) => {
  t.same(splitWords(''), []);
  t.same(splitWords('  a  bc '), [{ text: 'a', column: 2 }, { text: 'bc', column: 5 }]);
  t.same(splitWords('key "x y" z'), [{ text: 'key', column: 0 }, { text: 'x y', column: 4 }, { text: 'z', column: 10 }]);
  t.same(splitWords('""'), [{ text: '', column: 0 }]);
});

t.test('help: next tokens with help, variables first, <cr> when complete', async (t) => {
  t.same(G.help('show '), {
    kind: 'next',
    entries: [['crypto', 'Encryption module'], ['rsa', 'RSA things'], ['running-config', 'Current operating configuration'], ['version', 'Version info']],
  }, 'a command\'s own help first, else the shared KEYWORD_HELP');
  t.same(G.help('crypto isakmp policy '), { kind: 'next', entries: [['<1-10000>', 'Priority']] });
  t.same(G.help('crypto isakmp policy 5 '), { kind: 'next', entries: [['<cr>', '']] });
  t.same(G.help('crypto isakmp key '), { kind: 'next', entries: [['WORD', 'The key']] });
  t.same(G.help('crypto isakmp key k address '), { kind: 'next', entries: [['A.B.C.D', 'Peer']] });
  t.same(G.help('crypto isakmp key k address 1.1.1.1 '), {
    kind: 'next',
    entries: [['A.B.C.D', 'Mask'], ['no-xauth', 'Bypasses XAuth for this peer'], ['<cr>', '']],
  });
  t.same(G.help('ip host h 1.1.1.1 2.2.2.2 '), { kind: 'next', entries: [['A.B.C.D', 'Address'], ['<cr>', '']] });
  t.same(G.help('ip host h 1.1.1.1 2.2.2.2 3.3.3.3 '), { kind: 'next', entries: [['<cr>', '']] }, 'no fourth address');
  t.same(G.help('do '), { kind: 'next', entries: [['LINE', 'Exec Command']] });
  t.same(G.help('do show '), { kind: 'next', entries: [['<cr>', '']] }, 'LINE took the rest');
  t.same(G.help('set peer '), { kind: 'next', entries: [['A.B.C.D', ''], ['WORD', '']] });
  t.same(G.help('encryption aes '), {
    kind: 'next',
    entries: [['128', ''], ['192', ''], ['256', ''], ['<cr>', '']],
  });
  const top = G.help('');
  t.equal(top.kind, 'next');
  if (top.kind === 'next') {
    t.same(top.entries.map(([w]) => w), ['crypto', 'do', 'enable', 'encryption', 'end', 'endpoint', 'group', 'ip', 'lifetime', 'name', 'set', 'show']);
  }
});

t.test('help: completing a partial word', async (t) => {
  t.same(G.help('e'), { kind: 'words', words: ['enable', 'encryption', 'end', 'endpoint'] });
  t.same(G.help('sh'), { kind: 'words', words: ['show'] });
  t.same(G.help('show r'), { kind: 'words', words: ['rsa', 'running-config'] });
  t.same(G.help('crypto isakmp policy 1'), { kind: 'words', words: ['<1-10000>'] });
  t.same(G.help('crypto isakmp key k address 10.'), { kind: 'words', words: ['A.B.C.D'] });
  t.same(G.help('group 1'), { kind: 'words', words: ['1', '14'] });
  t.same(G.help('set peer 1'), { kind: 'words', words: ['A.B.C.D', 'WORD'] });
  t.same(G.help('x'), { kind: 'invalid', column: 0 });
  t.same(G.help('show x'), { kind: 'invalid', column: 5 });
  t.same(G.help('bogus '), { kind: 'invalid', column: 0 });
  t.same(G.help('show bogus x'), { kind: 'invalid', column: 5 });
  t.same(G.help('show r '), { kind: 'ambiguous', text: 'show r' });
});

t.test('complete: unique, several, none', async (t) => {
  const cases: Array<[string, string[]]> = [
    ['sh', ['show ']],
    ['SH', ['show ']],
    ['  sh', ['  show ']],
    ['show r', ['show rsa ', 'show running-config ']],
    ['sh ru', ['sh running-config ']],
    ['e', ['enable ', 'encryption ', 'end ', 'endpoint ']],
    ['end', ['end ', 'endpoint ']],
    ['crypto isakmp p', ['crypto isakmp policy ']],
    ['encryption aes 2', ['encryption aes 256 ']],
    ['show ', []],
    ['', []],
    ['sh ', []],
    ['crypto isakmp policy 1', []],
    ['bogus x', []],
    ['x', []],
    ['show r x', []],
  ];
  for (const [line, expected] of cases) t.same(G.complete(line), expected, JSON.stringify(line));
});

t.test('nodes(): every node once, with its help', async (t) => {
  const g = new Grammar<Spec>();
  g.add({ id: 'a', syntax: 'a b:{x|y} c:<1-2>*2', help: { a: 'A', x: 'X', c: 'C' } });
  const nodes = [...g.nodes()];
  t.equal(nodes.length, 5);
  const help = Object.fromEntries(nodes.map((n) => [n.token.kind === 'keyword' ? n.token.text : `${n.token.kind}${nodes.indexOf(n)}`, n.help]));
  t.equal(help.a, 'A');
  t.equal(help.x, 'X');
  t.equal(help.y, '', 'no help given');
  t.same(nodes.filter((n) => n.capture === 'c').map((n) => n.help), ['C', 'C']);
  t.equal(g.list().length, 1);
});

import t from 'tap';
import { ALL_COMMANDS } from '../src/cli/commands';
import type { Command } from '../src/cli/command';
import { CommandTable } from '../src/cli/command-table';
import { CliError } from '../src/cli/cli-error';
import { CliSession } from '../src/cli/session';
import { testRouter } from './helpers/router';
import { drive, driveOk } from './helpers/transcript';

/** How to reach each configuration mode from privileged EXEC, and what it looks like there. */
const MODES: Array<{ name: string; lines: string[]; prompt: string; exitTo: string }> = [
  { name: 'config', lines: ['configure terminal'], prompt: 'Router(config)#', exitTo: 'Router#' },
  { name: 'config-isakmp', lines: ['configure terminal', 'crypto isakmp policy 10'], prompt: 'Router(config-isakmp)#', exitTo: 'Router(config)#' },
  { name: 'config-pubkey-chain', lines: ['configure terminal', 'crypto key pubkey-chain rsa'], prompt: 'Router(config-pubkey-chain)#', exitTo: 'Router(config)#' },
  {
    name: 'config-pubkey-key',
    lines: ['configure terminal', 'crypto key pubkey-chain rsa', 'named-key peer.example'],
    prompt: 'Router(config-pubkey-key)#',
    exitTo: 'Router(config-pubkey-chain)#',
  },
  {
    name: 'config-pubkey-key (addressed)',
    lines: ['configure terminal', 'crypto key pubkey-chain rsa', 'addressed-key 192.0.2.7 signature'],
    prompt: 'Router(config-pubkey-key)#',
    exitTo: 'Router(config-pubkey-chain)#',
  },
  { name: 'config-crypto-map', lines: ['configure terminal', 'crypto map vpn 10 ipsec-isakmp'], prompt: 'Router(config-crypto-map)#', exitTo: 'Router(config)#' },
  { name: 'config-crypto-map (dynamic)', lines: ['configure terminal', 'crypto dynamic-map dyn 10'], prompt: 'Router(config-crypto-map)#', exitTo: 'Router(config)#' },
  {
    name: 'config-crypto-trans',
    lines: ['configure terminal', 'crypto ipsec transform-set ts esp-aes esp-sha-hmac'],
    prompt: 'Router(config-crypto-trans)#',
    exitTo: 'Router(config)#',
  },
  { name: 'config-if', lines: ['configure terminal', 'interface eth0'], prompt: 'Router(config-if)#', exitTo: 'Router(config)#' },
];

t.test('prompts: user, privileged, and every configuration mode', async (t) => {
  const r = await testRouter();
  t.equal(r.session({ privileged: false }).prompt(), 'Router>');
  t.equal(r.session({ privileged: true }).prompt(), 'Router#');
  const s2 = r.session({ privileged: false });
  const walk = await drive(
    s2,
    'enable',
    'configure terminal',
    'crypto isakmp policy 10',
    'exit',
    'crypto key pubkey-chain rsa',
    'named-key peer.example',
    'key-string',
  );
  t.same(walk.map((x) => x.after), [
    'Router#',
    'Router(config)#',
    'Router(config-isakmp)#',
    'Router(config)#',
    'Router(config-pubkey-chain)#',
    'Router(config-pubkey-key)#',
    'Router(config-pubkey)#',
  ]);
  t.ok(walk.every((x) => x.ok && !x.ended));
  t.equal(walk[1]?.output, 'Enter configuration commands, one per line.  End with CNTL/Z.\n');
  t.equal(walk[6]?.output, 'Enter a public key as a hexidecimal number ....\n');
  t.same(s2.mode, { mode: 'config-pubkey', kind: 'named', id: 'peer.example', usage: 'general', hex: [] });

  for (const m of MODES) {
    const x = r.session();
    const st = await driveOk(x, ...m.lines);
    t.equal(st[st.length - 1]?.after, m.prompt, m.name);
  }
});

t.test('exit and end from every configuration mode', async (t) => {
  const r = await testRouter();
  for (const m of MODES) {
    const a = r.session();
    await driveOk(a, ...m.lines);
    const [exit] = await drive(a, 'exit');
    t.same([exit?.ok, exit?.output, exit?.after, exit?.ended], [true, '', m.exitTo, false], `exit from ${m.name}`);

    const b = r.session();
    await driveOk(b, ...m.lines);
    const [end] = await drive(b, 'end');
    t.same([end?.ok, end?.output, end?.after], [true, '', 'Router#'], `end from ${m.name}`);
    t.same(b.mode, { mode: 'exec' });

    // Abbreviated forms too.
    const c = r.session();
    await driveOk(c, ...m.lines);
    const [ex] = await drive(c, 'exi');
    t.equal(ex?.after, m.exitTo, `"exi" from ${m.name}`);
  }
  // key-string mode only knows hex lines and quit.
  const k = r.session();
  await driveOk(k, 'configure terminal', 'crypto key pubkey-chain rsa', 'named-key p.example', 'key-string');
  for (const line of ['exit', 'end']) {
    const [st] = await drive(k, line);
    t.equal(st?.ok, false, `${line} is not a key-string line`);
    t.equal(st?.after, 'Router(config-pubkey)#');
  }
});

t.test('exit, logout and disable in EXEC', async (t) => {
  const r = await testRouter();
  for (const [privileged, line] of [[true, 'exit'], [false, 'exit'], [true, 'logout'], [false, 'logo'], [true, 'exi']] as const) {
    const s = r.session({ privileged });
    const res = await s.execute(line);
    t.same(res, { output: '', ok: true, ended: true }, `${line} at ${privileged ? '#' : '>'} ends the session`);
    t.equal(s.prompt(), '', 'no prompt once ended');
    t.same(await s.execute('show version'), { output: '', ok: false, ended: true }, 'nothing runs after the end');
  }
  const s = r.session();
  const steps = await drive(s, 'disable', 'enable', 'disa', 'show version');
  t.same(steps.map((x) => x.after), ['Router>', 'Router#', 'Router>', 'Router>']);
  t.ok(steps.every((x) => x.ok));
  // `enable` again in privileged mode is harmless.
  const [again] = await drive(r.session(), 'enable');
  t.same([again?.ok, again?.after], [true, 'Router#']);
  // `end` is not an EXEC command, so "en" means enable in both EXEC modes.
  const p = r.session();
  const [en] = await drive(p, 'en');
  t.same([en?.ok, en?.after], [true, 'Router#'], '"en" at Router# is enable');
  const u = r.session({ privileged: false });
  const [en2] = await drive(u, 'en');
  t.same([en2?.ok, en2?.after], [true, 'Router#'], '"en" at Router> is enable');
});

t.test('user EXEC cannot configure', async (t) => {
  const r = await testRouter();
  const s = r.session({ privileged: false });
  for (const [line, col] of [['configure terminal', 0], ['conf t', 0], ['write memory', 0], ['show running-config', 5], ['disable', 0]] as const) {
    const [st] = await drive(s, line);
    t.equal(st?.ok, false, line);
    t.equal(st?.output, `${' '.repeat('Router>'.length + col)}^\n% Invalid input detected at '^' marker.\n`, line);
    t.equal(st?.after, 'Router>');
  }
});

t.test('hostname carries into every prompt, of every session', async (t) => {
  const r = await testRouter();
  const a = r.session();
  const b = r.session({ privileged: false });
  const c = r.session();
  await driveOk(c, 'configure terminal', 'interface eth0');
  const steps = await driveOk(a, 'configure terminal', 'hostname Gw-1', 'crypto isakmp policy 5');
  t.same(steps.map((x) => x.after), ['Router(config)#', 'Gw-1(config)#', 'Gw-1(config-isakmp)#']);
  t.equal(b.prompt(), 'Gw-1>');
  t.equal(c.prompt(), 'Gw-1(config-if)#');
  await driveOk(a, 'no hostname');
  t.equal(a.prompt(), 'Router(config)#');
  t.equal(b.prompt(), 'Router>');
});

t.test('abbreviations: conf t, sh cry isa pol, and friends', async (t) => {
  const r = await testRouter();
  const s = r.session();
  const [conf] = await drive(s, 'conf t');
  t.equal(conf?.after, 'Router(config)#');
  await driveOk(s, 'cry isa pol 20', 'encr 3', 'ha md5', 'auth pre', 'gr 2', 'life 3600', 'end');
  const [show] = await drive(s, 'sh cry isa pol');
  t.ok(show?.ok);
  t.match(show?.output, /^Protection suite of priority 20\n/);
  t.match(show?.output, /Three key triple DES|3DES/);
  t.match(show?.output, /Message Digest 5/);
  t.match(show?.output, /Pre-Shared Key/);
  t.match(show?.output, /#2 \(1024 bit\)/);
  t.match(show?.output, /3600 seconds/);
  const [full] = await drive(s, 'show crypto isakmp policy');
  t.equal(full?.output, show?.output, 'abbreviated and full forms print the same');
  const [upper] = await drive(s, 'SH CRY ISA POL');
  t.equal(upper?.output, show?.output, 'keywords are case-insensitive');
});

t.test('do: EXEC commands from any configuration mode', async (t) => {
  const r = await testRouter();
  const exec = r.session();
  const [reference] = await drive(exec, 'show running-config');
  for (const m of MODES) {
    const s = r.session();
    await driveOk(s, ...m.lines);
    const before = JSON.stringify(r.router.config);
    const [st] = await drive(s, 'do show running-config');
    t.ok(st?.ok, m.name);
    t.equal(st?.after, m.prompt, `do keeps the mode (${m.name})`);
    t.match(st?.output, /^Building configuration\.\.\.\n\nCurrent configuration : \d+ bytes\n!\n/, m.name);
    t.match(st?.output, /\nend\n$/);
    t.equal(JSON.stringify(r.router.config), before);
    const [abbrev] = await drive(s, 'do sh run');
    t.equal(abbrev?.output, st?.output, `do sh run (${m.name})`);
  }
  t.match(reference?.output, /hostname Router/);
  // `do` with a non-EXEC or bad command
  const s = r.session();
  await driveOk(s, 'configure terminal', 'crypto isakmp policy 7');
  const cases: Array<[string, string]> = [
    ['do bogus', `${' '.repeat('Router(config-isakmp)#do '.length)}^\n% Invalid input detected at '^' marker.\n`],
    ['do show bogus', `${' '.repeat('Router(config-isakmp)#do show '.length)}^\n% Invalid input detected at '^' marker.\n`],
    ['do  sh   bogus', `${' '.repeat('Router(config-isakmp)#do  sh   '.length)}^\n% Invalid input detected at '^' marker.\n`],
    ['do show', '% Incomplete command.\n'],
    ['do hostname X', `${' '.repeat('Router(config-isakmp)#do '.length)}^\n% Invalid input detected at '^' marker.\n`],
    ['do', '% Incomplete command.\n'],
  ];
  for (const [line, out] of cases) {
    const [st] = await drive(s, line);
    t.same([st?.ok, st?.output, st?.after], [false, out, 'Router(config-isakmp)#'], line);
  }
  // `do` is a config-mode command only.
  const [inExec] = await drive(r.session(), 'do show version');
  t.equal(inExec?.ok, false, 'no do in EXEC');
});

t.test('a global command in a sub-mode leaves the sub-mode and runs (IOS fallback)', async (t) => {
  const r = await testRouter();
  type Case = { from: string; line: string; after: string; frame?: object };
  const cases: Case[] = [
    { from: 'config-isakmp', line: 'hostname X1', after: 'X1(config)#' },
    { from: 'config-isakmp', line: 'crypto isakmp policy 20', after: 'Router(config-isakmp)#', frame: { mode: 'config-isakmp', priority: 20 } },
    { from: 'config-if', line: 'crypto isakmp policy 30', after: 'Router(config-isakmp)#', frame: { mode: 'config-isakmp', priority: 30 } },
    { from: 'config-if', line: 'ip host h1 192.0.2.1', after: 'Router(config)#' },
    { from: 'config-if', line: 'interface eth1', after: 'Router(config-if)#', frame: { mode: 'config-if', name: 'eth1' } },
    { from: 'config-crypto-map', line: 'interface eth2', after: 'Router(config-if)#' },
    { from: 'config-crypto-trans', line: 'crypto map vpn 20 ipsec-isakmp', after: 'Router(config-crypto-map)#' },
    { from: 'config-pubkey-chain', line: 'ip domain name example.com', after: 'Router(config)#' },
    { from: 'config-pubkey-key', line: 'hostname X2', after: 'X2(config)#' },
    // The enclosing mode is tried before global configuration.
    {
      from: 'config-pubkey-key',
      line: 'named-key other.example',
      after: 'Router(config-pubkey-key)#',
      frame: { mode: 'config-pubkey-key', kind: 'named', id: 'other.example', usage: 'general' },
    },
    {
      from: 'config-pubkey-key',
      line: 'addressed-key 198.51.100.9 encryption',
      after: 'Router(config-pubkey-key)#',
      frame: { mode: 'config-pubkey-key', kind: 'addressed', id: '198.51.100.9', usage: 'encryption' },
    },
  ];
  for (const c of cases) {
    const m = MODES.find((x) => x.name === c.from);
    if (!m) throw new Error(c.from);
    const s = r.session();
    await driveOk(s, ...m.lines);
    const [st] = await drive(s, c.line);
    t.same([st?.ok, st?.after], [true, c.after], `${c.from}: ${c.line}`);
    if (c.frame) t.same(s.mode, c.frame, `${c.from}: ${c.line}: frame`);
    await driveOk(r.session(), 'configure terminal', 'no hostname');
  }
  // After falling back, exit goes where the new mode's exit goes.
  const s = r.session();
  await driveOk(s, 'configure terminal', 'crypto key pubkey-chain rsa', 'named-key a.example', 'named-key b.example');
  const ex = await drive(s, 'exit', 'exit', 'exit');
  t.same(ex.map((x) => x.after), ['Router(config-pubkey-chain)#', 'Router(config)#', 'Router#']);
  const ids = r.router.config.pubkeyChain.map((k) => k.id);
  for (const id of ['peer.example', 'a.example', 'b.example', 'other.example', '198.51.100.9']) t.ok(ids.includes(id), `${id} in the chain`);
});

t.test('a line no mode accepts: the error of the mode that read furthest', async (t) => {
  const r = await testRouter();
  const s = r.session();
  await driveOk(s, 'configure terminal', 'crypto isakmp policy 10');
  const P = 'Router(config-isakmp)#';
  const caret = (col: number): string => `${' '.repeat(P.length + col)}^\n% Invalid input detected at '^' marker.\n`;
  const cases: Array<[string, string]> = [
    ['bogus', caret(0)],
    ['encryption foo', caret(11)],
    ['crypto isakmp policy 0', caret(21)],
    ['crypto isakmp policy 10001', caret(21)],
    ['crypto bogus', caret(7)],
    ['crypto isakmp policy', '% Incomplete command.\n'],
    ['encryption', '% Incomplete command.\n'],
    ['e', '% Ambiguous command: "e"\n'],
    ['hostname', '% Incomplete command.\n'],
    ['group 3', caret(6)],
    ['lifetime 59', caret(9)],
    ['lifetime 86401', caret(9)],
  ];
  for (const [line, out] of cases) {
    const before = JSON.stringify(r.router.config);
    const [st] = await drive(s, line);
    t.same([st?.ok, st?.output, st?.after], [false, out, P], line);
    t.equal(JSON.stringify(r.router.config), before, `${line}: config unchanged`);
  }
});

t.test('a rejected command changes neither the configuration nor the mode', async (t) => {
  const r = await testRouter();
  await driveOk(r.session(), 'configure terminal', 'hostname Keep', 'crypto isakmp policy 5', 'encryption aes', 'exit', 'ip host h 192.0.2.1');
  const cases: Array<{ mode: string[]; line: string }> = [
    { mode: ['configure terminal'], line: 'no ip host nothere' },
    { mode: ['configure terminal'], line: 'hostname -bad-' },
    { mode: ['configure terminal'], line: 'enable secret 9 $9$nothash' },
    { mode: ['configure terminal'], line: 'enable secret 0 abcdefghijklmnopqrstuvwxyz' },
    { mode: ['configure terminal'], line: 'crypto isakmp policy 0' },
    { mode: ['configure terminal'], line: 'crypto' },
    { mode: ['configure terminal'], line: 'crypto i' },
    { mode: ['configure terminal', 'crypto isakmp policy 5'], line: 'encryption aes 512' },
    { mode: ['configure terminal', 'crypto isakmp policy 5'], line: 'hostname' },
    { mode: ['configure terminal', 'crypto isakmp policy 5'], line: 'no ip host nothere' },
    { mode: ['configure terminal', 'interface eth0'], line: 'ip address 1.1.1.1' },
    { mode: ['configure terminal', 'interface eth0'], line: 'do show bogus' },
    { mode: ['configure terminal', 'crypto key pubkey-chain rsa'], line: 'no named-key missing.example' },
    { mode: [], line: 'show bogus' },
    { mode: [], line: 'configure' },
  ];
  for (const c of cases) {
    const s = r.session();
    await driveOk(s, ...c.mode);
    const before = JSON.stringify(r.router.config);
    const rev = r.router.revision;
    const mode = JSON.stringify(s.mode);
    const prompt = s.prompt();
    const res = await s.execute(c.line);
    t.equal(res.ok, false, `${c.line}: rejected`);
    t.match(res.output, /^( *\^\n)?% /, `${c.line}: IOS-style message`);
    t.equal(JSON.stringify(r.router.config), before, `${c.line}: config unchanged`);
    t.equal(r.router.revision, rev, `${c.line}: nothing committed`);
    t.equal(JSON.stringify(s.mode), mode, `${c.line}: mode unchanged`);
    t.equal(s.prompt(), prompt);
  }
});

/** A command that edits the draft, changes mode, then fails: none of it may stick. */
const HALFWAY: Command = {
  modes: ['config'],
  syntax: 'halfway',
  run(ctx) {
    ctx.config.hostname = 'Changed';
    ctx.config.hosts.push({ name: 'x', addresses: ['192.0.2.9'] });
    ctx.enter({ mode: 'config-if', name: 'ethX' });
    ctx.print('partial output');
    throw new CliError('halfway failed');
  },
};
const CRASH: Command = {
  modes: ['config'],
  syntax: 'crash',
  run(ctx) {
    ctx.config.hostname = 'Crashed';
    throw new TypeError('boom');
  },
};

t.test('a failing command leaves no trace even after editing its draft', async (t) => {
  const r = await testRouter();
  const table = new CommandTable([...ALL_COMMANDS, HALFWAY, CRASH]);
  const s = new CliSession(r.router, table, { interactive: false, privileged: true, source: { kind: 'stdio' } });
  await driveOk(s, 'configure terminal');
  const before = JSON.stringify(r.router.config);
  const [half, crash] = await drive(s, 'halfway', 'crash');
  t.same([half?.ok, half?.output, half?.after], [false, 'partial output\n% halfway failed\n', 'Router(config)#']);
  t.same([crash?.ok, crash?.output, crash?.after], [false, '% Internal error: boom\n', 'Router(config)#']);
  t.equal(JSON.stringify(r.router.config), before);
  t.equal(r.router.config.hostname, 'Router');
});

t.test('concurrent sessions share one configuration; a commit race is refused cleanly', async (t) => {
  const r = await testRouter();
  let release!: () => void;
  const gate = new Promise<void>((res) => (release = res));
  let entered!: () => void;
  const started = new Promise<void>((res) => (entered = res));
  const SLOW: Command = {
    modes: ['config'],
    syntax: 'slow-hostname n:WORD',
    async run(ctx, args) {
      ctx.config.hostname = args.str('n');
      ctx.enter({ mode: 'config-if', name: 'slow' });
      entered();
      await gate;
    },
  };
  const SLOW_READ: Command = {
    modes: ['config'],
    syntax: 'slow-read',
    async run(ctx) {
      await new Promise((res) => setTimeout(res, 20));
      ctx.print(`hostname is ${ctx.config.hostname}`);
    },
  };
  const table = new CommandTable([...ALL_COMMANDS, SLOW, SLOW_READ]);
  const open = (): CliSession => new CliSession(r.router, table, { interactive: false, privileged: true, source: { kind: 'control', id: 'x' } });
  const a = open();
  const b = open();
  await driveOk(a, 'configure terminal');
  await driveOk(b, 'configure terminal', 'crypto isakmp policy 10');

  // One config: b sees what a did.
  await driveOk(a, 'crypto isakmp policy 20', 'encryption 3des', 'exit');
  const [run] = await drive(b, 'do show running-config');
  t.match(run?.output, /crypto isakmp policy 20\n encryption 3des/);

  // Race: a's slow command takes its draft, b commits meanwhile, a is refused.
  const pending = a.execute('slow-hostname Slow');
  await started;
  const [fast] = await drive(b, 'hostname Fast');
  t.ok(fast?.ok);
  release();
  const slow = await pending;
  t.same(slow, { output: '% Configuration was changed by another session meanwhile; command not applied\n', ok: false, ended: false });
  t.equal(r.router.config.hostname, 'Fast', "b's change stands");
  t.equal(a.prompt(), 'Fast(config)#', 'the refused command did not change the mode either');
  t.equal(b.prompt(), 'Fast(config)#');

  // A slow command that changes nothing is not refused by someone else's commit.
  const reading = a.execute('slow-read');
  await driveOk(b, 'hostname Other');
  t.same(await reading, { output: 'hostname is Fast\n', ok: true, ended: false });

  // Interleaved commands from two sessions both land.
  await Promise.all([
    driveOk(a, 'ip host one 192.0.2.1', 'ip host two 192.0.2.2'),
    driveOk(b, 'ip host three 192.0.2.3', 'ip host four 192.0.2.4'),
  ]);
  t.same(r.router.config.hosts.map((h) => h.name).sort(), ['four', 'one', 'three', 'two']);
  a.close();
  b.close();
});

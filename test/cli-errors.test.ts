import t from 'tap';
import { testRouter } from './helpers/router';
import { drive, driveOk } from './helpers/transcript';

const INVALID = "% Invalid input detected at '^' marker.";

/** The terminal as the operator sees it: the typed line under its prompt, then the caret line. */
function caretUnder(prompt: string, line: string, output: string): string {
  const [caretLine] = output.split('\n');
  const col = (caretLine as string).indexOf('^');
  return `${prompt}${line}`.slice(col).split(/\s/)[0] as string;
}

t.test('the caret sits under the offending word, whatever the prompt', async (t) => {
  const r = await testRouter();
  type Case = { setup: string[]; privileged?: boolean; line: string; word: string; prompt: string };
  const cases: Case[] = [
    { setup: [], privileged: false, line: 'bogus', word: 'bogus', prompt: 'Router>' },
    { setup: [], privileged: false, line: 'show bogus', word: 'bogus', prompt: 'Router>' },
    { setup: [], line: 'show bogus', word: 'bogus', prompt: 'Router#' },
    { setup: [], line: '   show    bogus', word: 'bogus', prompt: 'Router#' },
    { setup: [], line: 'show version now', word: 'now', prompt: 'Router#' },
    { setup: [], line: 'sh cry isa pol 5', word: '5', prompt: 'Router#' },
    { setup: ['configure terminal'], line: 'crypto isakmp policy 0', word: '0', prompt: 'Router(config)#' },
    { setup: ['configure terminal'], line: 'crypto isakmp policy 10001', word: '10001', prompt: 'Router(config)#' },
    { setup: ['configure terminal'], line: 'crypto isakmp key k address 10.0.0.256', word: '10.0.0.256', prompt: 'Router(config)#' },
    { setup: ['configure terminal'], line: 'crypto isakmp key "a b" adress 10.0.0.1', word: 'adress', prompt: 'Router(config)#' },
    { setup: ['configure terminal'], line: 'ip host h 1.1.1.1 2.2.2.2 3.3.3.3 4.4.4.4 5.5.5.5 6.6.6.6 7.7.7.7 8.8.8.8 9.9.9.9', word: '9.9.9.9', prompt: 'Router(config)#' },
    { setup: ['configure terminal', 'crypto isakmp policy 1'], line: 'encryption aes 512', word: '512', prompt: 'Router(config-isakmp)#' },
    { setup: ['configure terminal', 'crypto isakmp policy 1'], line: 'hash sha1', word: 'sha1', prompt: 'Router(config-isakmp)#' },
    { setup: ['configure terminal', 'crypto isakmp policy 1'], line: 'group 3', word: '3', prompt: 'Router(config-isakmp)#' },
    { setup: ['configure terminal', 'crypto isakmp policy 1'], line: 'do show bogus', word: 'bogus', prompt: 'Router(config-isakmp)#' },
    { setup: ['configure terminal', 'crypto isakmp policy 1'], line: 'do   sh  cry   bogus', word: 'bogus', prompt: 'Router(config-isakmp)#' },
    { setup: ['configure terminal', 'interface eth0'], line: 'ip address 10.0.0.1 255.255.255.0 extra', word: 'extra', prompt: 'Router(config-if)#' },
    { setup: ['configure terminal', 'crypto map vpn 10 ipsec-isakmp'], line: 'set pfs group3', word: 'group3', prompt: 'Router(config-crypto-map)#' },
    { setup: ['configure terminal', 'crypto ipsec transform-set ts esp-aes'], line: 'mode tunel', word: 'tunel', prompt: 'Router(config-crypto-trans)#' },
    { setup: ['configure terminal', 'crypto key pubkey-chain rsa'], line: 'addressed-key 1.2.3', word: '1.2.3', prompt: 'Router(config-pubkey-chain)#' },
    { setup: ['configure terminal', 'hostname a-much-longer-hostname'], line: 'crypto isakmp policy 99999', word: '99999', prompt: 'a-much-longer-hostname(config)#' },
  ];
  for (const c of cases) {
    const s = r.session({ privileged: c.privileged ?? true });
    await driveOk(s, ...c.setup);
    const [st] = await drive(s, c.line);
    t.equal(st?.prompt, c.prompt, `${c.line}: prompt`);
    t.equal(st?.ok, false, c.line);
    const lines = (st?.output as string).split('\n');
    t.same(lines.slice(1), [INVALID, ''], `${c.line}: message`);
    t.match(lines[0], /^ *\^$/, `${c.line}: spaces then ^`);
    t.equal(caretUnder(c.prompt, c.line, st?.output as string), c.word, `${c.line}: caret under "${c.word}"`);
    t.equal(st?.after, c.prompt);
    await driveOk(r.session(), 'configure terminal', 'no hostname');
  }
});

t.test('incomplete and ambiguous commands', async (t) => {
  const r = await testRouter();
  type Case = { setup: string[]; line: string; out: string };
  const cases: Case[] = [
    { setup: [], line: 'show', out: '% Incomplete command.\n' },
    { setup: [], line: 'sh crypto', out: '% Incomplete command.\n' },
    { setup: [], line: 'configure', out: '% Incomplete command.\n' },
    { setup: [], line: 'show crypto engine', out: '% Incomplete command.\n' },
    { setup: [], line: 'e', out: '% Ambiguous command: "e"\n' },
    { setup: [], line: 'c', out: '% Ambiguous command: "c"\n' },
    { setup: [], line: 'sh cry i', out: '% Ambiguous command: "sh cry i"\n' },
    { setup: [], line: 'sh cry i pol', out: '% Ambiguous command: "sh cry i"\n' },
    { setup: [], line: '  show   crypto  i', out: '% Ambiguous command: "show   crypto  i"\n' },
    { setup: [], line: 'show crypto key pubkey-chain rsa name', out: '% Incomplete command.\n' },
    { setup: ['configure terminal'], line: 'crypto isakmp policy', out: '% Incomplete command.\n' },
    { setup: ['configure terminal'], line: 'crypto isakmp key', out: '% Incomplete command.\n' },
    { setup: ['configure terminal'], line: 'crypto isakmp key k address', out: '% Incomplete command.\n' },
    { setup: ['configure terminal'], line: 'ip host h', out: '% Incomplete command.\n' },
    { setup: ['configure terminal'], line: 'e', out: '% Ambiguous command: "e"\n' },
    { setup: ['configure terminal'], line: 'crypto i', out: '% Ambiguous command: "crypto i"\n' },
    { setup: ['configure terminal'], line: 'no crypto i', out: '% Ambiguous command: "no crypto i"\n' },
    { setup: ['configure terminal', 'crypto isakmp policy 1'], line: 'encryption', out: '% Incomplete command.\n' },
    { setup: ['configure terminal', 'crypto isakmp policy 1'], line: 'no', out: '% Incomplete command.\n' },
    { setup: ['configure terminal', 'crypto isakmp policy 1'], line: 'encryption aes 1', out: '% Ambiguous command: "encryption aes 1"\n' },
    { setup: ['configure terminal', 'crypto isakmp policy 1'], line: 'group 1', out: '' },
    { setup: ['configure terminal'], line: 'do show', out: '% Incomplete command.\n' },
    { setup: ['configure terminal'], line: 'do c', out: '% Ambiguous command: "do c"\n' },
    { setup: ['configure terminal'], line: 'do sh cry i', out: '% Ambiguous command: "do sh cry i"\n' },
  ];
  for (const c of cases) {
    const s = r.session();
    await driveOk(s, ...c.setup);
    const [st] = await drive(s, c.line);
    t.equal(st?.output, c.out, c.line);
    t.equal(st?.ok, c.out === '', `${c.line}: ok`);
  }
});

t.test('command errors print "% message" and nothing else', async (t) => {
  const r = await testRouter();
  const s = r.session();
  await driveOk(s, 'configure terminal');
  const [st] = await drive(s, 'no ip host nothere');
  t.equal(st?.output, '% Host nothere not found in the host table\n');
  t.equal(st?.ok, false);
});

/**
 * The router's own keys (crypto key generate rsa|ec, crypto key zeroize, show crypto key
 * mypubkey) and the peers' public key chain (crypto key pubkey-chain rsa, named-key,
 * addressed-key, address, key-string ... quit, show crypto key pubkey-chain rsa).
 */
import t, { type Test } from 'tap';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { configLines, configMode, freshRouter, roundTrip, runningConfig, show } from './helpers/config';
import type { TestRouter } from './helpers/router';
import { generateRsaKeyPair } from '../src/keys/rsa-keygen';

const OK_LINE = /^\[OK\] \(elapsed time was \d+ seconds\)\n$/;
const BELOW_2048 = '% WARNING: a key modulus below 2048 bits is not considered secure and is not recommended.';

/** Hex words of 8 digits, `perLine` words a line, as an operator pastes them. */
function hexLines(der: Buffer, perLine = 4): string[] {
  const words = der.toString('hex').toUpperCase().match(/.{1,8}/g) ?? [];
  const out: string[] = [];
  for (let i = 0; i < words.length; i += perLine) out.push(words.slice(i, i + perLine).join(' '));
  return out;
}

/** Every private component of a key as uppercase hex (RSA: d, p, q, dp, dq, qi; EC: d). */
function privateParts(key: KeyObject): string[] {
  const jwk = key.export({ format: 'jwk' }) as Record<string, string | undefined>;
  return ['d', 'p', 'q', 'dp', 'dq', 'qi']
    .map((k) => jwk[k])
    .filter((v): v is string => v !== undefined)
    .map((v) => Buffer.from(v, 'base64url').toString('hex').toUpperCase());
}

/** No private component (nor an 8-byte piece of one) and no PEM private key in `text`. */
function checkNoPrivate(t: Test, r: TestRouter, text: string, what: string): void {
  const flat = text.replace(/\s+/g, '').toUpperCase();
  t.notMatch(text, /PRIVATE KEY|privateKeyPem/i, `${what}: no PEM private key`);
  for (const info of r.router.services.keys.list()) {
    const priv = r.router.services.keys.privateKey(info.label, info.usage);
    if (!priv) {
      t.fail(`private key of ${info.label}/${info.usage} missing`);
      continue;
    }
    for (const part of privateParts(priv)) {
      for (let i = 0; i + 16 <= part.length; i += 16) {
        if (flat.includes(part.slice(i, i + 16))) {
          t.fail(`${what}: private material of ${info.label} (${info.usage}) shown`);
          return;
        }
      }
    }
    t.notOk(flat.includes(priv.export({ type: 'pkcs8', format: 'der' }).toString('hex').toUpperCase().slice(0, 64)), `${what}: no PKCS#8 of ${info.label}`);
  }
}

/** The key store's files: name -> mode. */
function keyFiles(r: TestRouter): Map<string, number> {
  const dir = path.join(r.dir, 'keys');
  return new Map(readdirSync(dir).map((f) => [f, statSync(path.join(dir, f)).mode & 0o777]));
}

t.test('crypto key generate rsa general-keys label L modulus 512: messages, store, files', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  const before = JSON.stringify(r.router.config);
  const res = await c.exec('crypto key generate rsa general-keys label k1 modulus 512');
  t.ok(res.ok, res.output);
  t.equal(res.seen.replace(/\[OK\].*\n$/, ''), [
    'The name for the keys will be: k1',
    '',
    '% The key modulus size is 512 bits',
    BELOW_2048,
    '% Generating 512 bit RSA keys, keys will be non-exportable...',
    '',
  ].join('\n'), 'what the operator sees while it runs');
  t.match(res.output, OK_LINE);
  t.equal(JSON.stringify(r.router.config), before, 'keys are not configuration');
  const keys = r.router.services.keys.list();
  t.equal(keys.length, 1);
  t.match(keys[0], { label: 'k1', algorithm: 'rsa', usage: 'general', exportable: false, bits: 512 });
  const files = keyFiles(r);
  t.equal(files.size, 1, 'one key file');
  for (const [name, mode] of files) t.equal(mode, 0o600, `${name} is mode 0600`);
  t.equal(statSync(path.join(r.dir, 'keys')).mode & 0o777, 0o700, 'key directory is mode 0700');
  const stored = readFileSync(path.join(r.dir, 'keys', [...files.keys()][0] as string), 'utf8');
  t.match(stored, /BEGIN PRIVATE KEY/, 'the private key is in the key store file');
  checkNoPrivate(t, r, await runningConfig(t, r), 'running-config');
  t.notMatch(await runningConfig(t, r), /k1|crypto key generate/, 'the key pair is not written in running-config');
  await c.ok(t, 'do write memory');
  const startup = readFileSync(path.join(r.dir, 'startup-config'), 'utf8');
  checkNoPrivate(t, r, startup, 'startup-config');
  await roundTrip(t, r);
});

t.test('modulus range 360-4096: 360 accepted, 359 and 4097 rejected, warning below 2048', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  const small = await c.exec('crypto key generate rsa general-keys label small modulus 360');
  t.ok(small.ok, small.output);
  t.ok(small.seen.includes(BELOW_2048), 'warned');
  t.match(r.router.services.keys.get('small'), { bits: 360, algorithm: 'rsa' });
  for (const bad of ['359', '4097', '0', '100000', 'big']) {
    await c.rejects(t, `crypto key generate rsa general-keys label bad modulus ${bad}`, 'Invalid input');
  }
  await c.rejects(t, 'crypto key generate rsa general-keys label bad modulus', 'Incomplete command');
  t.equal(r.router.services.keys.get('bad'), undefined);
  const big = await c.exec('crypto key generate rsa general-keys label big modulus 2048');
  t.ok(big.ok, big.output);
  t.notOk(big.seen.includes('WARNING'), 'no warning at 2048');
  t.ok(big.seen.includes('% The key modulus size is 2048 bits'));
  t.equal(r.router.services.keys.get('big')?.bits, 2048);
});

t.test('without a modulus: 2048 bits and a note', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  const res = await c.exec('crypto key generate rsa general-keys label dflt');
  t.ok(res.ok, res.output);
  t.ok(res.seen.includes('% No modulus given; using 2048 bits (range 360 to 4096).'), res.seen);
  t.notOk(res.seen.includes('WARNING'));
  t.equal(r.router.services.keys.get('dflt')?.bits, 2048);
});

t.test('default label: the FQDN, which needs ip domain name', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  await c.rejects(t, 'crypto key generate rsa general-keys modulus 512', 'Please define a domain-name first (ip domain name NAME), or give a label.');
  await c.rejects(t, 'crypto key generate ec keysize 256', 'Please define a domain-name first');
  t.equal(keyFiles(r).size, 0, 'no file written');
  await c.ok(t, 'hostname gw1', 'ip domain name example.com');
  const res = await c.exec('crypto key generate rsa general-keys modulus 512');
  t.ok(res.ok);
  t.ok(res.seen.startsWith('The name for the keys will be: gw1.example.com\n'), res.seen);
  t.match(r.router.services.keys.list(), [{ label: 'gw1.example.com', usage: 'general' }]);
  // Labels must fit the key store.
  await c.rejects(t, `crypto key generate rsa general-keys label ${'l'.repeat(101)} modulus 512`, 'Invalid key label');
  await c.rejects(t, 'crypto key generate rsa general-keys label "two words" modulus 512', 'Invalid key label "two words"');
  await c.ok(t, `hostname ${'h'.repeat(60)}`, `ip domain name ${'d'.repeat(60)}.com`);
  await c.rejects(t, 'crypto key generate ec keysize 256', 'Invalid key label');
  const longest = await c.exec(`crypto key generate rsa general-keys label ${'l'.repeat(100)} modulus 512`);
  t.ok(longest.ok, 'a 100-character label is accepted');
});

t.test('usage-keys, exportable, all options in order', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  const res = await c.exec('crypto key generate rsa usage-keys label uk exportable modulus 512');
  t.ok(res.ok, res.output);
  t.ok(res.seen.includes('% Generating 512 bit RSA keys, keys will be exportable...'), res.seen);
  t.match(r.router.services.keys.list(), [
    { label: 'uk', usage: 'signature', exportable: true, bits: 512 },
    { label: 'uk', usage: 'encryption', exportable: true, bits: 512 },
  ]);
  t.equal(keyFiles(r).size, 2);
  for (const mode of keyFiles(r).values()) t.equal(mode, 0o600);
  const out = await show(t, r, 'show crypto key mypubkey rsa');
  t.match(out, /Key name: uk\nKey type: RSA KEYS 512 bits\n Storage Device: private-config\n Usage: Signature Key\n Key is exportable\.\n Key Data:\n/);
  t.match(out, /Key name: uk\nKey type: RSA KEYS 512 bits\n Storage Device: private-config\n Usage: Encryption Key\n Key is exportable\.\n/);
  checkNoPrivate(t, r, out, 'show crypto key mypubkey rsa');
  // Options out of order are not accepted (IOS order).
  await c.rejects(t, 'crypto key generate rsa general-keys modulus 512 label x', 'Invalid input');
  await c.rejects(t, 'crypto key generate rsa', 'Incomplete command');
  await c.rejects(t, 'crypto key generate rsa general-keys usage-keys', 'Invalid input');
  // Replacing a label's keys, non-interactively: said, then done; usage-keys -> general.
  const again = await c.exec('crypto key generate rsa general-keys label uk modulus 512');
  t.ok(again.ok);
  t.ok(again.seen.includes('% Replacing the existing keys named uk.'), again.seen);
  t.match(r.router.services.keys.list(), [{ label: 'uk', usage: 'general', exportable: false }]);
  t.equal(r.router.services.keys.list().length, 1);
  t.equal(keyFiles(r).size, 1, 'the usage-key files are gone');
});

t.test('an interactive session asks before replacing keys', async (t) => {
  const r = await freshRouter(t);
  const s = r.session({ interactive: true });
  t.teardown(() => s.close());
  for (const line of ['configure terminal', 'crypto key generate rsa general-keys label q modulus 512']) t.ok((await s.execute(line)).ok, line);
  const first = r.router.services.keys.get('q')?.publicKeyDer.toString('hex');
  t.ok((await s.execute('crypto key generate rsa general-keys label q modulus 512')).ok);
  t.equal(s.prompt(), '% You already have keys defined named q.\n% Do you really want to replace them? [yes/no]: ');
  const no = await s.execute('no');
  t.ok(no.ok);
  t.match(no.output, /Key generation aborted; the existing keys are kept/);
  t.equal(r.router.services.keys.get('q')?.publicKeyDer.toString('hex'), first, 'kept');
  t.equal(s.prompt(), 'Router(config)#');
  t.ok((await s.execute('crypto key generate rsa general-keys label q modulus 512')).ok);
  const yes = await s.execute('yes');
  t.ok(yes.ok);
  t.match(yes.output, OK_LINE);
  t.not(r.router.services.keys.get('q')?.publicKeyDer.toString('hex'), first, 'replaced');
});

t.test('crypto key generate ec keysize 256|384 [label L]', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  const res = await c.exec('crypto key generate ec keysize 256 label Router_1_Key');
  t.ok(res.ok, res.output);
  t.equal(res.seen.replace(/\[OK\].*\n$/, ''), 'The name for the keys will be: Router_1_Key\n% Generating 256 bit EC keys...\n');
  await c.ok(t, 'ip domain name example.com', 'crypto key generate ec keysizes 384');
  t.match(r.router.services.keys.list(), [
    { label: 'Router.example.com', algorithm: 'ec', bits: 384, usage: 'general' },
    { label: 'Router_1_Key', algorithm: 'ec', bits: 256, usage: 'general' },
  ]);
  for (const bad of ['keysize 521', 'keysize 128', 'keysize', 'keysize 256 label']) {
    await c.rejects(t, `crypto key generate ec ${bad}`, /Invalid input|Incomplete command/);
  }
  for (const mode of keyFiles(r).values()) t.equal(mode, 0o600);
  const ec = await show(t, r, 'show crypto key mypubkey ec');
  t.match(ec, /Key name: Router_1_Key\nKey type: EC KEYS 256 bits\n/);
  t.match(ec, /Key name: Router\.example\.com\nKey type: EC KEYS 384 bits\n/);
  checkNoPrivate(t, r, ec, 'show crypto key mypubkey ec');
  t.equal(await show(t, r, 'show crypto key mypubkey rsa'), '', 'EC keys are not listed as RSA keys');
  checkNoPrivate(t, r, await runningConfig(t, r), 'running-config');
});

t.test('show crypto key mypubkey rsa: public halves, exactly', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  await c.ok(t, 'crypto key generate rsa general-keys label a exportable modulus 512', 'crypto key generate rsa general-keys label b modulus 1024');
  const out = await show(t, r, 'show crypto key mypubkey rsa');
  const blocks = out.split(/(?=% Key pair was generated at: )/);
  t.equal(blocks.length, 2);
  for (const [i, label] of ['a', 'b'].entries()) {
    const info = r.router.services.keys.get(label);
    if (!info) throw new Error('missing key');
    const hex = info.publicKeyDer.toString('hex').toUpperCase().match(/.{1,8}/g) as string[];
    const dataLines: string[] = [];
    for (let j = 0; j < hex.length; j += 8) dataLines.push(`  ${hex.slice(j, j + 8).join(' ')}`);
    const stamp = /^% Key pair was generated at: (\d\d:\d\d:\d\d UTC [A-Z][a-z]{2} \d{1,2} \d{4})\n/.exec(blocks[i] as string)?.[1];
    t.ok(stamp, `key ${label}: IOS time stamp`);
    t.equal(blocks[i], [
      `% Key pair was generated at: ${stamp}`,
      `Key name: ${label}`,
      `Key type: RSA KEYS ${info.bits} bits`,
      ' Storage Device: private-config',
      ' Usage: General Purpose Key',
      ` Key is ${label === 'a' ? '' : 'not '}exportable.`,
      ' Key Data:',
      ...dataLines,
      '',
    ].join('\n'), `key ${label}`);
  }
  checkNoPrivate(t, r, out, 'show crypto key mypubkey rsa');
  t.equal(await show(t, r, 'show crypto key mypubkey rsa b'), `${blocks[1]}`, 'one label');
  t.equal(await show(t, r, 'show crypto key mypubkey rsa nope'), '', 'unknown label: nothing');
});

t.test('crypto key zeroize rsa|ec [label]', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  await c.ok(
    t,
    'crypto key generate rsa general-keys label r1 modulus 512',
    'crypto key generate rsa usage-keys label r2 modulus 512',
    'crypto key generate ec keysize 256 label e1',
  );
  t.equal(keyFiles(r).size, 4);
  await c.rejects(t, 'crypto key zeroize rsa nope', 'No RSA keys named nope');
  await c.rejects(t, 'crypto key zeroize rsa e1', 'No RSA keys named e1');
  const [one] = await c.ok(t, 'crypto key zeroize rsa r2');
  t.equal(one?.output, '% 1 RSA key label(s) removed: r2\n');
  t.same(r.router.services.keys.list().map((k) => k.label), ['e1', 'r1']);
  t.equal(keyFiles(r).size, 2, 'both usage-key files deleted');
  await c.ok(t, 'crypto key generate rsa general-keys label r3 modulus 512');
  const [all] = await c.ok(t, 'crypto key zeroize rsa');
  t.equal(all?.output, '% 2 RSA key label(s) removed: r1, r3\n');
  await c.rejects(t, 'crypto key zeroize rsa', 'No RSA keys to remove');
  t.same(r.router.services.keys.list().map((k) => k.label), ['e1']);
  await c.ok(t, 'crypto key zeroize ec');
  t.same(r.router.services.keys.list(), []);
  t.equal(keyFiles(r).size, 0, 'no key file left');
  await c.rejects(t, 'crypto key zeroize ec', 'No EC keys to remove');
  t.equal(await show(t, r, 'show crypto key mypubkey rsa'), '');
});

/** A fresh 512-bit RSA public key as SPKI DER, and its PKCS#1 form. */
async function peerKey(): Promise<{ spki: Buffer; pkcs1: Buffer }> {
  const { publicKey } = await generateRsaKeyPair(512);
  return { spki: publicKey.export({ type: 'spki', format: 'der' }), pkcs1: publicKey.export({ type: 'pkcs1', format: 'der' }) };
}

/** A rejected key-string still ends key data input (IOS), back to the key's mode. */
const KEY_MODE = { prompt: 'Router(config-pubkey-key)#' };

const SEED_KEY_1 = [
  '005C300D 06092A86 4886F70D 01010105',
  '00034B00 30480241 00C5E23B 55D6AB22',
  '04AEF1BA A54028A6 9ACC01C5 129D99E4',
  '64CAB820 847EDAD9 DF0B4E4C 73A05DD2',
  'BD62A8A9 FA603DD2 E2A8A6F8 98F76E28',
  'D58AD221 B583D7A4 71020301 0001',
];
const SEED_KEY_2 = [
  '00302017 4A7D385B 1234EF29 335FC973',
  '2DD50A37 C4F4B0FD 9DADE748 429618D5',
  '18242BA3 2EDFBDD3 4296142A DDF7D3D8',
  '08407685 2F2190A0 0B43F1BD 9A8A26DB',
  '07953829 791FCDE9 A98420F0 6A82045B',
  '90288A26 DBC64468 7789F76E EE21',
];
const SEED_KEY_3 = [
  '0738BC7A 2BC3E9F0 679B00FE 53987BCC',
  '01030201 42DD06AF E228D24C 458AD228',
  '58BB5DDD F4836401 2A2D7163 219F882E',
  '64CE69D4 B583748A 241BED0F 6E7F2F16',
  '0DE0986E DF02031F 4B0B0912 F68200C4',
  'C625C389 0BFF3321 A2598935 C1B1',
];

t.test('pubkey chain: named-key with address and a valid key-string, modes and prompts', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  const { spki } = await peerKey();
  await c.ok(t, 'crypto key pubkey-chain rsa');
  t.equal(c.prompt(), 'Router(config-pubkey-chain)#');
  await c.ok(t, 'named-key OtherPeer.example.com');
  t.equal(c.prompt(), 'Router(config-pubkey-key)#');
  await c.ok(t, 'address 10.5.5.1');
  const [ks] = await c.ok(t, 'key-string');
  t.equal(ks?.output, 'Enter a public key as a hexidecimal number ....\n');
  t.equal(c.prompt(), 'Router(config-pubkey)#');
  const before = JSON.stringify(r.router.config);
  await c.ok(t, ...hexLines(spki));
  t.equal(JSON.stringify(r.router.config), before, 'nothing stored before quit');
  await c.ok(t, 'quit');
  t.equal(c.prompt(), 'Router(config-pubkey-key)#');
  await c.ok(t, 'exit');
  t.equal(c.prompt(), 'Router(config-pubkey-chain)#');
  await c.ok(t, 'exit');
  t.equal(c.prompt(), 'Router(config)#');
  t.strictSame(r.router.config.pubkeyChain, [
    { kind: 'named', id: 'otherpeer.example.com', usage: 'general', address: '10.5.5.1', keyHex: spki.toString('hex').toUpperCase() },
  ]);
  await roundTrip(t, r);
});

t.test('pubkey chain: addressed keys, usages, PKCS#1 input, several keys round-trip', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  const k1 = await peerKey();
  const k2 = await peerKey();
  const k3 = await peerKey();
  await c.ok(
    t,
    'crypto key pubkey-chain rsa',
    'named-key otherpeer.example.com', 'address 10.5.5.1', 'key-string', ...hexLines(k1.spki, 8), 'quit', 'exit',
    'addressed-key 10.1.1.2 encryption', 'key-string', ...hexLines(k2.pkcs1, 3), 'quit', 'exit',
    // No exit after quit: the next key command is read in the chain (IOS parent-mode fallback).
    'addressed-key 10.1.1.2 signature', 'key-string', k3.spki.toString('hex'), 'quit',
    'named-key nokey.example.com signature',
    'addressed-key 10.1.1.3',
  );
  t.strictSame(r.router.config.pubkeyChain, [
    { kind: 'named', id: 'otherpeer.example.com', usage: 'general', address: '10.5.5.1', keyHex: k1.spki.toString('hex').toUpperCase() },
    { kind: 'addressed', id: '10.1.1.2', usage: 'encryption', keyHex: k2.spki.toString('hex').toUpperCase() },
    { kind: 'addressed', id: '10.1.1.2', usage: 'signature', keyHex: k3.spki.toString('hex').toUpperCase() },
    { kind: 'named', id: 'nokey.example.com', usage: 'signature' },
    { kind: 'addressed', id: '10.1.1.3', usage: 'general' },
  ], 'PKCS#1 input kept as SubjectPublicKeyInfo');
  const text = await runningConfig(t, r);
  const fmt = (der: Buffer): string[] => (der.toString('hex').toUpperCase().match(/.{1,8}/g) as string[])
    .reduce<string[][]>((acc, w, i) => (i % 8 ? (acc[acc.length - 1] as string[]).push(w) : acc.push([w]), acc), [])
    .map((ws) => `   ${ws.join(' ')}`);
  t.match(text, [
    'crypto key pubkey-chain rsa',
    ' named-key otherpeer.example.com',
    '  address 10.5.5.1',
    '  key-string',
    ...fmt(k1.spki),
    '  quit',
    ' addressed-key 10.1.1.2 encryption',
    '  key-string',
    ...fmt(k2.spki),
    '  quit',
    ' addressed-key 10.1.1.2 signature',
    '  key-string',
    ...fmt(k3.spki),
    '  quit',
    ' named-key nokey.example.com signature',
    ' addressed-key 10.1.1.3',
    '!',
  ].join('\n'));
  await roundTrip(t, r);

  t.equal(await show(t, r, 'show crypto key pubkey-chain rsa'), [
    'Codes: M - Manually configured, C - Extracted from certificate',
    '',
    'Code Usage        IP-Address/VRF   Keyring          Name',
    'M    General      10.5.5.1         default          otherpeer.example.com',
    'M    Encryption   10.1.1.2         default',
    'M    Signature    10.1.1.2         default',
    'M    Signature                     default          nokey.example.com',
    'M    General      10.1.1.3         default',
    '',
  ].join('\n'));
  const detail = (lines: string[]): string => `${lines.join('\n')}\n`;
  t.equal(await show(t, r, 'show crypto key pubkey-chain rsa name OTHERPEER.example.com'), detail([
    'Key name: otherpeer.example.com',
    'Key address: 10.5.5.1',
    ' Usage: General Purpose Key',
    ' Source: Manually entered',
    ' Data:',
    ...fmt(k1.spki).map((l) => l.slice(1)),
  ]));
  t.equal(await show(t, r, 'show crypto key pubkey-chain rsa address 10.1.1.2'), detail([
    'Key address: 10.1.1.2',
    ' Usage: Encryption Key',
    ' Source: Manually entered',
    ' Data:',
    ...fmt(k2.spki).map((l) => l.slice(1)),
    'Key address: 10.1.1.2',
    ' Usage: Signature Key',
    ' Source: Manually entered',
    ' Data:',
    ...fmt(k3.spki).map((l) => l.slice(1)),
  ]));
  t.match(await show(t, r, 'show crypto key pubkey-chain rsa address 10.5.5.1'), /^Key name: otherpeer\.example\.com\nKey address: 10\.5\.5\.1\n/, 'a named key found by its address');
  t.match(await show(t, r, 'show crypto key pubkey-chain rsa name nokey.example.com'), / Data:\n  \(no key-string entered\)\n$/);
  for (const cmd of ['show crypto key pubkey-chain rsa name unknown.example.com', 'show crypto key pubkey-chain rsa address 10.9.9.9']) {
    const res = await r.run(cmd);
    t.notOk(res.ok, cmd);
    t.match(res.output, /^% No public key for (unknown\.example\.com|10\.9\.9\.9)/m);
  }
});

t.test("the seed's example key-strings are rejected (corrupt DER); the flow continues", async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  await c.ok(t, 'crypto key pubkey-chain rsa', '  named-key otherpeer.example.com', '  address 10.5.5.1', '  key-string', ...SEED_KEY_1);
  const bad1 = await c.rejects(t, 'quit', 'Invalid key-string', KEY_MODE);
  t.notOk(bad1.ok);
  await c.ok(t, 'exit', 'addressed-key 10.1.1.2 encryption', 'key-string', ...SEED_KEY_2);
  await c.rejects(t, 'quit', 'Invalid key-string', KEY_MODE);
  await c.ok(t, 'exit', 'addressed-key 10.1.1.2 signature', 'key-string', ...SEED_KEY_3);
  await c.rejects(t, 'quit', 'Invalid key-string', KEY_MODE);
  await c.ok(t, 'exit', 'exit');
  t.equal(c.prompt(), 'Router(config)#');
  t.strictSame(r.router.config.pubkeyChain, [
    { kind: 'named', id: 'otherpeer.example.com', usage: 'general', address: '10.5.5.1' },
    { kind: 'addressed', id: '10.1.1.2', usage: 'encryption' },
    { kind: 'addressed', id: '10.1.1.2', usage: 'signature' },
  ], 'the keys exist, without key data');
  await roundTrip(t, r);
});

t.test('a rejected key-string keeps the previous key and ends key-string input', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  const good = await peerKey();
  const other = await peerKey();
  await c.ok(t, 'crypto key pubkey-chain rsa', 'addressed-key 10.0.0.1', 'key-string', ...hexLines(good.spki), 'quit');
  const stored = (): string | undefined => r.router.config.pubkeyChain[0]?.keyHex;
  t.equal(stored(), good.spki.toString('hex').toUpperCase());
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'der' });
  const priv = generateKeyPairSync('rsa', { modulusLength: 512 }).privateKey.export({ type: 'pkcs1', format: 'der' });
  const spkiHex = good.spki.toString('hex');
  const cases: Array<[string, string[], string]> = [
    ['the seed key', SEED_KEY_1, 'Invalid key-string: not a DER-encoded RSA public key'],
    ['no data', [], 'Invalid key-string: no key data'],
    ['odd digits', [spkiHex.slice(0, -1)], 'Invalid key-string: odd number of hex digits'],
    ['truncated', [spkiHex.slice(0, -4)], 'Invalid key-string: key data is truncated'],
    ['trailing bytes', [`${spkiHex}00`], 'Invalid key-string: 1 bytes of trailing data after the key'],
    ['an EC key', hexLines(ec), 'Invalid key-string: not an RSA key (ec)'],
    ['a private key', hexLines(priv), 'Invalid key-string: not a DER-encoded RSA public key'],
  ];
  for (const [what, lines, msg] of cases) {
    await c.ok(t, 'key-string', ...lines);
    const res = await c.rejects(t, 'quit', msg, KEY_MODE);
    t.equal(c.prompt(), 'Router(config-pubkey-key)#', `${what}: back in the key's mode`);
    t.notOk(res.ok);
    t.equal(stored(), good.spki.toString('hex').toUpperCase(), `${what}: the previous key stays`);
  }
  // Lines that are not hex are refused one by one; input goes on.
  await c.ok(t, 'key-string', ...hexLines(other.spki).slice(0, 2));
  await c.rejects(t, 'exit', 'Invalid key-string line "exit": hex digits expected (end with "quit")');
  await c.rejects(t, 'XYZ 1234', 'Invalid key-string line');
  t.equal(c.prompt(), 'Router(config-pubkey)#', 'still reading key data');
  await c.ok(t, '', '! a comment', ...hexLines(other.spki).slice(2), 'QUIT');
  t.equal(stored(), other.spki.toString('hex').toUpperCase(), 'the new key replaced the old one');
  await c.ok(t, 'no key-string');
  t.equal(stored(), undefined, 'no key-string removes the data');
});

t.test('pubkey chain: no forms and bad input', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  await c.ok(
    t,
    'crypto key pubkey-chain rsa',
    'named-key a.example.com', 'address 10.0.0.1', 'exit',
    'named-key a.example.com encryption', 'exit',
    'addressed-key 10.0.0.2 signature', 'exit',
  );
  await c.rejects(t, 'named-key bad_name', 'Invalid key name "bad_name"');
  await c.rejects(t, 'addressed-key 10.0.0.300', 'Invalid input');
  await c.rejects(t, 'addressed-key 10.0.0.2 both', 'Invalid input');
  await c.rejects(t, 'named-key', 'Incomplete command');
  await c.rejects(t, 'no named-key a.example.com signature', 'No signature public key for a.example.com');
  await c.rejects(t, 'no addressed-key 10.0.0.2', 'No general public key for 10.0.0.2');
  await c.ok(t, 'named-key A.example.com');
  await c.rejects(t, 'address 10.0.0.256', 'Invalid input');
  await c.rejects(t, 'address', 'Incomplete command');
  await c.ok(t, 'no address');
  t.equal(r.router.config.pubkeyChain[0]?.address, undefined);
  await c.ok(t, 'exit', 'no named-key a.example.com encryption', 'no addressed-key 10.0.0.2 signature');
  t.strictSame(r.router.config.pubkeyChain, [{ kind: 'named', id: 'a.example.com', usage: 'general' }]);
  await c.ok(t, 'no named-key A.EXAMPLE.COM');
  t.strictSame(r.router.config.pubkeyChain, []);
  t.notMatch(await runningConfig(t, r), /pubkey-chain/, 'an empty chain is not written');
});

t.test('key material of the router never reaches running-config, even with a full configuration', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  const k = await peerKey();
  await c.ok(
    t,
    'ip domain name example.com',
    'crypto key generate rsa usage-keys modulus 512',
    'crypto key generate ec keysize 256 label ec1',
    'crypto key pubkey-chain rsa', 'addressed-key 10.0.0.9', 'key-string', ...hexLines(k.spki), 'quit', 'exit', 'exit',
    'crypto isakmp policy 1', 'authentication rsa-encr',
  );
  const text = await runningConfig(t, r);
  checkNoPrivate(t, r, text, 'running-config');
  for (const info of r.router.services.keys.list()) {
    t.notOk(text.replace(/\s+/g, '').includes(info.publicKeyDer.toString('hex').toUpperCase()), `own public key ${info.label}/${info.usage} is not in running-config either`);
  }
  t.ok(configLines(text).includes(' addressed-key 10.0.0.9'), 'the peer key is');
  await roundTrip(t, r);
});

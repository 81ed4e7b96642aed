/**
 * Secrets never reach the logs, even at trace level: pre-shared keys, enable secrets (typed,
 * answered at the Password: prompt, loaded from startup-config, in rejected boot lines) and
 * the private halves of generated key pairs.
 * Spawns dist/: `npm run build:ts && npx tap test/daemon-secrets.test.ts`.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import t, { type Test } from 'tap';
import { redactConfigLine } from '../src/config/redact';
import { jsonLines, missingBuild, noteStaleBuild, runPipe, workspace } from './fixtures/daemon-harness';

const SECRETS = {
  enable: 'Ena-Secret-1',
  pskAddress: 'Psk-Addr-1x',
  pskHostname: 'Psk-Host-2x',
  pskAbbreviated: 'Psk-Abbr-3x',
  pskMask: 'Psk-Mask-4x',
  pskRejected: 'Psk-Bad-5x',
  pskRemoved: 'Psk-Gone-6x',
  bootBad: 'Psk-Boot-7x',
  bootBadAbbreviated: 'Psk-Boot-8x',
  bootLongEnable: 'Enable-Secret-Far-Too-Long-9',
};

const CONFIGURE = [
  'enable',
  'configure terminal',
  `enable secret ${SECRETS.enable}`,
  'ip domain name example.com',
  `crypto isakmp key ${SECRETS.pskAddress} address 192.0.2.1`,
  `crypto isakmp key ${SECRETS.pskHostname} hostname peer.example.com`,
  `cry isa key ${SECRETS.pskAbbreviated} add 192.0.2.3 255.255.255.255`,
  `crypto isakmp key ${SECRETS.pskMask} address 0.0.0.0 0.0.0.0`,
  `crypto isakmp key ${SECRETS.pskRejected} address 192.0.2.300`,
  `crypto isakmp key ${SECRETS.pskRemoved} address 192.0.2.6`,
  `no crypto isakmp key ${SECRETS.pskRemoved} address 192.0.2.6`,
  'crypto key generate rsa general-keys label RSA-K modulus 1024',
  'crypto key generate ec keysize 256 label EC-K',
  'end',
  'write memory',
  'disable',
  'enable',
  SECRETS.enable,
  'show crypto key mypubkey rsa',
];

/** Every run's log text must be free of these. */
function assertClean(t: Test, where: string, text: string, privateParts: string[]): void {
  for (const [name, value] of Object.entries(SECRETS)) {
    t.notMatch(text, value, `${where}: no ${name}`);
  }
  t.notMatch(text, /PRIVATE KEY/, `${where}: no PEM private key`);
  for (const part of privateParts) {
    if (text.includes(part)) t.fail(`${where}: contains private key material ${part.slice(0, 12)}...`);
  }
}

/** 32-character slices of the base64 bodies of the private keys in the key store. */
function privateKeyParts(configDir: string): string[] {
  const dir = path.join(configDir, 'keys');
  const parts: string[] = [];
  for (const name of readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    const pem = (JSON.parse(readFileSync(path.join(dir, name), 'utf8')) as { privateKeyPem: string }).privateKeyPem;
    const body = pem.split('\n').filter((l) => l !== '' && !l.startsWith('-----')).join('');
    for (let i = 0; i + 32 <= body.length; i += 32) parts.push(body.slice(i, i + 32));
  }
  return parts;
}

const skip = missingBuild();
if (skip) t.fail(skip);
else {
  noteStaleBuild(t);

  t.test('trace-level logs (file and stderr) hold no pre-shared key, enable secret or private key', async (t) => {
    const w = workspace(t);
    const first = await runPipe(t, { dir: w.dir, logLevel: 'trace' }, `${CONFIGURE.join('\n')}\n`);
    t.equal(first.code, 0);
    t.match(first.stdout, 'Router>enable\nPassword: \nRouter#show crypto key mypubkey rsa\n', 'the answer to Password: is accepted and not echoed');
    const parts = privateKeyParts(w.dir);
    t.ok(parts.length > 10, 'two key pairs in the key store');
    const log1 = readFileSync(w.log, 'utf8');
    t.ok(jsonLines(log1).some((r) => r.command === `crypto isakmp key <redacted> address 192.0.2.1`), 'key commands are logged, redacted');
    t.ok(jsonLines(log1).some((r) => r.command === 'cry isa key <redacted> add 192.0.2.3 255.255.255.255'), 'abbreviated too');
    t.ok(jsonLines(log1).some((r) => r.command === 'enable secret <redacted>'));
    assertClean(t, 'log of the configuring run', log1, parts);
    assertClean(t, 'stderr of the configuring run', first.stderr, parts);

    // Boot on the saved config, plus lines (before its "end") that fail at boot and carry secrets.
    const startup = path.join(w.dir, 'startup-config');
    const saved = readFileSync(startup, 'utf8');
    writeFileSync(startup, saved.replace(/^end\n$/m, [
      `crypto isakmp key ${SECRETS.bootBad} address 300.0.0.1`,
      `cry isa key ${SECRETS.bootBadAbbreviated} addr 300.0.0.2`,
      `enable secret 0 ${SECRETS.bootLongEnable}`,
      'end',
      '',
    ].join('\n')));
    const second = await runPipe(t, { dir: w.dir, logLevel: 'trace', logFile: null }, `enable\n${SECRETS.enable}\nshow running-config\n`);
    t.equal(second.code, 0);
    const reported = second.stdout.split('\n').filter((l) => l.startsWith('% startup-config line'));
    t.equal(reported.length, 3, 'the three bad lines are reported');
    assertClean(t, 'stderr log of the boot run', second.stderr, parts);
    const bootReport = reported.join('\n');
    for (const s of [SECRETS.bootBad, SECRETS.bootBadAbbreviated, SECRETS.bootLongEnable]) {
      t.notMatch(bootReport, s, 'the console report of a rejected boot line hides its secret');
    }
    t.ok(jsonLines(second.stderr).some((r) => r.msg === 'startup-config line rejected'), 'rejected lines are logged');
    t.match(second.stdout, `crypto isakmp key ${SECRETS.pskAddress} address 192.0.2.1`, 'show running-config shows keys, as IOS does');
    t.notMatch(second.stdout, SECRETS.enable, 'the enable secret is stored hashed');
  });

  t.test('the startup-config and key files are private', async (t) => {
    const w = workspace(t);
    const r = await runPipe(t, { dir: w.dir }, 'enable\nconf t\nip domain name example.com\ncrypto key generate ec keysize 256\nend\nwrite memory\n');
    t.equal(r.code, 0);
    t.equal(statSync(path.join(w.dir, 'startup-config')).mode & 0o777, 0o600);
    t.equal(statSync(path.join(w.dir, 'keys')).mode & 0o777, 0o700);
    for (const name of readdirSync(path.join(w.dir, 'keys'))) {
      t.equal(statSync(path.join(w.dir, 'keys', name)).mode & 0o777, 0o600, `keys/${name} is 0600`);
    }
    t.notMatch(readFileSync(path.join(w.dir, 'startup-config'), 'utf8'), /PRIVATE KEY/, 'no private key in startup-config');
  });

  t.test('redactConfigLine: full and abbreviated secret-bearing lines', async (t) => {
    const cases: Array<[string, string]> = [
      ['crypto isakmp key S1 address 1.2.3.4', 'crypto isakmp key <redacted> address 1.2.3.4'],
      ['  cry isa key S2 addr 300.0.0.2', 'cry isa key <redacted> addr 300.0.0.2'],
      ['c i k S3 h peer', 'c i k <redacted> h peer'],
      ['no crypto isakmp key S4 address 1.2.3.4', 'no crypto isakmp key <redacted> address 1.2.3.4'],
      ['no cry isak ke S5 hostname x', 'no cry isak ke <redacted> hostname x'],
      ['enable secret S6', 'enable secret <redacted>'],
      ['ena sec 0 S7', 'ena sec 0 <redacted>'],
      ['enable secret 9 $9$abc$def', 'enable secret 9 <redacted>'],
      ['en secr 0', 'en secr <redacted>'],
      ['crypto isakmp policy 10', 'crypto isakmp policy 10'],
      ['crypto ipsec transform-set T esp-aes', 'crypto ipsec transform-set T esp-aes'],
      ['hostname R1', 'hostname R1'],
    ];
    for (const [line, want] of cases) t.equal(redactConfigLine(line), want, line);
  });
}

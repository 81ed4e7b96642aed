import t from 'tap';
import { generateRsaKeyPair } from '../src/keys/rsa-keygen';
import { loadConfigText } from '../src/cli/config-loader';
import { TABLE, testRouter } from './helpers/router';
import { drive, driveOk } from './helpers/transcript';

async function spkiHex(bits = 512): Promise<string> {
  const { publicKey } = await generateRsaKeyPair(bits);
  return (publicKey.export({ type: 'spki', format: 'der' }) as Buffer).toString('hex').toUpperCase();
}

/** IOS-style lines: 8-digit words, 4 words a line. */
function hexLines(hex: string): string[] {
  const words = hex.match(/.{1,8}/g) ?? [];
  const lines: string[] = [];
  for (let i = 0; i < words.length; i += 4) lines.push(words.slice(i, i + 4).join(' '));
  return lines;
}

const INTO_KEY = ['configure terminal', 'crypto key pubkey-chain rsa', 'named-key peer.example'];

t.test('hex lines then quit store the key', async (t) => {
  const hex = await spkiHex();
  const r = await testRouter();
  const s = r.session();
  await driveOk(s, ...INTO_KEY);
  const [ks] = await drive(s, 'key-string');
  t.equal(ks?.output, 'Enter a public key as a hexidecimal number ....\n');
  t.equal(ks?.after, 'Router(config-pubkey)#');
  const lines = hexLines(hex);
  const steps = await drive(s, ...lines.slice(0, 2), '', '! a comment', ...lines.slice(2));
  t.ok(steps.every((x) => x.ok && x.output === '' && x.after === 'Router(config-pubkey)#'), 'each hex line is taken silently');
  t.equal(r.router.config.pubkeyChain[0]?.keyHex, undefined, 'nothing stored before quit');
  const [quit] = await drive(s, 'quit');
  t.same([quit?.ok, quit?.output, quit?.after], [true, '', 'Router(config-pubkey-key)#']);
  const key = r.router.config.pubkeyChain.find((k) => k.id === 'peer.example');
  t.equal(key?.keyHex, hex);

  // Shown and saved like IOS, and the saved form loads back to the same key.
  const [show] = await drive(s, 'do show crypto key pubkey-chain rsa name peer.example');
  t.match(show?.output, hex.slice(0, 8));
  const [run] = await drive(s, 'do show running-config');
  t.match(run?.output, /\n {2}key-string\n( {3}[0-9A-F ]+\n)+ {2}quit\n/);
  const r2 = await testRouter();
  const problems = await loadConfigText(r2.router, TABLE, (run?.output as string).split('\n').slice(3).join('\n'));
  t.same(problems, []);
  t.equal(r2.router.config.pubkeyChain.find((k) => k.id === 'peer.example')?.keyHex, hex);
});

t.test('lower case, one long line, odd spacing, QUIT in capitals', async (t) => {
  const hex = await spkiHex();
  const r = await testRouter();
  const s = r.session();
  await driveOk(s, ...INTO_KEY, 'key-string', `   ${hex.toLowerCase()}   `, '  QUIT ');
  t.equal(r.router.config.pubkeyChain[0]?.keyHex, hex);
  t.equal(s.prompt(), 'Router(config-pubkey-key)#');
});

t.test('a non-hex line is rejected; the key-string goes on', async (t) => {
  const hex = await spkiHex();
  const r = await testRouter();
  const s = r.session();
  await driveOk(s, ...INTO_KEY, 'key-string');
  const lines = hexLines(hex);
  await driveOk(s, lines[0] as string);
  for (const bad of ['exit', 'end', '30820122 xyz', 'show running-config', 'do show running-config', '0x30']) {
    const [st] = await drive(s, bad);
    t.equal(st?.ok, false, bad);
    t.equal(st?.output, `% Invalid key-string line "${bad}": hex digits expected (end with "quit")\n`, bad);
    t.equal(st?.after, 'Router(config-pubkey)#', `${bad}: still in key-string mode`);
  }
  await driveOk(s, ...lines.slice(1), 'quit');
  t.equal(r.router.config.pubkeyChain[0]?.keyHex, hex, 'the rejected lines left no trace');
});

t.test('an invalid key at quit: message, leaves config-pubkey, old key kept', async (t) => {
  const oldHex = await spkiHex();
  const newHex = await spkiHex();
  const r = await testRouter();
  const s = r.session();
  await driveOk(s, ...INTO_KEY, 'key-string', oldHex, 'quit');
  const cases: Array<[string[], RegExp]> = [
    [[], /^% Invalid key-string: no key data\n$/],
    [[newHex.slice(0, -2)], /^% Invalid key-string: key data is truncated\n$/],
    [[`${newHex}00`], /^% Invalid key-string: 1 bytes of trailing data after the key\n$/],
    [[newHex.slice(0, -1)], /^% Invalid key-string: odd number of hex digits\n$/],
    [['3003020100'], /^% Invalid key-string: not a DER-encoded RSA public key\n$/],
    [['DEADBEEF'], /^% Invalid key-string/],
  ];
  for (const [body, message] of cases) {
    await driveOk(s, 'key-string', ...body);
    const before = JSON.stringify(r.router.config);
    const [quit] = await drive(s, 'quit');
    t.equal(quit?.ok, false, body.join().slice(0, 20));
    t.match(quit?.output, message);
    t.equal(quit?.after, 'Router(config-pubkey-key)#', 'key-string mode is left anyway');
    t.equal(JSON.stringify(r.router.config), before, 'configuration unchanged');
    t.equal(r.router.config.pubkeyChain[0]?.keyHex, oldHex, 'old key kept');
  }
  // A valid key replaces the old one.
  await driveOk(s, 'key-string', ...hexLines(newHex), 'quit');
  t.equal(r.router.config.pubkeyChain[0]?.keyHex, newHex);
  // A private key pasted by mistake is refused, never stored.
  const { privateKey } = await generateRsaKeyPair(512);
  const pkcs8 = (privateKey.export({ type: 'pkcs8', format: 'der' }) as Buffer).toString('hex');
  await driveOk(s, 'key-string', ...hexLines(pkcs8));
  const [quit] = await drive(s, 'quit');
  t.equal(quit?.ok, false);
  t.match(quit?.output, /^% Invalid key-string/);
  t.equal(r.router.config.pubkeyChain[0]?.keyHex, newHex);
});

t.test('addressed and usage keys; no key-string', async (t) => {
  const hex = await spkiHex();
  const r = await testRouter();
  const s = r.session();
  await driveOk(s, 'configure terminal', 'crypto key pubkey-chain rsa', 'addressed-key 192.0.2.5 encryption', 'key-string', hex, 'quit');
  const key = r.router.config.pubkeyChain.find((k) => k.id === '192.0.2.5');
  t.equal(key?.kind, 'addressed');
  t.equal(key?.usage, 'encryption');
  t.equal(key?.keyHex, hex);
  await driveOk(s, 'no key-string');
  t.equal(r.router.config.pubkeyChain.find((k) => k.id === '192.0.2.5')?.keyHex, undefined);
});

import t from 'tap';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { inspect } from 'node:util';
import { Writable } from 'node:stream';
import { createPublicKey, generateKeyPairSync, KeyObject, sign, verify } from 'node:crypto';
import pino from 'pino';
import { KeyStore, KeyUsage, MAX_LABEL_BYTES, NewKeyPair } from '../src/keys/key-store';
import { generateRsaKeyPair } from '../src/keys/rsa-keygen';
import { generateEcKeyPair } from '../src/keys/ec-keygen';

const fileName = (label: string, usage: KeyUsage) => `${Buffer.from(label).toString('hex')}.${usage}.json`;
const mode = async (file: string) => (await fs.stat(file)).mode & 0o777;
const rsa = async (bits = 360) => (await generateRsaKeyPair(bits)).privateKey;
const pair = (label: string, usage: KeyUsage, privateKey: KeyObject, extra: Partial<NewKeyPair> = {}): NewKeyPair => ({
  label, usage, privateKey, exportable: false, ...extra,
});

t.test('open creates a private directory and starts empty', async (t) => {
  const dir = path.join(t.testdir(), 'config', 'keys');
  const store = await KeyStore.open(dir);
  t.equal(await mode(dir), 0o700);
  t.same(store.list(), []);
  t.same(store.problems(), []);
  t.equal(store.get('x'), undefined);
  t.equal(store.privateKey('x', 'general'), undefined);
});

t.test('an existing directory that is too open is tightened to 0700', async (t) => {
  const dir = t.testdir();
  await fs.chmod(dir, 0o755);
  await KeyStore.open(dir);
  t.equal(await mode(dir), 0o700);
});

t.test('pairs survive a re-open with metadata, public key and private key', async (t) => {
  const dir = t.testdir();
  const rsaKey = await rsa(512);
  const ecKey = (await generateEcKeyPair(384)).privateKey;
  const createdAt = new Date('2024-03-01T10:16:05.000Z');
  const store = await KeyStore.open(dir);
  const stored = await store.put([pair('router.example.com', 'general', rsaKey, { exportable: true, createdAt })]);
  await store.put([pair('Router_1_Key', 'general', ecKey, { createdAt })]);
  t.equal(stored.length, 1);
  t.equal(stored[0]!.bits, 512);

  const reopened = await KeyStore.open(dir);
  t.same(reopened.problems(), []);
  const list = reopened.list();
  t.same(list.map((i) => [i.label, i.algorithm, i.usage, i.exportable, i.bits]), [
    ['Router_1_Key', 'ec', 'general', false, 384],
    ['router.example.com', 'rsa', 'general', true, 512],
  ]);
  t.same(Object.keys(list[0]!).sort(), ['algorithm', 'bits', 'createdAt', 'exportable', 'label', 'publicKeyDer', 'usage']);
  t.equal(list[1]!.createdAt.toISOString(), createdAt.toISOString());
  t.same(list[1]!.publicKeyDer, createPublicKey(rsaKey).export({ type: 'spki', format: 'der' }));

  const key = reopened.privateKey('router.example.com', 'general');
  t.ok(key?.equals(rsaKey), 'the same private key comes back');
  const sig = sign('sha256', Buffer.from('data'), key!);
  t.ok(verify('sha256', Buffer.from('data'), createPublicKey({ key: list[1]!.publicKeyDer, format: 'der', type: 'spki' }), sig));
  t.ok(reopened.privateKey('Router_1_Key', 'general')?.equals(ecKey));
  t.equal(reopened.privateKey('router.example.com', 'signature'), undefined);
});

t.test('key files are 0600 and named by hex label and usage', async (t) => {
  const dir = t.testdir();
  const store = await KeyStore.open(dir);
  const labels = ['a.b.c', '../etc/passwd', '..', 'ÄÖ', 'CASE', 'case', 'x'.repeat(MAX_LABEL_BYTES)];
  for (const label of labels) await store.put([pair(label, 'general', await rsa())]);
  const names = (await fs.readdir(dir)).sort();
  t.same(names, labels.map((l) => fileName(l, 'general')).sort());
  for (const name of names) t.equal(await mode(path.join(dir, name)), 0o600, name);
  const reopened = await KeyStore.open(dir);
  t.same(reopened.list().map((i) => i.label).sort(), [...labels].sort());
});

t.test('a corrupt file is reported and the others still load', async (t) => {
  const dir = t.testdir();
  const store = await KeyStore.open(dir);
  await store.put([pair('good', 'general', await rsa())]);
  await store.put([pair('moved', 'general', await rsa())]);
  await store.put([pair('tampered', 'general', await rsa())]);
  const validText = await fs.readFile(path.join(dir, fileName('good', 'general')), 'utf8');
  const valid = JSON.parse(validText) as Record<string, unknown>;
  const broken: [string, string, RegExp][] = [
    [fileName('garbage', 'general'), '{not json', /not valid JSON/],
    [fileName('array', 'general'), '[]', /not an ikegate key file/],
    [fileName('nopem', 'signature'), JSON.stringify({ ...valid, label: 'nopem', usage: 'signature', privateKeyPem: 'xx' }), /private key unreadable/],
    [fileName('nodate', 'general'), JSON.stringify({ ...valid, label: 'nodate', createdAt: 'yesterday' }), /creation time/],
    [fileName('noflag', 'general'), JSON.stringify({ ...valid, label: 'noflag', exportable: 'yes' }), /exportable/],
    [fileName('nokey', 'general'), JSON.stringify({ ...valid, label: 'nokey', privateKeyPem: undefined }), /private key missing/],
    [fileName('usage', 'encryption'), JSON.stringify({ ...valid, label: 'usage' }), /usage does not match/],
    [fileName('size', 'general'), JSON.stringify({ ...valid, label: 'size', bits: 2048 }), /size does not match/],
  ];
  for (const [name, text] of broken) await fs.writeFile(path.join(dir, name), text, { mode: 0o600 });
  await fs.rename(path.join(dir, fileName('moved', 'general')), path.join(dir, fileName('elsewhere', 'general')));
  const tampered = path.join(dir, fileName('tampered', 'general'));
  const pem = JSON.parse(await fs.readFile(tampered, 'utf8')) as Record<string, unknown>;
  await fs.writeFile(tampered, JSON.stringify({ ...pem, privateKeyPem: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) }));
  await fs.writeFile(path.join(dir, 'README'), 'not a key file');

  const records: { file: string; reason: string }[] = [];
  const sink = new Writable({ write(chunk, _enc, done) { records.push(JSON.parse(String(chunk))); done(); } });
  const reopened = await KeyStore.open(dir, pino({ level: 'warn' }, sink));
  t.same(reopened.list().map((i) => i.label), ['good']);
  const problems = reopened.problems();
  const expected: [string, RegExp][] = [
    ...broken.map(([name, , why]): [string, RegExp] => [name, why]),
    [fileName('elsewhere', 'general'), /label does not match/],
    [fileName('tampered', 'general'), /must be RSA, or EC/],
  ];
  t.equal(problems.length, expected.length);
  for (const [name, why] of expected) {
    const problem = problems.find((p) => p.file === path.join(dir, name));
    t.match(problem?.reason, why, name);
  }
  t.equal(records.length, expected.length, 'each problem is logged');
  t.ok(records.every((r) => typeof r.file === 'string' && typeof r.reason === 'string'));
  t.notMatch(JSON.stringify(problems), /PRIVATE KEY/);
});

t.test('usage-keys replaced by general-keys removes the stale files, and back', async (t) => {
  const dir = t.testdir();
  const store = await KeyStore.open(dir);
  const [sig, enc, gen] = await Promise.all([rsa(), rsa(), rsa()]);
  await store.put([pair('vpn', 'signature', sig), pair('vpn', 'encryption', enc)]);
  await store.put([pair('other', 'general', await rsa())]);
  t.same((await fs.readdir(dir)).sort(), [fileName('other', 'general'), fileName('vpn', 'encryption'), fileName('vpn', 'signature')].sort());
  t.same(store.list().filter((i) => i.label === 'vpn').map((i) => i.usage), ['signature', 'encryption']);
  t.equal(store.get('vpn')?.usage, 'signature', 'without usage: first in usage order');
  t.equal(store.get('vpn', 'encryption')?.usage, 'encryption');

  await store.put([pair('vpn', 'general', gen)]);
  t.same((await fs.readdir(dir)).sort(), [fileName('other', 'general'), fileName('vpn', 'general')].sort());
  t.same(store.list().filter((i) => i.label === 'vpn').map((i) => i.usage), ['general']);
  t.equal(store.privateKey('vpn', 'signature'), undefined);
  const reopened = await KeyStore.open(dir);
  t.same(reopened.list().map((i) => `${i.label}/${i.usage}`), ['other/general', 'vpn/general']);
  t.ok(reopened.privateKey('vpn', 'general')?.equals(gen));

  await reopened.put([pair('vpn', 'signature', sig), pair('vpn', 'encryption', enc)]);
  t.same((await fs.readdir(dir)).sort(), [fileName('other', 'general'), fileName('vpn', 'encryption'), fileName('vpn', 'signature')].sort());
  t.same((await KeyStore.open(dir)).list().map((i) => `${i.label}/${i.usage}`), ['other/general', 'vpn/signature', 'vpn/encryption']);
});

t.test('a crash between writing new keys and removing old ones resolves to the newer keys', async (t) => {
  const dir = path.join(t.testdir(), 'main');
  const other = path.join(t.testdir(), 'other');
  const store = await KeyStore.open(dir);
  await store.put([
    pair('vpn', 'signature', await rsa(), { createdAt: new Date('2024-01-01') }),
    pair('vpn', 'encryption', await rsa(), { createdAt: new Date('2024-01-01') }),
  ]);
  const newer = await (await KeyStore.open(other)).put([pair('vpn', 'general', await rsa(), { createdAt: new Date('2024-06-01') })]);
  await fs.copyFile(path.join(other, fileName('vpn', 'general')), path.join(dir, fileName('vpn', 'general')));

  const reopened = await KeyStore.open(dir);
  t.same(reopened.list().map((i) => i.usage), ['general']);
  t.same(reopened.get('vpn')?.publicKeyDer, newer[0]!.publicKeyDer);
  t.same(reopened.problems().map((p) => path.basename(p.file)).sort(), [fileName('vpn', 'encryption'), fileName('vpn', 'signature')].sort());
  t.match(reopened.problems()[0]!.reason, /newer keys with other usage/);

  // Older general file beside newer usage keys: the usage keys win.
  await fs.copyFile(path.join(dir, fileName('vpn', 'general')), path.join(other, 'keep'));
  await reopened.put([pair('vpn', 'signature', await rsa()), pair('vpn', 'encryption', await rsa())]);
  await fs.copyFile(path.join(other, 'keep'), path.join(dir, fileName('vpn', 'general')));
  const third = await KeyStore.open(dir);
  t.same(third.list().map((i) => i.usage), ['signature', 'encryption']);
  t.same(third.problems().map((p) => path.basename(p.file)), [fileName('vpn', 'general')]);

  t.equal(await third.remove('vpn'), true);
  t.same(await fs.readdir(dir), [], 'remove deletes ignored files of the label too');
});

t.test('remove deletes every pair of a label', async (t) => {
  const dir = t.testdir();
  const store = await KeyStore.open(dir);
  await store.put([pair('a', 'signature', await rsa()), pair('a', 'encryption', await rsa())]);
  await store.put([pair('b', 'general', await rsa())]);
  t.equal(await store.remove('a'), true);
  t.equal(await store.remove('a'), false);
  t.equal(await store.remove('never'), false);
  t.same(store.list().map((i) => i.label), ['b']);
  t.same(await fs.readdir(dir), [fileName('b', 'general')]);
  t.same((await KeyStore.open(dir)).list().map((i) => i.label), ['b']);
});

t.test('put validates everything before writing anything', async (t) => {
  const dir = t.testdir();
  const store = await KeyStore.open(dir);
  const key = await rsa();
  await t.rejects(store.put([pair('x', 'general', key), pair('x', 'signature', key)]), /cannot have general and usage keys/);
  await t.rejects(store.put([pair('x', 'signature', key), pair('x', 'signature', key)]), /two signature keys/);
  await t.rejects(store.put([pair('', 'general', key)]), RangeError);
  await t.rejects(store.put([pair('ok', 'general', key), pair('x'.repeat(MAX_LABEL_BYTES + 1), 'general', key)]), RangeError);
  await t.rejects(store.put([pair('ok', 'general', createPublicKey(key))]), /needs a private key/);
  const p521 = generateKeyPairSync('ec', { namedCurve: 'secp521r1' }).privateKey;
  await t.rejects(store.put([pair('ok', 'general', p521)]), /must be RSA, or EC on P-256 or P-384/);
  t.same(await fs.readdir(dir), []);
  t.same(store.list(), []);
  t.same(await store.put([]), []);
});

t.test('several labels in one put, and concurrent puts, are applied in order', async (t) => {
  const dir = t.testdir();
  const store = await KeyStore.open(dir);
  const [k1, k2, k3] = await Promise.all([rsa(), rsa(), rsa()]);
  const infos = await store.put([pair('one', 'general', k1), pair('two', 'signature', k2), pair('two', 'encryption', k3)]);
  t.same(infos.map((i) => `${i.label}/${i.usage}`), ['one/general', 'two/signature', 'two/encryption']);
  await Promise.all([store.put([pair('race', 'general', k1)]), store.remove('race'), store.put([pair('race', 'general', k2)])]);
  t.ok(store.privateKey('race', 'general')?.equals(k2));
  t.ok((await KeyStore.open(dir)).privateKey('race', 'general')?.equals(k2));
});

t.test('a failed write rejects and does not block later operations', async (t) => {
  const dir = t.testdir();
  const store = await KeyStore.open(dir);
  const key = await rsa();
  // A directory where a key file belongs makes rename and unlink fail, even for root.
  await fs.mkdir(path.join(dir, fileName('a', 'general')));
  await t.rejects(store.put([pair('a', 'general', key)]));
  t.equal(store.get('a'), undefined, 'memory not updated');
  await fs.mkdir(path.join(dir, fileName('b', 'signature')));
  await t.rejects(store.put([pair('b', 'general', key)]), 'stale file cannot be removed');
  t.equal(store.get('b'), undefined);
  t.match((await KeyStore.open(dir)).problems().map((p) => path.basename(p.file)).sort(), [fileName('a', 'general'), fileName('b', 'signature')].sort());
  await store.put([pair('c', 'general', key)]);
  t.ok(store.get('c'));
  t.notOk((await fs.readdir(dir)).some((n) => n.endsWith('.tmp')), 'no temp file left behind');
});

t.test('leftover temp files from an interrupted write are deleted on open', async (t) => {
  const dir = t.testdir();
  const store = await KeyStore.open(dir);
  await store.put([pair('a', 'general', await rsa())]);
  const temp = path.join(dir, `.${fileName('a', 'general')}.123.456.tmp`);
  await fs.writeFile(temp, 'partial', { mode: 0o600 });
  const reopened = await KeyStore.open(dir);
  t.same(await fs.readdir(dir), [fileName('a', 'general')]);
  t.same(reopened.problems(), []);
});

t.test('nothing a caller can print shows private key material', async (t) => {
  const dir = t.testdir();
  const store = await KeyStore.open(dir);
  const key = await rsa(512);
  await store.put([pair('secret', 'general', key)]);
  const pemBody = (key.export({ type: 'pkcs8', format: 'pem' }) as string).split('\n')[3]!;
  const d = key.export({ format: 'jwk' }).d!;
  const outputs = [
    JSON.stringify(store),
    inspect(store, { depth: Infinity, showHidden: true }),
    String(store),
    JSON.stringify(store.list()),
    inspect(store.list(), { depth: Infinity, showHidden: true }),
    inspect(store.get('secret'), { depth: Infinity }),
  ];
  for (const out of outputs) {
    t.notMatch(out, /PRIVATE KEY/);
    t.notOk(out.includes(pemBody), 'no PEM body');
    t.notOk(out.includes(d), 'no private exponent');
  }
  t.match(inspect(store), /^KeyStore \{ dir: ".*", pairs: 1 \}$/);
  t.same(JSON.parse(JSON.stringify(store)).pairs.map((p: { label: string }) => p.label), ['secret']);
});

t.test('returned infos are copies', async (t) => {
  const store = await KeyStore.open(t.testdir());
  await store.put([pair('a', 'general', await rsa())]);
  const info = store.get('a')!;
  info.publicKeyDer.fill(0);
  info.createdAt.setTime(0);
  info.label = 'changed';
  t.equal(store.get('a')?.label, 'a');
  t.not(store.get('a')?.publicKeyDer[0], 0);
  t.not(store.get('a')?.createdAt.getTime(), 0);
});

import t from 'tap';
import { spawnSync } from 'node:child_process';
import { desAvailable, DesUnavailableError, LEGACY_PROVIDER_FLAG, requireDes } from '../src/ike/crypto/legacy-provider';

t.test('with the legacy provider loaded, DES is available', async (t) => {
  t.ok(desAvailable(), `tap must pass --node-arg=${LEGACY_PROVIDER_FLAG}`);
  t.doesNotThrow(() => requireDes());
});

t.test('without it, DES fails with a message naming the flag', async (t) => {
  // A child without the flag, with tap's TypeScript loader kept so it can load the module.
  const execArgv = process.execArgv.filter((arg) => arg !== LEGACY_PROVIDER_FLAG);
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  const script = `
    const { desAvailable, requireDes } = require('./src/ike/crypto/legacy-provider.ts');
    const { ikeEncrypt } = require('./src/ike/crypto/cipher.ts');
    const errorOf = (fn) => { try { fn(); return null; } catch (e) { return { name: e.name, message: e.message }; } };
    console.log(JSON.stringify({
      available: desAvailable(),
      require: errorOf(requireDes),
      encrypt: errorOf(() => ikeEncrypt('des', Buffer.alloc(8, 1), Buffer.alloc(8), Buffer.alloc(8))),
      tripleDes: errorOf(() => ikeEncrypt('3des', Buffer.alloc(24, 1), Buffer.alloc(8), Buffer.alloc(8))),
    }));`;
  const child = spawnSync(process.execPath, [...execArgv, '-e', script], { env, encoding: 'utf8', cwd: `${__dirname}/..` });
  t.equal(child.status, 0, child.stderr);
  const result = JSON.parse(child.stdout);
  t.equal(result.available, false);
  t.equal(result.require?.name, 'DesUnavailableError');
  t.match(result.require?.message, LEGACY_PROVIDER_FLAG);
  t.equal(result.encrypt?.name, 'DesUnavailableError');
  t.equal(result.tripleDes, null, '3DES is in the default provider');
  t.equal(new DesUnavailableError().name, 'DesUnavailableError');
});

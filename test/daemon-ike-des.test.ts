/**
 * DES, the seed's default IKE cipher, needs OpenSSL's legacy provider: every way of starting
 * the daemon passes --openssl-legacy-provider, and a daemon started without it stops at once
 * with one clear line instead of failing negotiations later.
 * Spawns dist/: `npm run build:ts && npx tap test/daemon-ike-des.test.ts`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import { DAEMON, missingBuild, ROOT, workspace } from './fixtures/daemon-harness';

const skip = missingBuild();
if (skip) t.fail(skip);
else {
  t.test('without the legacy provider: exit 1 and one line saying how to start it', async (t) => {
    const w = workspace(t);
    const env = { ...process.env, NODE_OPTIONS: '' };
    const r = spawnSync(process.execPath, [DAEMON, '--config-dir', w.dir, '--console', 'none', '--control', 'none'], { encoding: 'utf8', env, timeout: 30_000 });
    t.equal(r.status, 1);
    const lines = r.stderr.split('\n').filter((l) => l !== '');
    t.equal(lines.length, 1, 'one line');
    t.match(lines[0], /^ikegated: DES-CBC is unavailable: .*start node with --openssl-legacy-provider/);
    t.equal(r.stdout, '');
    t.notOk(existsSync(w.dir), 'it stopped before touching the configuration directory');
  });

  // The harness's spawnNode passes it too: every daemon test that starts a daemon proves it.
  t.test('the bin and npm start load the provider', async (t) => {
    t.equal(readFileSync(DAEMON, 'utf8').split('\n')[0], '#!/usr/bin/env -S node --openssl-legacy-provider', 'the shebang');
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    t.match(pkg.scripts.start, /^node --openssl-legacy-provider dist\/src\/bin\/ikegated\.js /, 'npm start');
  });
}

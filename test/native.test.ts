import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import pkg from '../package.json';
import { loadNativeAddon } from '../src/native/addon';

t.test('version() reports the package version and Node-API level', async (t) => {
  const addon = loadNativeAddon();
  t.same(addon.version(), { addon: pkg.version, napi: pkg.binary.napi_versions[0] });
  t.equal(addon.version().napi, 8);
});

t.test('a missing addon fails with how to build it', async (t) => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'ikegate-native-'));
  const saved = process.env.IKEGATE_PREBUILD;
  // node-gyp-build searches this directory instead of the package root.
  process.env.IKEGATE_PREBUILD = empty;
  t.teardown(() => {
    if (saved === undefined) delete process.env.IKEGATE_PREBUILD;
    else process.env.IKEGATE_PREBUILD = saved;
    fs.rmSync(empty, { recursive: true, force: true });
  });
  t.throws(() => loadNativeAddon(), {
    message: /looked for \*\.node in build\/Release, build\/Debug and prebuilds\/.* under .*ikegate-native-.*npm run build:native/s,
  });
});

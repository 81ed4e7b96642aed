/**
 * `npm run prebuild` (scripts/prebuild.js): the addon compiled into prebuilds/<platform>-<arch>/
 * loads through node-gyp-build with no build/ beside it, and the linux-arm64 one made by
 * Debian's cross compiler is an AArch64 shared object with the Node-API entry point. Builds
 * into a temporary directory (about half a minute per architecture).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import pkg from '../package.json';

// Two compilations of the addon, on a machine busy with the other test files.
t.setTimeout(600_000);

const ROOT = path.resolve(__dirname, '..');
const PREBUILD = path.join(ROOT, 'scripts', 'prebuild.js');
const CROSS_GXX = 'aarch64-linux-gnu-g++';

/** ELF header fields (little-endian, 64-bit) that say what a shared object was built for. */
const EM_X86_64 = 62;
const EM_AARCH64 = 183;
function elfMachine(file: string): { elfClass: number; type: number; machine: number } {
  const header = Buffer.alloc(20);
  const fd = fs.openSync(file, 'r');
  try {
    fs.readSync(fd, header, 0, header.length, 0);
  } finally {
    fs.closeSync(fd);
  }
  if (header.toString('latin1', 0, 4) !== '\x7fELF') throw new Error(`${file} is not an ELF file`);
  return { elfClass: header[4] as number, type: header.readUInt16LE(16), machine: header.readUInt16LE(18) };
}

function onPath(program: string): boolean {
  return spawnSync(program, ['--version'], { stdio: 'ignore' }).status === 0;
}

const unavailable = process.platform !== 'linux' || process.arch !== 'x64' ? `prebuilds are made on linux x64, not ${process.platform} ${process.arch}` : undefined;

t.test('npm run prebuild', { skip: unavailable }, async (t) => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ikegate-prebuild-'));
  t.teardown(() => fs.rmSync(out, { recursive: true, force: true }));
  const cross = onPath(CROSS_GXX);
  const archs = cross ? ['x64', 'arm64'] : ['x64'];
  const run = spawnSync(process.execPath, [PREBUILD, '--out', out, ...archs], { cwd: ROOT, encoding: 'utf8' });
  t.equal(run.status, 0, `scripts/prebuild.js ${archs.join(' ')} succeeds`, { output: `${run.stdout}${run.stderr}`.slice(-3000) });

  t.test('linux-x64 loads through node-gyp-build from prebuilds/ alone', async (t) => {
    const file = path.join(out, 'prebuilds', 'linux-x64', 'ikegate.node');
    t.match(elfMachine(file), { elfClass: 2, type: 3, machine: EM_X86_64 });
    // A child process: an addon, once loaded, cannot be loaded again from another file here.
    const probe = spawnSync(
      process.execPath,
      ['-e', 'const b = require(process.argv[1]); console.log(b.path(process.argv[2])); console.log(JSON.stringify(b(process.argv[2]).version()))', require.resolve('node-gyp-build'), ROOT],
      // node-gyp-build searches IKEGATE_PREBUILD (from the package name) instead of the root.
      { env: { ...process.env, IKEGATE_PREBUILD: out }, encoding: 'utf8' },
    );
    t.equal(probe.status, 0, 'loads', { stderr: probe.stderr });
    const [loadedFrom, version] = probe.stdout.trim().split('\n');
    t.equal(loadedFrom, file);
    t.same(JSON.parse(version ?? 'null'), { addon: pkg.version, napi: pkg.binary.napi_versions[0] });
  });

  t.test('linux-arm64 is an AArch64 shared object exporting napi_register_module_v1', { skip: cross ? undefined : `${CROSS_GXX} not found (bash scripts/setup installs g++-aarch64-linux-gnu)` }, async (t) => {
    const file = path.join(out, 'prebuilds', 'linux-arm64', 'ikegate.node');
    t.match(elfMachine(file), { elfClass: 2, type: 3, machine: EM_AARCH64 });
    const nm = spawnSync('aarch64-linux-gnu-nm', ['--dynamic', '--defined-only', file], { encoding: 'utf8' });
    t.equal(nm.status, 0, 'aarch64-linux-gnu-nm reads it', { stderr: nm.stderr });
    t.match(nm.stdout, /^[0-9a-f]+ T napi_register_module_v1$/m);
  });
});

t.test('an architecture without a cross toolchain is refused', { skip: unavailable }, async (t) => {
  const run = spawnSync(process.execPath, [PREBUILD, '--out', os.tmpdir(), 'riscv64'], { cwd: ROOT, encoding: 'utf8' });
  t.equal(run.status, 1);
  t.match(run.stderr, /cannot build for linux-riscv64: no cross toolchain is known for riscv64/);
});

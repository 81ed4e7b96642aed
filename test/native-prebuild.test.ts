/**
 * `npm run prebuild` (scripts/prebuild.js): the addon compiled into prebuilds/<platform>-<arch>/
 * loads through node-gyp-build from a directory holding only package.json and prebuilds/, and
 * the linux-arm64 one made by Debian's cross compiler is an AArch64 shared object that
 * Debian's arm64 node, run under qemu-user by scripts/arm64-node, loads and uses: its PF_KEY
 * codec and rtnetlink answers are the x64 build's, byte for byte. Builds into a temporary
 * directory (about half a minute per architecture); the emulated node takes about ten seconds,
 * and its first run downloads it (about 35 MB, into build/arm64-node).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t, { type Test } from 'tap';
import pkg from '../package.json';

// Two compilations of the addon and an emulated node, on a machine busy with other test files.
t.setTimeout(600_000);

const ROOT = path.resolve(__dirname, '..');
const PREBUILD = path.join(ROOT, 'scripts', 'prebuild.js');
const ARM64_NODE = path.join(ROOT, 'scripts', 'arm64-node');
const PROBE = path.join(__dirname, 'fixtures', 'native-prebuild-probe.js');
const CROSS_GXX = 'aarch64-linux-gnu-g++';
const QEMU_AARCH64 = 'qemu-aarch64';

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

/** What test/fixtures/native-prebuild-probe.js prints. */
interface Probe {
  arch: string;
  /** The Node-API level of the node that ran the probe. */
  napi: number;
  /** The .node file node-gyp-build chose. */
  file: string;
  version: unknown;
  pfkey: unknown;
  loopback: unknown;
}

/**
 * A directory holding only package.json and prebuilds/linux-<arch>/ from `out`, as an install
 * from a tarball with prebuilds has it: no build/ for node-gyp-build to prefer.
 */
function installLike(out: string, arch: string): { dir: string; file: string } {
  const dir = path.join(out, `install-${arch}`);
  const file = path.join(dir, 'prebuilds', `linux-${arch}`, 'ikegate.node');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
  fs.copyFileSync(path.join(out, 'prebuilds', `linux-${arch}`, 'ikegate.node'), file);
  return { dir, file };
}

/** Runs the probe with `node` (a program and its first arguments) on `dir`, in a child process. */
function probe(t: Test, node: string[], dir: string): Probe | undefined {
  // env -u: tap follows children by putting its hooks into NODE_OPTIONS, even when the
  // environment is given, and they are for this node, not for an older one.
  const run = spawnSync('env', ['-u', 'NODE_OPTIONS', ...node, PROBE, require.resolve('node-gyp-build'), dir], { encoding: 'utf8' });
  t.equal(run.status, 0, `${node.map((p) => path.basename(p)).join(' ')} runs the probe`, { stderr: run.stderr.slice(-3000) });
  return run.status === 0 ? (JSON.parse(run.stdout) as Probe) : undefined;
}

const unavailable = process.platform !== 'linux' || process.arch !== 'x64' ? `prebuilds are made on linux x64, not ${process.platform} ${process.arch}` : undefined;

t.test('npm run prebuild', { skip: unavailable }, async (t) => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'ikegate-prebuild-'));
  t.teardown(() => fs.rmSync(out, { recursive: true, force: true }));
  const cross = onPath(CROSS_GXX);
  const archs = cross ? ['x64', 'arm64'] : ['x64'];
  const run = spawnSync(process.execPath, [PREBUILD, '--out', out, ...archs], { cwd: ROOT, encoding: 'utf8' });
  t.equal(run.status, 0, `scripts/prebuild.js ${archs.join(' ')} succeeds`, { output: `${run.stdout}${run.stderr}`.slice(-3000) });
  if (run.status !== 0) return;
  const addonVersion = { addon: pkg.version, napi: pkg.binary.napi_versions[0] };

  const x64File = path.join(out, 'prebuilds', 'linux-x64', 'ikegate.node');
  const x64Install = installLike(out, 'x64');
  const x64 = probe(t, [process.execPath], x64Install.dir);

  t.test('linux-x64 loads through node-gyp-build from prebuilds/ alone', async (t) => {
    t.match(elfMachine(x64File), { elfClass: 2, type: 3, machine: EM_X86_64 });
    t.equal(x64?.file, x64Install.file);
    t.same(x64?.version, addonVersion);
  });

  const arm64File = path.join(out, 'prebuilds', 'linux-arm64', 'ikegate.node');
  const noCross = cross ? undefined : `${CROSS_GXX} not found (bash scripts/setup installs g++-aarch64-linux-gnu)`;

  t.test('linux-arm64 is an AArch64 shared object exporting napi_register_module_v1', { skip: noCross }, async (t) => {
    t.match(elfMachine(arm64File), { elfClass: 2, type: 3, machine: EM_AARCH64 });
    const nm = spawnSync('aarch64-linux-gnu-nm', ['--dynamic', '--defined-only', arm64File], { encoding: 'utf8' });
    t.equal(nm.status, 0, 'aarch64-linux-gnu-nm reads it', { stderr: nm.stderr });
    t.match(nm.stdout, /^[0-9a-f]+ T napi_register_module_v1$/m);
  });

  const noQemu = noCross ?? (onPath(QEMU_AARCH64) ? undefined : `${QEMU_AARCH64} not found (bash scripts/setup installs qemu-user)`);

  t.test("linux-arm64 loads in Debian's arm64 node under qemu-user and answers as linux-x64 does", { skip: noQemu }, async (t) => {
    const arm64Install = installLike(out, 'arm64');
    const arm64 = probe(t, [ARM64_NODE], arm64Install.dir);
    t.equal(arm64?.arch, 'arm64');
    t.ok((arm64?.napi ?? 0) >= addonVersion.napi, `the node offers Node-API ${arm64?.napi}; the addon needs ${addonVersion.napi}`);
    t.equal(arm64?.file, arm64Install.file);
    t.same(arm64?.version, addonVersion);
    t.ok(x64 !== undefined, 'the x64 probe ran, to compare with');
    t.same(arm64?.pfkey, x64?.pfkey, 'the PF_KEY codec encodes and decodes as on x64');
    t.match(arm64?.loopback, { index: 1, name: 'lo' });
    t.same(arm64?.loopback, x64?.loopback, 'rtnetlink reports the loopback link as on x64');
  });
});

t.test('an architecture without a cross toolchain is refused', { skip: unavailable }, async (t) => {
  const run = spawnSync(process.execPath, [PREBUILD, '--out', os.tmpdir(), 'riscv64'], { cwd: ROOT, encoding: 'utf8' });
  t.equal(run.status, 1);
  t.match(run.stderr, /cannot build for linux-riscv64: no cross toolchain is known for riscv64/);
});

#!/usr/bin/env node
// @ts-check
// `npm run prebuild`: compiles the addon into prebuilds/<platform>-<arch>/ikegate.node,
// where node-gyp-build finds it, so that an install (or a board image) needs no compiler.
// One Node-API build serves every Node version (binary.napi_versions in package.json).
//
//   usage: scripts/prebuild.js [--out DIR] [ARCH ...]
//     ARCH  x64, arm64 (default: this machine's, plus arm64 when Debian's cross compiler,
//           g++-aarch64-linux-gnu, is installed)
//     --out the directory that receives prebuilds/ (default: the project root)
'use strict'

const fs = require('node:fs')
const path = require('node:path')
const { spawnSync } = require('node:child_process')
const prebuildify = require('prebuildify')

const root = path.resolve(__dirname, '..')

/** GNU triplets of the cross toolchains (native/cmake/<triplet>.cmake); the host needs none. */
const CROSS = /** @type {Record<string, string>} */ ({ arm64: 'aarch64-linux-gnu' })

/** @param {string} program */
function onPath(program) {
  return spawnSync(program, ['--version'], { stdio: 'ignore' }).status === 0
}

/** @param {string} arch @returns {string | undefined} why this host cannot build for arch */
function unbuildable(arch) {
  if (arch === process.arch) return undefined
  const triplet = CROSS[arch]
  if (triplet === undefined) return `no cross toolchain is known for ${arch} (known: ${Object.keys(CROSS).join(', ')})`
  if (!onPath(`${triplet}-g++`)) return `${triplet}-g++ not found (Debian package g++-${triplet})`
  return undefined
}

/** @param {string} out @param {string} arch @returns {Promise<void>} */
function build(out, arch) {
  // prebuildify compiles in a staging directory of its own and moves the result to out.
  const staging = path.join(out, 'build', 'prebuild', `${process.platform}-${arch}`)
  fs.mkdirSync(staging, { recursive: true })
  const triplet = CROSS[arch]
  return new Promise((resolve, reject) => {
    prebuildify(
      {
        name: 'ikegate',
        napi: true,
        strip: true,
        stripBin: arch === process.arch || triplet === undefined ? 'strip' : `${triplet}-strip`,
        arch,
        cwd: staging,
        out,
        nodeGyp: path.join(__dirname, 'prebuildify-cmake-js.js'),
      },
      (/** @type {Error | null} */ err) => (err ? reject(new Error(`prebuild for ${process.platform}-${arch}: ${err.message}`)) : resolve()),
    )
  })
}

async function main() {
  const args = process.argv.slice(2)
  let out = root
  const archs = []
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--out') out = path.resolve(args[++i] ?? fail('--out needs a directory'))
    else if (/^[a-z0-9]+$/.test(args[i] ?? '')) archs.push(/** @type {string} */ (args[i]))
    else fail(`unknown argument ${args[i]}`)
  }
  if (archs.length === 0) {
    archs.push(process.arch)
    for (const arch of Object.keys(CROSS)) {
      if (arch === process.arch) continue
      const why = unbuildable(arch)
      if (why === undefined) archs.push(arch)
      else console.log(`prebuild: skipping ${process.platform}-${arch}: ${why}`)
    }
  }
  for (const arch of archs) {
    const why = unbuildable(arch)
    if (why !== undefined) fail(`cannot build for ${process.platform}-${arch}: ${why}`)
  }
  for (const arch of archs) {
    console.log(`prebuild: ${process.platform}-${arch}`)
    await build(out, arch)
    console.log(`prebuild: ${path.join(out, 'prebuilds', `${process.platform}-${arch}`, 'ikegate.node')}`)
  }
}

/** @param {string} message @returns {never} */
function fail(message) {
  console.error(`prebuild: ${message}`)
  process.exit(1)
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err)
  process.exit(1)
})

#!/usr/bin/env node
// @ts-check
// Stand-in for node-gyp, given to prebuildify by scripts/prebuild.js: prebuildify only drives
// node-gyp, so translate its `rebuild` call into cmake-js. prebuildify runs it in a staging
// directory of its own (its --cwd) and takes the .node file from build/Release there, so the
// addon is compiled in that directory's build/: a cmake-js rebuild empties its build
// directory, which must never be the project's build/ (the local addon, the board cache).
'use strict'

const path = require('node:path')
const { spawnSync } = require('node:child_process')

const root = path.resolve(__dirname, '..')

/** CMake toolchain files (native/cmake/) for the architectures this host cross-compiles to. */
const TOOLCHAINS = /** @type {Record<string, string>} */ ({ arm64: 'aarch64-linux-gnu.cmake' })

const [command, ...options] = process.argv.slice(2)
if (command !== 'rebuild') fail(`expected "rebuild", got ${JSON.stringify(command)}`)

const cmakeJsArgs = ['rebuild', '--directory', root, '--out', path.resolve('build')]
for (const option of options) {
  const [name, value] = option.split(/=(.*)/s)
  switch (name) {
    case '--release':
      break
    case '--debug':
      cmakeJsArgs.push('--debug')
      break
    case '--arch': {
      if (value === process.arch) break
      const toolchain = value === undefined ? undefined : TOOLCHAINS[value]
      if (toolchain === undefined) fail(`cannot cross-compile for ${value} on ${process.arch}`)
      cmakeJsArgs.push(`--CDCMAKE_TOOLCHAIN_FILE=${path.join(root, 'native', 'cmake', toolchain)}`)
      break
    }
    case '--target':
    case '--devdir':
      // A Node-API build needs neither a Node version nor a headers cache.
      break
    default:
      fail(`unsupported node-gyp option ${option}`)
  }
}

const cmakeJs = path.join(path.dirname(require.resolve('cmake-js/package.json')), 'bin', 'cmake-js')
const build = spawnSync(process.execPath, [cmakeJs, ...cmakeJsArgs], { stdio: 'inherit' })
if (build.error) throw build.error
process.exit(build.status ?? 1)

/** @param {string} message @returns {never} */
function fail(message) {
  console.error(`prebuildify-cmake-js: ${message}`)
  process.exit(1)
}

#!/usr/bin/env node
// @ts-check
// Stand-in for node-gyp, given to `prebuildify --node-gyp`: prebuildify only drives node-gyp,
// so translate its `rebuild` call into cmake-js. prebuildify then takes the .node file from
// build/Release (or build/Debug) and moves it into prebuilds/<platform>-<arch>/.
'use strict'

const path = require('node:path')
const { spawnSync } = require('node:child_process')

const [command, ...options] = process.argv.slice(2)
if (command !== 'rebuild') fail(`expected "rebuild", got ${JSON.stringify(command)}`)

const cmakeJsArgs = ['rebuild']
for (const option of options) {
  const [name, value] = option.split(/=(.*)/s)
  switch (name) {
    case '--release':
      break
    case '--debug':
      cmakeJsArgs.push('--debug')
      break
    case '--arch':
      // cmake-js compiles with the host toolchain; a foreign arch would be mislabelled.
      if (value !== process.arch) fail(`cannot cross-compile for ${value} on ${process.arch}`)
      break
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

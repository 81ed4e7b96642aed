#!/usr/bin/env node
// @ts-check
// npm "install" hook. node-gyp-build's own bin always ends in `node-gyp rebuild`, which
// cannot build a cmake-js project, so this does its job: keep an addon that already loads
// (a prebuild or an earlier build), otherwise compile it with `npm run build:native`.
'use strict'

const path = require('node:path')
const { spawnSync } = require('node:child_process')
const nodeGypBuild = require('node-gyp-build')

const root = path.resolve(__dirname, '..')

/** @returns {string | undefined} why the addon does not load, or undefined if it does */
function loadFailure() {
  try {
    nodeGypBuild(root)
    return undefined
  } catch (err) {
    return String(err instanceof Error ? err.message : err).split('\n')[0]
  }
}

const before = loadFailure()
if (before === undefined) process.exit(0)
console.log(`ikegate: building the native addon (${before})`)

// npm sets npm_execpath for lifecycle scripts; run the same npm that is installing us.
const npmCli = process.env.npm_execpath
const build = npmCli
  ? spawnSync(process.execPath, [npmCli, 'run', 'build:native'], { cwd: root, stdio: 'inherit' })
  : spawnSync('npm', ['run', 'build:native'], { cwd: root, stdio: 'inherit' })
if (build.error) throw build.error
if (build.status !== 0) process.exit(build.status ?? 1)

const after = loadFailure()
if (after !== undefined) {
  console.error(`ikegate: native addon built but does not load: ${after}`)
  process.exit(1)
}

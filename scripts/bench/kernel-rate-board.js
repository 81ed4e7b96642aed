#!/usr/bin/env node
// @ts-check
// The board side of `npm run bench:kernel` (scripts/bench/kernel-rate.js copies it into a
// booted board and runs it there as root). Installs, then deletes, N tunnel-mode SA pairs with
// their policies (out, in, fwd: what the key manager installs per ACL line) five ways, each
// from an empty SAD/SPD and checked against the kernel's counts:
//   ip -batch   iproute2 reading one file of `xfrm state/policy add` lines, then one of deletes
//   xfrm        ikegate's SadBackend over XFRM netlink (dist/src/kernel/xfrm-backend.js)
//   xfrm addon  the addon's XFRM socket alone (dist/src/native/xfrm.js), without the SadBackend
//   pfkey       the SadBackend over PF_KEY v2 (dist/src/kernel/pfkey-backend.js), when built
//   pfkey addon the addon's PF_KEY socket alone (dist/src/native/pfkey.js)
// Every request of a phase is made at once, as the key manager does when many tunnels come up
// together; the backends batch them. Each method first runs a small untimed round.
//
//   usage: node kernel-rate-board.js [--app DIR] [--pairs N] [--only NAME,...]
//
// Prints a line per method, then `@@RESULT {json}` for the host-side driver.
'use strict'

const crypto = require('node:crypto')
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { spawnSync } = require('node:child_process')

const LOCAL = '10.0.0.1'
const LOCAL_SUBNET = { address: '192.168.1.0', prefixLength: 24 }

function options() {
  const args = process.argv.slice(2)
  const o = { app: '/opt/ikegate', pairs: 10_000, only: /** @type {string[] | undefined} */ (undefined) }
  for (let i = 0; i < args.length; i++) {
    const value = args[i + 1]
    if (value === undefined) fail(`${args[i]} needs a value`)
    if (args[i] === '--app') o.app = value
    else if (args[i] === '--pairs') o.pairs = Number(value)
    else if (args[i] === '--only') o.only = value.split(',')
    else fail(`unknown argument ${args[i]}`)
    i++
  }
  // Pair i's peer is 10.1.0.0 + i and its remote subnet 100.64.0.0/10's i-th /24.
  if (!Number.isInteger(o.pairs) || o.pairs < 1 || o.pairs > 16_384) fail('--pairs must be 1-16384')
  return o
}

/** @param {number} base @param {number} n the n-th address after base (a.b.c.d as a number) */
function ipv4(base, n) {
  const v = base + n
  return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.')
}
const PEER_BASE = (10 << 24) | (1 << 16)
const REMOTE_BASE = (100 << 24) | (64 << 16)

/**
 * The workload in the SadBackend's vocabulary (src/kernel/sad-backend.ts): per pair an
 * outbound and an inbound ESP SA (AES-128-CBC, HMAC-SHA-1-96: esp-aes esp-sha-hmac, which
 * PF_KEY expresses as exactly as XFRM; keys of their own) and three policies. SPIs are
 * distinct per direction so that ip and the backends install the same thing.
 * @param {number} pairs
 */
function workload(pairs) {
  /** @type {import('../../src/kernel/sad-backend').SaSpec[]} */
  const sas = []
  /** @type {import('../../src/kernel/sad-backend').PolicySpec[]} */
  const policies = []
  for (let i = 0; i < pairs; i++) {
    const peer = ipv4(PEER_BASE, i)
    const remote = { address: ipv4(REMOTE_BASE, i << 8), prefixLength: 24 }
    const reqid = i + 1
    for (const [src, dst, spi] of /** @type {const} */ ([[LOCAL, peer, 0x1000_0000 + i], [peer, LOCAL, 0x2000_0000 + i]])) {
      sas.push({
        src, dst, spi, proto: 'esp', mode: 'tunnel', reqid, replayWindow: 32, lifetimes: {},
        encryption: { name: 'cbc(aes)', key: crypto.randomBytes(16) },
        integrity: { name: 'hmac(sha1)', key: crypto.randomBytes(20), truncationBits: 96 },
      })
    }
    /** @param {'out' | 'in' | 'fwd'} dir @returns {import('../../src/kernel/sad-backend').PolicySpec} */
    const policy = (dir) => {
      const outbound = dir === 'out'
      return {
        selector: outbound ? { src: LOCAL_SUBNET, dst: remote } : { src: remote, dst: LOCAL_SUBNET },
        dir, action: 'allow', priority: 1000,
        templates: [{ proto: 'esp', mode: 'tunnel', reqid, src: outbound ? LOCAL : peer, dst: outbound ? peer : LOCAL, level: 'required' }],
      }
    }
    policies.push(policy('out'), policy('in'), policy('fwd'))
  }
  return { sas, policies }
}

/** @param {{ address: string, prefixLength: number }} p */
const prefix = (p) => `${p.address}/${p.prefixLength}`

/** The same workload as `ip -batch` files. @param {ReturnType<typeof workload>} w */
function ipBatches(w) {
  const add = []
  const del = []
  for (const sa of w.sas) {
    const id = `src ${sa.src} dst ${sa.dst} proto esp spi 0x${sa.spi.toString(16)}`
    add.push(`xfrm state add ${id} reqid ${sa.reqid} mode tunnel replay-window ${sa.replayWindow} ` +
      `enc cbc(aes) 0x${sa.encryption?.key.toString('hex')} auth-trunc hmac(sha1) 0x${sa.integrity?.key.toString('hex')} ${sa.integrity?.truncationBits}`)
    del.push(`xfrm state delete ${id}`)
  }
  for (const p of w.policies) {
    const sel = `src ${prefix(p.selector.src)} dst ${prefix(p.selector.dst)} dir ${p.dir}`
    const t = p.templates[0]
    add.push(`xfrm policy add ${sel} priority ${p.priority} tmpl src ${t?.src} dst ${t?.dst} proto esp reqid ${t?.reqid} mode tunnel level required`)
    del.push(`xfrm policy delete ${sel}`)
  }
  return { add: `${add.join('\n')}\n`, del: `${del.join('\n')}\n` }
}

/** @param {string[]} args */
function ip(args) {
  const r = spawnSync('ip', args, { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr.trim() || `exit ${r.status}`}`)
  return r.stdout
}

/** What the kernel holds: SAs and policies (`ip xfrm state/policy count`). */
function kernelCounts() {
  // "SAD count 20000"; "SPD IN  10000 OUT 10000 FWD 10000"
  const sad = /SAD count (\d+)/.exec(ip(['xfrm', 'state', 'count']))
  const spd = /SPD IN\s+(\d+)\s+OUT\s+(\d+)\s+FWD\s+(\d+)/.exec(ip(['xfrm', 'policy', 'count']))
  if (!sad || !spd) throw new Error('cannot read the SAD and SPD counts from ip xfrm state/policy count')
  return { sas: Number(sad[1]), policies: Number(spd[1]) + Number(spd[2]) + Number(spd[3]) }
}

/** @param {ReturnType<typeof workload>} w @param {string} method @param {string} phase */
function expectCounts(w, method, phase) {
  const want = phase === 'install' ? { sas: w.sas.length, policies: w.policies.length } : { sas: 0, policies: 0 }
  const got = kernelCounts()
  if (got.sas !== want.sas || got.policies !== want.policies) {
    throw new Error(`${method} ${phase}: the kernel holds ${got.sas} SAs and ${got.policies} policies, expected ${want.sas} and ${want.policies}`)
  }
}

/**
 * One way to install and delete a workload. `prepare` does what is not measured (writing ip's
 * files, converting specs for the bare socket) and returns the two phases, each resolving once
 * the kernel has answered every request of the phase.
 * @typedef {{ install(): Promise<unknown>, remove(): Promise<unknown> }} Phases
 * @typedef {{ name: string, prepare(w: Workload): Phases, close(): Promise<void> | void }} Method
 * @typedef {ReturnType<typeof workload>} Workload
 */

/** @returns {Method} */
function ipBatch() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kernel-rate-'))
  const add = path.join(dir, 'add')
  const del = path.join(dir, 'del')
  return {
    name: 'ip -batch',
    prepare(w) {
      const batches = ipBatches(w)
      fs.writeFileSync(add, batches.add)
      fs.writeFileSync(del, batches.del)
      return { install: async () => ip(['-batch', add]), remove: async () => ip(['-batch', del]) }
    },
    close: () => fs.rmSync(dir, { recursive: true, force: true }),
  }
}

/**
 * ikegate's SadBackend: what the key manager calls, argument checks and error mapping included.
 * @param {import('../../src/kernel/sad-backend').SadBackend} backend @returns {Method}
 */
function sadBackend(backend) {
  return {
    name: backend.kind,
    prepare: (w) => ({
      install: () => Promise.all([...w.sas.map((sa) => backend.addSa(sa)), ...w.policies.map((p) => backend.addPolicy(p))]),
      remove: () => Promise.all([...w.sas.map((sa) => backend.deleteSa(sa)), ...w.policies.map((p) => backend.deletePolicy(p.selector, p.dir))]),
    }),
    close: () => backend.close(),
  }
}

/**
 * The addon's XFRM socket alone (src/native/xfrm.ts), the SadBackend layer left out: its
 * batching against ip's. The policies' indexes are not read back, as ip does not.
 * @param {string} dist @returns {Method}
 */
function xfrmSocket(dist) {
  const { XfrmSocket } = require(path.join(dist, 'native', 'xfrm.js'))
  const specs = require(path.join(dist, 'kernel', 'xfrm-specs.js'))
  const socket = new XfrmSocket()
  /** @param {unknown[]} requests */
  const batch = async (requests) => {
    const failed = (await socket.batch(requests)).find((/** @type {unknown} */ r) => r instanceof Error)
    if (failed) throw failed
  }
  return {
    name: 'xfrm addon',
    prepare(w) {
      const add = [
        ...w.sas.map((sa) => ({ op: 'newsa', sa: specs.toXfrmSa(sa) })),
        ...w.policies.map((p) => ({ op: 'newpolicy', policy: specs.toXfrmPolicy(p) })),
      ]
      const del = [
        ...w.sas.map((sa) => ({ op: 'delsa', dst: sa.dst, spi: sa.spi, proto: sa.proto })),
        ...w.policies.map((p) => ({ op: 'delpolicy', dir: p.dir, selector: specs.toXfrmSelector(p.selector) })),
      ]
      return { install: () => batch(add), remove: () => batch(del) }
    },
    close: () => socket.close(),
  }
}

/**
 * The addon's PF_KEY socket alone (src/native/pfkey.ts), without the SadBackend and without
 * registering for events: the PF_KEY counterpart of 'xfrm addon'.
 * @param {string} dist @returns {Method}
 */
function pfkeySocket(dist) {
  const { PfkeySocket } = require(path.join(dist, 'native', 'pfkey.js'))
  const specs = require(path.join(dist, 'kernel', 'pfkey-specs.js'))
  const socket = new PfkeySocket()
  return {
    name: 'pfkey addon',
    prepare: (w) => ({
      install: () => Promise.all([...w.sas.map((sa) => socket.add(specs.toPfkeySa(sa))), ...w.policies.map((p) => socket.spdAdd(specs.toPfkeyPolicy(p)))]),
      remove: () => Promise.all([
        ...w.sas.map((sa) => socket.delete({ satype: sa.proto, src: sa.src, dst: sa.dst, spi: sa.spi })),
        ...w.policies.map((p) => socket.spdDelete(specs.toPfkeySelector(p.selector, p.dir))),
      ]),
    }),
    close: () => socket.close(),
  }
}

/**
 * CPU seconds of this process and its waited-for children (ip), user and system, from
 * /proc/self/stat (utime, stime, cutime, cstime; at 100 ticks a second on Linux).
 */
function cpuSeconds() {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8')
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number)
  return { user: ((f[11] ?? 0) + (f[13] ?? 0)) / 100, system: ((f[12] ?? 0) + (f[14] ?? 0)) / 100 }
}

/** @template T @param {() => Promise<T>} fn @returns {Promise<number>} seconds */
async function timed(fn) {
  const start = process.hrtime.bigint()
  await fn()
  return Number(process.hrtime.bigint() - start) / 1e9
}

/** Both phases from empty tables, each checked against the kernel's counts. @param {Method} m @param {Workload} w */
async function measure(m, w) {
  ip(['xfrm', 'state', 'flush'])
  ip(['xfrm', 'policy', 'flush'])
  const phases = m.prepare(w)
  const cpu0 = cpuSeconds()
  const install = await timed(phases.install)
  const cpu1 = cpuSeconds()
  const cpu = { user: cpu1.user - cpu0.user, system: cpu1.system - cpu0.system }
  expectCounts(w, m.name, 'install')
  const remove = await timed(phases.remove)
  expectCounts(w, m.name, 'delete')
  return { install, remove, cpu }
}

async function main() {
  const o = options()
  const w = workload(o.pairs)
  // Untimed first: the kernel instantiates each algorithm at its first SA, node compiles hot code.
  const warmUp = workload(Math.min(o.pairs, 200))
  const dist = path.join(o.app, 'dist', 'src')
  /** @type {Array<[string, () => Method]>} */
  const methods = [
    ['ip -batch', ipBatch],
    ['xfrm', () => sadBackend(new (require(path.join(dist, 'kernel', 'xfrm-backend.js')).XfrmBackend)())],
    ['xfrm addon', () => xfrmSocket(dist)],
  ]
  const pfkey = path.join(dist, 'kernel', 'pfkey-backend.js')
  if (fs.existsSync(pfkey)) methods.push(['pfkey', () => sadBackend(new (require(pfkey).PfkeyBackend)())], ['pfkey addon', () => pfkeySocket(dist)])
  else console.log(`pfkey: skipped (${pfkey} is not in this build)`)

  const results = []
  for (const [name, make] of methods) {
    if (o.only && !o.only.includes(name)) continue
    /** @type {Method} */
    let method
    try {
      method = make()
    } catch (err) {
      // A backend this build's addon lacks: the others still run.
      console.log(`${name}: skipped (${err instanceof Error ? err.message : err})`)
      continue
    }
    try {
      await measure(method, warmUp)
      const { install, remove, cpu } = await measure(method, w)
      const r = { method: name, sas: w.sas.length, policies: w.policies.length, installSeconds: install, deleteSeconds: remove }
      // The installer's CPU (the kernel's work for its syscalls is system time).
      console.log(`${name}: installed ${r.sas} SAs + ${r.policies} policies in ${install.toFixed(2)} s ` +
        `(cpu: user ${cpu.user.toFixed(1)} s, system ${cpu.system.toFixed(1)} s), deleted them in ${remove.toFixed(2)} s`)
      results.push(r)
    } finally {
      await method.close()
    }
  }
  console.log(`@@RESULT ${JSON.stringify({ pairs: o.pairs, kernel: os.release(), results })}`)
}

/** @param {string} message @returns {never} */
function fail(message) {
  console.error(`kernel-rate-board: ${message}`)
  process.exit(2)
}

main().catch((err) => {
  console.error(`kernel-rate-board: ${err instanceof Error ? err.message : err}`)
  process.exit(1)
})

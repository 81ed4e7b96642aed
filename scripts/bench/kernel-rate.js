#!/usr/bin/env node
// @ts-check
// `npm run bench:kernel`: how fast SAs and policies go into and out of a kernel, ikegate's
// backends next to `ip -batch`, measured on a board (the Debian kernel of board/qemu-x86_64
// under QEMU TCG, the same firmware image the board tests boot). Builds the image, boots a
// board, copies scripts/bench/kernel-rate-board.js in over the debug shell (ttyS1), runs it
// there against the image's /opt/ikegate, and prints the rates and their ratios.
//
//   usage: npm run bench:kernel [-- --pairs N] [--only 'ip -batch,xfrm,xfrm addon,pfkey,pfkey addon'] [--memory SIZE]
//   needs: npm run build:ts (dist/) and the addon; bash scripts/setup (QEMU and friends)
'use strict'

const fs = require('node:fs')
const net = require('node:net')
const os = require('node:os')
const path = require('node:path')
const { spawn, spawnSync } = require('node:child_process')

const ROOT = path.resolve(__dirname, '..', '..')
const BOARD_SCRIPT = path.join(__dirname, 'kernel-rate-board.js')
/** The board id of this benchmark (run directory, WAN port, LAN subnet). */
const BOARD_ID = 71
const BOARD_TIMEOUT_MS = 60 * 60_000

function options() {
  const args = process.argv.slice(2)
  // At board.json's 512M the OOM killer ended a 10,000-pair run.
  const o = { pairs: 10_000, only: /** @type {string | undefined} */ (undefined), memory: '2G' }
  for (let i = 0; i < args.length; i += 2) {
    const value = args[i + 1]
    if (value === undefined) fail(`${args[i]} needs a value`)
    if (args[i] === '--pairs') o.pairs = Number(value)
    else if (args[i] === '--only') o.only = value
    else if (args[i] === '--memory') o.memory = value
    else fail(`unknown argument ${args[i]} (usage: kernel-rate.js [--pairs N] [--only 'ip -batch,xfrm,xfrm addon,pfkey,pfkey addon'] [--memory SIZE])`)
  }
  return o
}

/** Line-oriented text from a board's serial port, with waiting for what has not come yet. */
class SerialShell {
  /** @param {net.Socket} socket @param {(line: string) => void} onLine */
  constructor(socket, onLine) {
    this.socket = socket
    this.text = ''
    this.serial = 0
    /** @type {(() => void) | undefined} */
    this.wake = undefined
    let partial = ''
    socket.setEncoding('utf8')
    socket.on('data', (/** @type {string} */ chunk) => {
      // Terminal controls of the shell's line editor and carriage returns are noise here.
      const clean = chunk.replace(/\x1b\[[0-?]*[ -/]*[@-~]|\r|\x07/g, '')
      this.text += clean
      const lines = (partial + clean).split('\n')
      partial = lines.pop() ?? ''
      lines.forEach(onLine)
      this.wake?.()
    })
    socket.on('close', () => this.wake?.())
  }

  /** @param {string} socketPath @param {() => boolean} alive @param {(line: string) => void} onLine */
  static async connect(socketPath, alive, onLine) {
    for (const deadline = Date.now() + 60_000; ;) {
      if (fs.existsSync(socketPath)) {
        const socket = net.connect(socketPath)
        await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject))
        return new SerialShell(socket, onLine)
      }
      if (!alive() || Date.now() > deadline) throw new Error(`${socketPath} did not appear`)
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }

  /**
   * Runs a command line in the board's shell; resolves with its output and exit status. The
   * quotes split the markers in the echoed command, so only the shell's own output matches.
   * @param {string} command @param {number} timeoutMs
   */
  async run(command, timeoutMs) {
    const n = ++this.serial
    const begin = `@@BEGIN-${n}@@\n`
    const end = new RegExp(`@@END-${n}@@ (\\d+)\\n`)
    this.socket.write(`echo "@@BEGIN""-${n}@@"; ${command}\necho "@@END""-${n}@@ $?"\n`)
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const m = end.exec(this.text)
      if (m) {
        const before = this.text.slice(0, m.index)
        this.text = this.text.slice(m.index + m[0].length)
        const start = before.lastIndexOf(begin)
        return { output: start < 0 ? '' : before.slice(start + begin.length), status: Number(m[1]) }
      }
      if (this.socket.destroyed || Date.now() > deadline) throw new Error(`no answer to "${command.slice(0, 80)}" from the board's shell:\n${this.text.slice(-2000)}`)
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, 1000)
        this.wake = () => (clearTimeout(timer), resolve(undefined))
      })
    }
  }

  close() {
    this.socket.destroy()
  }
}

/** Builds (or finds up to date) the board image; returns its directory. */
function buildImage() {
  const r = spawnSync(path.join(ROOT, 'scripts', 'build-image'), { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
  if (r.status !== 0) fail('scripts/build-image failed')
  return r.stdout.trim().split('\n').pop() ?? ''
}

/** @param {number} x @param {number} digits */
const fixed = (x, digits) => x.toFixed(digits).padStart(9)

/**
 * @param {{ pairs: number, kernel: string, results: Array<{ method: string, sas: number, policies: number, installSeconds: number, deleteSeconds: number }> }} report
 */
function printReport(report) {
  const first = report.results[0]
  if (!first) return
  console.log(`\nkernel-rate: ${report.pairs} SA pairs = ${first.sas} ESP tunnel SAs (AES-128-CBC + HMAC-SHA-1-96) and ${first.policies} policies (out/in/fwd),`)
  console.log(`installed then deleted, on a qemu-x86_64 board (Linux ${report.kernel}, QEMU TCG, 1 CPU); SAs/s counts SAs, the policies go in the same time\n`)
  const reference = report.results.find((r) => r.method === 'ip -batch')
  console.log(`${'method'.padEnd(11)} ${'install s'.padStart(9)} ${'SAs/s'.padStart(9)} ${'delete s'.padStart(9)} ${'SAs/s'.padStart(9)}   vs ip -batch (install, delete)`)
  for (const r of report.results) {
    const ratio = reference && r !== reference
      ? `${(reference.installSeconds / r.installSeconds).toFixed(2)}x, ${(reference.deleteSeconds / r.deleteSeconds).toFixed(2)}x`
      : ''
    console.log(`${r.method.padEnd(11)} ${fixed(r.installSeconds, 2)} ${fixed(r.sas / r.installSeconds, 0)} ${fixed(r.deleteSeconds, 2)} ${fixed(r.sas / r.deleteSeconds, 0)}   ${ratio}`)
  }
}

async function main() {
  const o = options()
  if (!fs.existsSync(path.join(ROOT, 'dist', 'src', 'kernel', 'xfrm-backend.js'))) fail('dist/ is missing: run npm run build:ts first')
  const image = buildImage()
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ikg-kbench-'))
  // ikegated on the board keeps the memory backend: the kernel's tables are the benchmark's.
  const board = spawn(path.join(ROOT, 'scripts', 'run-board'), ['--id', String(BOARD_ID), '--image', image, '--run-dir', runDir, '--kernel', 'memory', '--memory', o.memory], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  let running = true
  board.on('exit', () => (running = false))
  /** @type {SerialShell | undefined} */
  let shell
  try {
    // The benchmark's own lines, as they come, show progress through a long run.
    shell = await SerialShell.connect(path.join(runDir, 'debug.sock'), () => running, (line) => {
      if (/^(ip -batch|xfrm|xfrm addon|pfkey|pfkey addon|kernel-rate-board):/.test(line)) console.error(`board: ${line}`)
    })
    // The shell starts late in the boot; typed input before that is lost, so ask until it answers.
    for (const deadline = Date.now() + 180_000; ;) {
      try {
        await shell.run('true', 2000)
        break
      } catch (err) {
        if (!running || Date.now() > deadline) throw err
      }
    }
    // Base64 in short lines: nothing in the script can upset the shell's line editor.
    const encoded = fs.readFileSync(BOARD_SCRIPT).toString('base64').match(/.{1,512}/g) ?? []
    await shell.run('rm -f /tmp/kernel-rate.b64', 10_000)
    for (const chunk of encoded) await shell.run(`echo ${chunk} >>/tmp/kernel-rate.b64`, 10_000)
    const copied = await shell.run('base64 -d /tmp/kernel-rate.b64 >/tmp/kernel-rate-board.js', 10_000)
    if (copied.status !== 0) throw new Error(`copying the benchmark into the board failed:\n${copied.output}`)
    const only = o.only === undefined ? '' : ` --only '${o.only}'`
    const bench = await shell.run(`node /tmp/kernel-rate-board.js --app /opt/ikegate --pairs ${o.pairs}${only} 2>&1`, BOARD_TIMEOUT_MS)
    const result = /^@@RESULT (.*)$/m.exec(bench.output)
    if (bench.status !== 0 || !result?.[1]) throw new Error(`the benchmark failed on the board (exit ${bench.status}):\n${bench.output.slice(-3000)}`)
    printReport(JSON.parse(result[1]))
  } finally {
    shell?.close()
    if (running) {
      board.kill('SIGTERM')
      await new Promise((resolve) => board.once('exit', resolve))
    }
    fs.rmSync(runDir, { recursive: true, force: true })
  }
}

/** @param {string} message @returns {never} */
function fail(message) {
  console.error(`kernel-rate: ${message}`)
  process.exit(1)
}

main().catch((err) => {
  console.error(`kernel-rate: ${err instanceof Error ? err.message : err}`)
  process.exit(1)
})

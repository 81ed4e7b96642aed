#!/usr/bin/env node
'use strict';
/**
 * `npm run bench:ike -- N`: the rate of complete IKEv1 setups (Main Mode + Quick Mode, IKE SA
 * and IPsec SA pair reported by BOTH ends) between two ikegated daemons in two network
 * namespaces, N at once, for aes128/sha256 with group 14 and then group 19; the daemons' heap
 * per established tunnel; and, where strongSwan is installed, the same N between two charons
 * (/work/shared/bench/charon-ike-rate.sh, or $CHARON_BENCH) in the same run, and the ratio.
 *
 * Set-up, shaped like the charon driver's (N distinct IKE peers served by one template):
 * - initiator "i" (192.0.2.1) is a hub with one crypto map entry per peer: entry k has
 *   `set peer 198.18.a.b` and a named ACL for its own inside host 10.1.a.b -> 10.2.0.0/24;
 * - responder "r" (192.0.2.2) answers them all from one dynamic crypto map (a template) with a
 *   wildcard pre-shared key;
 * - ikegated binds one address, so "r" is made to appear at the N peer addresses by a
 *   stateless 1:1 address rewrite (nftables, netdev hooks on r's veth): a datagram to
 *   198.18.a.b becomes 198.18.a.b -> 192.0.2.2 on the way in, and r's answer to 198.18.a.b
 *   becomes 198.18.a.b -> 192.0.2.1 on the way out. Each daemon thus sees N distinct peer
 *   addresses and makes N IKE SAs. The rewrite is a NAT, so NAT-D shows it and IKE floats to
 *   UDP 4500 in Main Mode message 5 with UDP-encapsulated ESP: the same encapsulation as
 *   charon's kernel-libipsec, which forces NAT-T.
 * - the N negotiations start the way an operator starts permanent tunnels: every entry has
 *   `set auto-up`, and the clock starts when one control session applies the map to the
 *   initiator's interface (the key manager then negotiates every entry, at most its
 *   initiation limit of phase 1s at a time); it stops at the last "IPsec SA ... established"
 *   record either daemon logged (the charon driver likewise times its daemons' child-updown
 *   events), and the run counts only if both daemons then list N IKE SAs and N IPsec SA pairs.
 * - heap per tunnel: each daemon is started with --expose-gc and scripts/bench/heap-probe.js,
 *   which answers process.memoryUsage() after a full GC; (heapUsed with N tunnels - heapUsed
 *   before) / N, per daemon.
 * Env: BENCH_GROUPS (default "14 19"), BENCH_CPU_PROF=DIR (node --cpu-prof for both
 * daemons), BENCH_KEEP=1, CHARON_BENCH (path of the charon driver; "none" skips charon),
 * BENCH_NS_PREFIX (namespace and device name prefix, default "h2"), BENCH_NODE_ARGS (more node
 * options for both daemons, e.g. V8 flags to compare).
 * Needs root, iproute2, nft and `npm run build:ts`. Exit status 0 only if every tunnel came up.
 */
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..', '..');
const DAEMON = path.join(ROOT, 'dist', 'src', 'bin', 'ikegated.js');
const PROBE = path.join(__dirname, 'heap-probe.js');
// BENCH_NS_PREFIX keeps concurrent runs (other users of the machine) apart.
const NS_PREFIX = process.env.BENCH_NS_PREFIX ?? 'h2';
const NS_I = `${NS_PREFIX}bench-i`;
const NS_R = `${NS_PREFIX}bench-r`;
const DEV_I = `${NS_PREFIX}b-vi`;
const DEV_R = `${NS_PREFIX}b-vr`;
const IP_I = '192.0.2.1';
const IP_R = '192.0.2.2';
const KEY = 'benchkeystring';
const CHARON_DEFAULT = '/work/shared/bench/charon-ike-rate.sh';
const GROUP_NAMES = { 14: 'modp2048', 19: 'ecp256' };

function fail(msg) {
  process.stderr.write(`bench:ike: ${msg}\n`);
  process.exit(1);
}

function sh(argv, opts = {}) {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
  if (r.status !== 0 && !opts.allowFailure) throw new Error(`${argv.join(' ')} failed: ${r.stderr || r.stdout}`);
  return r.stdout;
}

/** 1..N -> prefix.a.b, as the charon driver numbers its peers. */
function addr(prefix, i) {
  return `${prefix}.${Math.floor((i - 1) / 250)}.${((i - 1) % 250) + 1}`;
}

function teardownNet() {
  for (const ns of [NS_I, NS_R]) {
    for (const pid of sh(['ip', 'netns', 'pids', ns], { allowFailure: true }).split(/\s+/).filter(Boolean)) {
      try { process.kill(Number(pid), 'SIGKILL'); } catch { /* gone already */ }
    }
    sh(['ip', 'netns', 'del', ns], { allowFailure: true });
  }
}

function setupNet() {
  teardownNet();
  sh(['ip', 'netns', 'add', NS_I]);
  sh(['ip', 'netns', 'add', NS_R]);
  sh(['ip', 'link', 'add', DEV_I, 'netns', NS_I, 'type', 'veth', 'peer', 'name', DEV_R, 'netns', NS_R]);
  const macs = {};
  for (const [ns, dev, ip] of [[NS_I, DEV_I, IP_I], [NS_R, DEV_R, IP_R]]) {
    sh(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
    sh(['ip', 'netns', 'exec', ns, 'sysctl', '-qw', 'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.default.rp_filter=0',
      `net.ipv4.conf.${dev}.rp_filter=0`]);
    sh(['ip', '-n', ns, 'addr', 'add', `${ip}/24`, 'dev', dev]);
    sh(['ip', '-n', ns, 'link', 'set', dev, 'up']);
    macs[ns] = JSON.parse(sh(['ip', '-n', ns, '-j', 'link', 'show', 'dev', dev]))[0].address;
  }
  // No ARP: permanent neighbour entries both ways, as the charon driver does.
  sh(['ip', '-n', NS_I, 'neigh', 'replace', IP_R, 'lladdr', macs[NS_R], 'dev', DEV_I, 'nud', 'permanent']);
  sh(['ip', '-n', NS_R, 'neigh', 'replace', IP_I, 'lladdr', macs[NS_I], 'dev', DEV_R, 'nud', 'permanent']);
  sh(['ip', '-n', NS_I, 'route', 'add', '198.18.0.0/16', 'via', IP_R, 'dev', DEV_I]);
  sh(['ip', '-n', NS_R, 'route', 'add', '198.18.0.0/16', 'via', IP_I, 'dev', DEV_R]);
  // The 1:1 rewrite that makes r answer at 198.18.a.b (see the header).
  const ruleset = `table netdev h2bench {
  chain in { type filter hook ingress device "${DEV_R}" priority 0; policy accept;
    ip daddr 198.18.0.0/16 ip saddr set ip daddr ip daddr set ${IP_R}
  }
  chain out { type filter hook egress device "${DEV_R}" priority 0; policy accept;
    ip daddr 198.18.0.0/16 ip saddr set ip daddr ip daddr set ${IP_I}
  }
}
`;
  sh(['ip', 'netns', 'exec', NS_R, 'nft', '-f', '-'], { input: ruleset });
  // Checksum offload would leave the UDP checksum to a device that never computes it after the rewrite.
  for (const [ns, dev] of [[NS_I, DEV_I], [NS_R, DEV_R]]) sh(['ip', 'netns', 'exec', ns, 'ethtool', '-K', dev, 'tx', 'off'], { allowFailure: true });
}

/** The namespace's UDP counters (InDatagrams, OutDatagrams, RcvbufErrors) from /proc/net/snmp. */
function udpCounters(ns) {
  const lines = sh(['ip', 'netns', 'exec', ns, 'cat', '/proc/net/snmp']).split('\n').filter((l) => l.startsWith('Udp:'));
  const keys = lines[0].split(/\s+/);
  const values = lines[1].split(/\s+/).map(Number);
  const get = (k) => values[keys.indexOf(k)];
  return { in: get('InDatagrams'), out: get('OutDatagrams'), rcvbufErrors: get('RcvbufErrors') };
}

const CLK_TCK = Number(sh(['getconf', 'CLK_TCK']).trim()) || 100;

/** CPU seconds (user + system) a process has used, from /proc/PID/stat. */
function cpuSeconds(pid) {
  return statCpu(`/proc/${pid}/stat`);
}

/** CPU seconds of a process's main thread alone (the JavaScript thread of a node process). */
function mainThreadCpuSeconds(pid) {
  return statCpu(`/proc/${pid}/task/${pid}/stat`);
}

function statCpu(file) {
  const stat = fs.readFileSync(file, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
}

function policyLines(group) {
  return ['crypto isakmp policy 10', ' encryption aes', ' hash sha256', ' authentication pre-share', ` group ${group}`, 'exit'];
}

function initiatorConfig(n, group) {
  const lines = ['hostname bench-i', ...policyLines(group), `crypto isakmp key ${KEY} address 198.18.0.0 255.255.0.0`,
    'crypto ipsec transform-set TS esp-aes esp-sha-hmac', 'exit'];
  for (let i = 1; i <= n; i++) {
    lines.push(`ip access-list extended p${i}`, ` permit ip host ${addr('10.1', i)} 10.2.0.0 0.0.0.255`, 'exit',
      `crypto map VPN ${i} ipsec-isakmp`, ` set peer ${addr('198.18', i)}`, ' set transform-set TS', ` match address p${i}`, ' set auto-up',
      'exit');
  }
  // The map goes on the interface when the clock starts (APPLY_MAP).
  lines.push(`interface ${DEV_I}`, ` ip address ${IP_I} 255.255.255.0`, 'exit', 'end');
  return lines;
}

/** What starts the N negotiations on the initiator: its auto-up map applied to its interface. */
const APPLY_MAP = ['configure terminal', `interface ${DEV_I}`, 'crypto map VPN', 'end'];

function responderConfig(group) {
  return ['hostname bench-r', ...policyLines(group), `crypto isakmp key ${KEY} address 0.0.0.0 0.0.0.0`,
    'crypto ipsec transform-set TS esp-aes esp-sha-hmac', 'exit',
    'crypto dynamic-map DYN 10', ' set transform-set TS', 'exit',
    'crypto map VPN 10 ipsec-isakmp dynamic DYN',
    `interface ${DEV_R}`, ` ip address ${IP_R} 255.255.255.0`, ' crypto map VPN', 'exit', 'end'];
}

/** One control-socket session (newline-delimited JSON, see src/console/control-protocol.ts). */
class Session {
  static open(socketPath) {
    return new Promise((resolve, reject) => {
      const s = new Session(net.connect(socketPath));
      s.sock.once('connect', () => resolve(s));
      s.sock.once('error', reject);
    });
  }

  constructor(sock) {
    this.sock = sock;
    this.next = 1;
    this.pending = new Map();
    this.buf = '';
    sock.setEncoding('utf8');
    sock.on('data', (d) => {
      this.buf += d;
      let nl;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const msg = JSON.parse(this.buf.slice(0, nl));
        this.buf = this.buf.slice(nl + 1);
        const p = msg.id != null && this.pending.get(msg.id);
        if (p) {
          this.pending.delete(msg.id);
          p(msg);
        }
      }
    });
    sock.on('close', () => {
      for (const p of this.pending.values()) p({ ok: false, output: 'control connection closed' });
      this.pending.clear();
    });
  }

  exec(line) {
    const id = this.next++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.sock.write(`${JSON.stringify({ id, op: 'exec', line })}\n`);
    });
  }

  /** Ends the session; resolves when the daemon has closed its side too (or after 10 s). */
  close() {
    return new Promise((resolve) => {
      if (this.sock.destroyed) return resolve();
      const timer = setTimeout(() => { this.sock.destroy(); resolve(); }, 10_000);
      this.sock.once('close', () => { clearTimeout(timer); resolve(); });
      this.sock.end();
    });
  }
}

class Daemon {
  constructor(ns, address, dir, prof) {
    this.ns = ns;
    this.address = address;
    this.dir = dir;
    this.socket = path.join(dir, 'ikegated.sock');
    this.heapSocket = path.join(dir, 'heap.sock');
    this.log = path.join(dir, 'ikegated.log');
    const out = fs.openSync(path.join(dir, 'ikegated.out'), 'a');
    const nodeArgs = ['--openssl-legacy-provider', '--expose-gc', '--require', PROBE];
    if (prof) nodeArgs.push('--cpu-prof', '--cpu-prof-dir', prof);
    nodeArgs.push(...(process.env.BENCH_NODE_ARGS ?? '').split(/\s+/).filter(Boolean));
    this.proc = spawn('ip', ['netns', 'exec', ns, process.execPath, ...nodeArgs, DAEMON,
      '--config-dir', path.join(dir, 'config'), '--console', 'none', '--control', this.socket, '--card', 'none',
      '--log-level', 'info', '--log-file', this.log, '--ike-address', address],
    { stdio: ['ignore', out, out], env: { ...process.env, IKEGATE_BENCH_HEAP_SOCKET: this.heapSocket } });
    fs.closeSync(out);
  }

  async ready(timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.proc.exitCode !== null) throw new Error(`ikegated in ${this.ns} exited: ${this.tail()}`);
      try {
        const s = await Session.open(this.socket);
        s.close();
        if (fs.existsSync(this.heapSocket)) return;
      } catch { /* not listening yet */ }
      if (Date.now() > deadline) throw new Error(`ikegated in ${this.ns} not ready in ${timeoutMs} ms: ${this.tail()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  tail() {
    const read = (f) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8').split('\n').slice(-15).join('\n') : '');
    return `${read(this.log)}\n${read(path.join(this.dir, 'ikegated.out'))}`;
  }

  async run(line) {
    const s = await Session.open(this.socket);
    const r = await s.exec(line);
    s.close();
    if (!r.ok) throw new Error(`${this.ns}: "${line}" failed: ${r.output ?? r.error}`);
    return r.output ?? '';
  }

  /** heapUsed after a full GC, in bytes. */
  heap() {
    return new Promise((resolve, reject) => {
      let text = '';
      net.connect(this.heapSocket).setEncoding('utf8').on('data', (d) => { text += d; })
        .on('end', () => resolve(JSON.parse(text).heapUsed)).on('error', reject);
    });
  }

  /**
   * Waits until the daemon's log holds `n` "IPsec SA ... established" records; resolves with the
   * time (epoch ms) of the n-th, or undefined at the deadline. Reads the log incrementally.
   */
  async waitEstablished(n, deadline) {
    let offset = 0;
    let rest = '';
    let count = 0;
    for (;;) {
      const fd = fs.openSync(this.log, 'r');
      try {
        const buf = Buffer.alloc(1 << 20);
        for (let got; (got = fs.readSync(fd, buf, 0, buf.length, offset)) > 0;) {
          offset += got;
          const lines = (rest + buf.toString('utf8', 0, got)).split('\n');
          rest = lines.pop();
          for (const line of lines) {
            if (!line.includes('IPsec SA with') || !line.includes('established')) continue;
            if (++count === n) return JSON.parse(line).time;
          }
        }
      } finally {
        fs.closeSync(fd);
      }
      if (Date.now() > deadline || this.proc.exitCode !== null) return undefined;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Established IKE SAs: QM_IDLE rows of `show crypto isakmp sa`. */
  async establishedIke() {
    return (await this.run('show crypto isakmp sa')).split('\n').filter((l) => /\sQM_IDLE\s/.test(l)).length;
  }

  /** IPsec SA pairs: peers of `show crypto ipsec sa` with an inbound and an outbound ESP SA. */
  async establishedIpsec() {
    return countIpsecPairs(await this.run('show crypto ipsec sa'));
  }

  stop() {
    if (this.proc.exitCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.proc.once('exit', resolve);
      this.proc.kill('SIGTERM');
      setTimeout(() => this.proc.kill('SIGKILL'), 20_000).unref();
    });
  }
}

/** Peers of `show crypto ipsec sa` with at least one inbound and one outbound ESP SA. */
function countIpsecPairs(text) {
  let pairs = 0;
  for (const block of text.split(/current_peer /).slice(1)) {
    const inbound = /inbound esp sas:\s*\n\s*spi: 0x/.test(block);
    const outbound = /outbound esp sas:\s*\n\s*spi: 0x/.test(block);
    if (inbound && outbound) pairs++;
  }
  return pairs;
}

async function ikegateRun(n, group, workDir) {
  setupNet();
  const prof = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF, `g${group}`) : undefined;
  if (prof) fs.mkdirSync(prof, { recursive: true });
  const daemons = [];
  try {
    for (const [ns, ip, lines] of [[NS_I, IP_I, initiatorConfig(n, group)], [NS_R, IP_R, responderConfig(group)]]) {
      const dir = path.join(workDir, `${ns}-g${group}`);
      fs.mkdirSync(path.join(dir, 'config'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'config', 'startup-config'), `${lines.join('\n')}\n`);
      daemons.push(new Daemon(ns, ip, dir, prof));
    }
    const [di, dr] = daemons;
    // The initiator loads 8 configuration lines per peer first.
    await Promise.all(daemons.map((d) => d.ready(60_000 + n * 10)));
    const routes = await di.run('show crypto map');
    if (!routes.includes(addr('198.18', n))) throw new Error(`initiator's crypto map lacks peer ${n}: config not loaded? ${di.tail()}`);
    const heap0 = await Promise.all(daemons.map((d) => d.heap()));

    const control = await Session.open(di.socket);
    const udp0 = [udpCounters(NS_I), udpCounters(NS_R)];
    const load = os.loadavg()[0];
    const cpu0 = daemons.map((d) => cpuSeconds(d.proc.pid));
    const main0 = daemons.map((d) => mainThreadCpuSeconds(d.proc.pid));
    const t0 = process.hrtime.bigint();
    const startMs = Date.now();
    for (const line of APPLY_MAP) {
      const r = await control.exec(line);
      if (!r.ok) throw new Error(`initiator: "${line}" failed: ${r.output ?? r.error}`);
    }
    await control.close();
    const deadline = Date.now() + 60_000 + n * 30;
    // Completion is timed as the charon driver times it (from its daemons' child-updown events):
    // by the time of the last "IPsec SA ... established" record either daemon logged, read from
    // the log files outside the daemons so that no console command loads them in the window.
    const done = await Promise.all(daemons.map((d) => d.waitEstablished(n, deadline)));
    let wall;
    if (done.every((t) => t !== undefined)) {
      wall = (Math.max(...done) - startMs) / 1000;
      // The profiles' clock is monotonic: the window is placed by the same offset from t0.
      if (prof) fs.writeFileSync(path.join(prof, 'window.json'), JSON.stringify({ startUs: Number(t0 / 1000n), endUs: Number(t0 / 1000n) + Math.round(wall * 1e6) }));
    }
    const cpu = daemons.map((d, k) => cpuSeconds(d.proc.pid) - cpu0[k]);
    const mainCpu = daemons.map((d, k) => mainThreadCpuSeconds(d.proc.pid) - main0[k]);
    // Then, as the charon driver cross-checks with list-sas: both ends must list every tunnel.
    const last = { i: {}, r: {} };
    [last.i.ike, last.r.ike] = await Promise.all(daemons.map((d) => d.establishedIke()));
    [last.i.ipsec, last.r.ipsec] = await Promise.all(daemons.map((d) => d.establishedIpsec()));
    if (Math.min(last.i.ike, last.r.ike, last.i.ipsec, last.r.ipsec) < n) wall = undefined;
    const udp = [udpCounters(NS_I), udpCounters(NS_R)].map((u, k) => ({
      in: u.in - udp0[k].in, out: u.out - udp0[k].out, rcvbufErrors: u.rcvbufErrors - udp0[k].rcvbufErrors }));
    const natT = (await di.run('show crypto isakmp sa detail')).split('\n').filter((l) => l.includes('NAT-T in use')).length;
    const heap1 = await Promise.all(daemons.map((d) => d.heap()));
    const per = heap1.map((h, k) => (h - heap0[k]) / n);
    return { n, group, wall, last, heap0, heap1, per, natT, udp, cpu, mainCpu, load, logs: daemons.map((d) => d.tail()) };
  } finally {
    await Promise.all(daemons.map((d) => d.stop()));
    teardownNet();
  }
}

function charonRun(n, group) {
  const script = process.env.CHARON_BENCH ?? CHARON_DEFAULT;
  if (script === 'none') return { skipped: 'CHARON_BENCH=none' };
  if (!fs.existsSync('/usr/lib/ipsec/charon')) return { skipped: 'strongSwan charon is not installed' };
  if (!fs.existsSync(script)) return { skipped: `no charon driver at ${script}` };
  const r = spawnSync('bash', [script, String(n), `aes128-sha256-${GROUP_NAMES[group]}`, 'aes128-sha1'], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const lines = r.stdout.trim().split('\n');
  const m = /charon-ike-rate .*established=(\d+) wall_s=([\d.]+) rate=([\d.]+)/.exec(lines[lines.length - 1] ?? '');
  if (!m) return { failed: `${script} exited ${r.status}: ${lines.slice(-5).join(' | ')} ${r.stderr.trim().slice(-300)}` };
  return { established: Number(m[1]), wall: Number(m[2]), rate: Number(m[3]), complete: r.status === 0 };
}

async function main() {
  const n = Number(process.argv[2] ?? 100);
  if (!Number.isInteger(n) || n < 1 || n > 62500) fail('usage: npm run bench:ike -- N   (1..62500)');
  if (process.getuid?.() !== 0) fail('needs root (network namespaces)');
  if (!fs.existsSync(DAEMON)) fail(`${DAEMON} is missing: run npm run build:ts first`);
  if (spawnSync('nft', ['--version']).error) fail('nft is missing (apt-get install nftables)');
  const groups = (process.env.BENCH_GROUPS ?? '14 19').split(/\s+/).filter(Boolean).map(Number);
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'h2bench-'));
  process.on('exit', () => {
    teardownNet();
    if (process.env.BENCH_KEEP !== '1') fs.rmSync(workDir, { recursive: true, force: true });
  });
  process.on('SIGINT', () => process.exit(130));
  process.on('SIGTERM', () => process.exit(143));
  console.log(`bench:ike N=${n}: Main Mode + Quick Mode, aes128/sha256/pre-share, ESP esp-aes esp-sha-hmac, ${os.cpus().length} cores`);
  console.log('encapsulation: ikegate NAT-T (UDP 4500 from MM5, UDP-encapsulated ESP SAs), the same as charon\'s kernel-libipsec which forces it');
  let allUp = true;
  for (const group of groups) {
    const r = await ikegateRun(n, group, workDir);
    const kib = r.per.map((b) => (b / 1024).toFixed(2));
    const [ui, ur] = r.udp;
    // CPU per setup hardly depends on what else the machine runs; the rate does.
    // The main thread runs the JavaScript; V8's other threads compile hot code and help the GC.
    const perSetup = (k) => `${(1000 * r.cpu[k] / n).toFixed(2)} ms/setup: main thread ${(1000 * r.mainCpu[k] / n).toFixed(2)}, ` +
      `V8 compiler and GC threads ${(1000 * (r.cpu[k] - r.mainCpu[k]) / n).toFixed(2)}`;
    const cpuLine = `  cpu: initiator ${r.cpu[0].toFixed(2)} s (${perSetup(0)}), responder ${r.cpu[1].toFixed(2)} s (${perSetup(1)}), ` +
      `wall ${(r.wall ?? NaN).toFixed(2)} s x ${os.cpus().length} cores; load average before ${r.load.toFixed(2)}`;
    // MM+QM is 9 messages a setup: the initiator sends 5, the responder 4.
    const udpLine = `  udp: initiator in=${ui.in} out=${ui.out} rcvbuf_err=${ui.rcvbufErrors}; responder in=${ur.in} out=${ur.out} ` +
      `rcvbuf_err=${ur.rcvbufErrors}; datagrams beyond 9*N (retransmits etc.): ${ui.out + ur.out - 9 * n}`;
    if (r.wall === undefined) {
      allUp = false;
      console.log(`ikegate group ${group}: FAILED: not all ${n} tunnels up on both ends before the deadline: ` +
        `initiator ike=${r.last.i.ike} ipsec=${r.last.i.ipsec}, responder ike=${r.last.r.ike} ipsec=${r.last.r.ipsec}`);
      console.log(`${cpuLine}\n${udpLine}`);
      console.log(r.logs.join('\n---\n'));
      continue;
    }
    const rate = n / r.wall;
    console.log(`ikegate group ${group}: established=${n} (both ends: ${n} IKE SAs, ${n} IPsec SA pairs) wall_s=${r.wall.toFixed(3)} ` +
      `rate=${rate.toFixed(1)}/s nat_t=${r.natT}/${n} heap_per_tunnel_KiB initiator=${kib[0]} responder=${kib[1]} ` +
      `(heapUsed after GC MiB: ${r.heap0.map((h) => (h / 1048576).toFixed(1)).join('/')} -> ${r.heap1.map((h) => (h / 1048576).toFixed(1)).join('/')})`);
    console.log(`${cpuLine}\n${udpLine}`);
    const c = charonRun(n, group);
    if (c.skipped) console.log(`charon group ${group}: skipped (${c.skipped})`);
    else if (c.failed) console.log(`charon group ${group}: failed: ${c.failed}`);
    else {
      console.log(`charon group ${group}: established=${c.established}${c.complete ? '' : ` of ${n} (INCOMPLETE)`} wall_s=${c.wall} rate=${c.rate}/s`);
      console.log(`ratio group ${group}: ikegate/charon = ${(rate / c.rate).toFixed(2)}`);
    }
  }
  process.exitCode = allUp ? 0 : 1;
}

main().catch((err) => fail(err.stack ?? String(err)));

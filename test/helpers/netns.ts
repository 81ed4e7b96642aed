/**
 * Network namespaces for the interop tests: a Lab creates uniquely named namespaces joined by
 * veth pairs, runs programs inside them, drops a share of a link's packets, and removes it all
 * at tap teardown, at process exit or signal, and (for runs that died by SIGKILL) at the next
 * run's start. All addresses live inside the namespaces; nothing touches the host's network.
 *
 * Names: every namespace is `ikg<pid>-<lab>-<label>`, so parallel tap files never collide and a
 * leftover whose pid is gone is known to be stale. Links use 10.99.<n>.0/24 (the n-th link of a
 * lab: end a is .1, end b is .2); each namespace is its own routing world, so labs may reuse
 * them. Set IKEGATE_INTEROP_KEEP=1 to keep the lab directory (configs, logs) after the run.
 */
import { spawn, spawnSync, type ChildProcess, type StdioOptions } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';

/** The minimal part of tap's Test the helpers use. */
export interface TestLike {
  teardown(fn: () => void | Promise<void>): void;
  comment(...args: unknown[]): void;
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  /** Killed (SIGKILL) after this long; default 30 s, so a hung tool cannot hang the test. */
  readonly timeoutMs?: number;
  /** Resolve on a non-zero exit instead of rejecting. */
  readonly allowFailure?: boolean;
  /** Written to the program's stdin. */
  readonly input?: string;
}

const RUN_PREFIX = `ikg${process.pid}-`;
const NAME_PATTERN = /^ikg(\d+)-/;
const LAB_DIR_PATTERN = /^ikegate-lab-(\d+)-/;
const NETNS_ETC = '/etc/netns';
const UDP_RELAY = path.resolve(__dirname, '..', '..', 'scripts', 'interop', 'udp-relay.js');
const KEEP = process.env.IKEGATE_INTEROP_KEEP === '1';

/** Run a program and collect its output; rejects with both streams on failure. */
function run(argv: readonly string[], opts: RunOptions = {}): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], argv.slice(1), { stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (s: string) => { stdout += s; });
    child.stderr?.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000);
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const result = { code: code ?? -1, stdout, stderr };
      if (result.code === 0 || opts.allowFailure) resolve(result);
      else reject(new Error(`${argv.join(' ')} ${signal ? `killed by ${signal}` : `exited ${code}`}\n${stdout}${stderr}`));
    });
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

function runSync(argv: readonly string[]): string {
  const r = spawnSync(argv[0], argv.slice(1), { encoding: 'utf8', timeout: 10_000 });
  return typeof r.stdout === 'string' ? r.stdout : '';
}

let support: string | undefined | null = null;

/**
 * Why namespaces cannot be used here (not root, no `ip`, or a container that forbids them),
 * or undefined. Probed once by creating and deleting a namespace.
 */
export function netnsUnavailable(): string | undefined {
  if (support !== null) return support;
  const probe = `${RUN_PREFIX}probe`;
  if (process.getuid?.() !== 0) support = 'network namespaces need root';
  else {
    const add = spawnSync('ip', ['netns', 'add', probe], { encoding: 'utf8' });
    if (add.error) support = `cannot run ip (${add.error.message}): bash scripts/setup installs iproute2`;
    else if (add.status !== 0) support = `ip netns add failed: ${add.stderr.trim()}`;
    else support = undefined;
    spawnSync('ip', ['netns', 'del', probe]);
  }
  return support;
}

/** One end of a veth pair. */
export interface LinkEnd {
  readonly ns: Namespace;
  readonly dev: string;
  readonly address: string;
}

/** Joins two namespaces: a is 10.99.<n>.1/24, b is 10.99.<n>.2/24. */
export interface Link {
  readonly a: LinkEnd;
  readonly b: LinkEnd;
}

/** A random packet drop on a link end's egress. */
export interface Loss {
  /** Packets dropped so far. */
  dropped(): Promise<number>;
}

export interface Datagram {
  readonly from: string;
  readonly port: number;
  readonly data: Buffer;
}

export class Namespace {
  constructor(readonly name: string, readonly label: string, readonly lab: Lab) {}

  /**
   * `ip netns exec` bind-mounts each entry of this directory over the same name in /etc, so a
   * daemon started there reads its own strongswan.conf and swanctl/ without touching the host's.
   */
  get etc(): string {
    return path.join(NETNS_ETC, this.name);
  }

  /** Run a program inside the namespace. */
  exec(argv: readonly string[], opts?: RunOptions): Promise<RunResult> {
    return run(['ip', 'netns', 'exec', this.name, ...argv], opts);
  }

  /** `ip -n <ns> ...`: no mount namespace or exec needed, so cheaper than exec(['ip', ...]). */
  async ip(...args: string[]): Promise<string> {
    return (await run(['ip', '-n', this.name, ...args])).stdout;
  }

  /** Start a long-running program inside the namespace; the lab kills it if nothing else does. */
  spawn(argv: readonly string[], stdio: StdioOptions): ChildProcess {
    return spawn('ip', ['netns', 'exec', this.name, ...argv], { stdio });
  }

  async addAddress(cidr: string, dev = 'lo'): Promise<void> {
    await this.ip('addr', 'add', cidr, 'dev', dev);
  }

  /** A UDP socket bound inside the namespace (see scripts/interop/udp-relay.js). */
  async udp(address: string, port: number): Promise<UdpSocket> {
    const child = this.spawn([process.execPath, UDP_RELAY, address, String(port)], ['pipe', 'pipe', 'pipe']);
    const socket = new UdpSocket(child);
    await socket.ready();
    return socket;
  }
}

/** A socket living in a namespace; datagrams queue until received. */
export class UdpSocket {
  private readonly queue: Datagram[] = [];
  private readonly waiting: Array<(d: Datagram) => void> = [];
  private stderr = '';
  private readonly listening: Promise<void>;

  constructor(private readonly child: ChildProcess) {
    const stdout = child.stdout;
    if (!stdout || !child.stdin) throw new Error('udp relay needs piped stdio');
    child.stderr?.setEncoding('utf8').on('data', (s: string) => { this.stderr += s; });
    // A write after the relay died would throw EPIPE out of the event loop; the exit is reported instead.
    child.stdin.on('error', () => undefined);
    const lines = readline.createInterface({ input: stdout });
    this.listening = new Promise((resolve, reject) => {
      child.on('exit', (code) => reject(new Error(`udp relay exited ${code}: ${this.stderr.trim()}`)));
      lines.on('line', (line) => {
        const msg = JSON.parse(line) as { listening?: unknown; from?: string; port?: number; hex?: string };
        if (msg.listening) resolve();
        else this.deliver({ from: msg.from ?? '', port: msg.port ?? 0, data: Buffer.from(msg.hex ?? '', 'hex') });
      });
    });
  }

  ready(): Promise<void> {
    return this.listening;
  }

  send(to: string, port: number, data: Buffer): void {
    this.child.stdin?.write(`${JSON.stringify({ to, port, hex: data.toString('hex') })}\n`);
  }

  /** The next datagram, oldest first. */
  receive(timeoutMs: number): Promise<Datagram> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(take), 1);
        reject(new Error(`no datagram within ${timeoutMs} ms`));
      }, timeoutMs);
      const take = (d: Datagram): void => { clearTimeout(timer); resolve(d); };
      this.waiting.push(take);
    });
  }

  close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.stdin?.end();
    });
  }

  private deliver(d: Datagram): void {
    const take = this.waiting.shift();
    if (take) take(d);
    else this.queue.push(d);
  }
}

let labCount = 0;
const liveLabs = new Set<Lab>();

export class Lab {
  /** Configs and logs of everything in the lab (removed with it unless IKEGATE_INTEROP_KEEP=1). */
  readonly dir: string;
  private readonly prefix: string;
  private readonly namespaces: Namespace[] = [];
  private readonly deferred: Array<() => Promise<void>> = [];
  private links = 0;
  private destroyed = false;

  private constructor() {
    labCount += 1;
    this.prefix = `${RUN_PREFIX}${labCount}-`;
    this.dir = mkdtempSync(path.join(tmpdir(), `ikegate-lab-${process.pid}-`));
  }

  /** A lab torn down with the test `t` (and at process exit, whatever happens to the test). */
  static create(t: TestLike): Lab {
    if (labCount === 0) {
      sweepStale();
      hookExit();
    }
    const lab = new Lab();
    liveLabs.add(lab);
    t.teardown(async () => {
      await lab.close();
      if (KEEP) t.comment(`lab kept in ${lab.dir}`);
    });
    return lab;
  }

  /** `label`: 1 to 4 lower-case letters or digits, unique in the lab. */
  async namespace(label: string): Promise<Namespace> {
    if (!/^[a-z0-9]{1,4}$/.test(label)) throw new RangeError(`namespace label "${label}": 1-4 of [a-z0-9]`);
    const ns = new Namespace(`${this.prefix}${label}`, label, this);
    await run(['ip', 'netns', 'add', ns.name]);
    this.namespaces.push(ns);
    await ns.ip('link', 'set', 'lo', 'up');
    // The lab is IPv4. Without IPv6 its links carry no router solicitations or MLD reports, so
    // what a test counts (or drops) on a link is its own traffic.
    await ns.exec(['sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1', 'net.ipv6.conf.default.disable_ipv6=1']);
    return ns;
  }

  /**
   * A veth pair between two namespaces, created inside them (never in the host's namespace, so
   * its device names cannot clash), with permanent neighbour entries: packet loss on the link
   * must hit IKE, not ARP, or a lost ARP reply would add seconds that no daemon caused.
   */
  async link(a: Namespace, b: Namespace): Promise<Link> {
    if (a === b) throw new RangeError('a link joins two different namespaces');
    const n = this.links++;
    if (n > 254) throw new RangeError('a lab has at most 255 links');
    const dev = `veth${n}`;
    const ends: LinkEnd[] = [{ ns: a, dev, address: `10.99.${n}.1` }, { ns: b, dev, address: `10.99.${n}.2` }];
    await a.ip('link', 'add', dev, 'type', 'veth', 'peer', 'name', dev, 'netns', b.name);
    const macs: string[] = [];
    for (const end of ends) {
      await end.ns.ip('addr', 'add', `${end.address}/24`, 'dev', dev);
      await end.ns.ip('link', 'set', dev, 'up');
      const [info] = JSON.parse(await end.ns.ip('-j', 'link', 'show', 'dev', dev)) as Array<{ address: string }>;
      macs.push(info.address);
    }
    await a.ip('neigh', 'replace', ends[1].address, 'lladdr', macs[1], 'dev', dev, 'nud', 'permanent');
    await b.ip('neigh', 'replace', ends[0].address, 'lladdr', macs[0], 'dev', dev, 'nud', 'permanent');
    return { a: ends[0], b: ends[1] };
  }

  /** Async clean-up run before the namespaces go, newest first (e.g. stopping a daemon gracefully). */
  defer(fn: () => Promise<void>): void {
    this.deferred.push(fn);
  }

  async close(): Promise<void> {
    for (const fn of this.deferred.splice(0).reverse()) {
      await fn().catch(() => undefined);
    }
    this.destroy();
  }

  /** Synchronous so the exit handler can use it: kill what runs inside, delete everything. */
  destroy(): void {
    if (this.destroyed) return;
    this.destroyed = true;
    liveLabs.delete(this);
    for (const ns of [...this.namespaces].reverse()) removeNamespace(ns.name);
    if (!KEEP) rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * Drop `percent` % of the frames leaving a link end, at random. netem would be the usual tool,
 * but the kernels on these machines are built without it (CONFIG_NET_SCH_NETEM is not set: tc
 * answers "Specified qdisc kind is unknown"), so this uses an nftables netdev egress hook with
 * a random number per packet: the same place (the device's egress) and the same independent
 * per-packet loss. It needs `nft` (Debian nftables, installed by scripts/setup).
 */
export async function addLoss(end: LinkEnd, percent: number): Promise<Loss> {
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) throw new RangeError(`loss ${percent}%`);
  return addDrop(end, 'ikegate_loss', `numgen random mod 100 < ${percent}`, `${percent}% loss`);
}

/** A drop of chosen packets on a link end's egress, until removed. */
export interface Drop extends Loss {
  remove(): Promise<void>;
}

/**
 * Drop every frame leaving a link end that matches an nftables expression (e.g. one IKE
 * message, by its UDP length and exchange type), in the same egress hook as addLoss.
 */
export async function addDrop(end: LinkEnd, table: string, match: string, what = match): Promise<Drop> {
  const ruleset = `table netdev ${table} {
  chain ${end.dev} {
    type filter hook egress device "${end.dev}" priority 0; policy accept;
    ${match} counter drop
  }
}
`;
  try {
    await end.ns.exec(['nft', '-f', '-'], { input: ruleset });
  } catch (err) {
    const message = (err as Error).message;
    const why = message.includes('exec of "nft" failed') ? 'nft is missing: bash scripts/setup installs nftables' : message;
    throw new Error(`cannot add ${what} on ${end.ns.label}/${end.dev}: ${why}`);
  }
  return {
    async dropped() {
      const listing = (await end.ns.exec(['nft', 'list', 'chain', 'netdev', table, end.dev])).stdout;
      return Number(/counter packets (\d+)/.exec(listing)?.[1] ?? 0);
    },
    async remove() {
      await end.ns.exec(['nft', 'delete', 'table', 'netdev', table]);
    },
  };
}

/** Kill what runs inside (all of it was started by these tests), delete the namespace and its /etc. */
function removeNamespace(name: string): void {
  for (const pid of runSync(['ip', 'netns', 'pids', name]).split(/\s+/).filter(Boolean)) {
    try {
      process.kill(Number(pid), 'SIGKILL');
    } catch {
      // Already gone between the listing and the kill.
    }
  }
  spawnSync('ip', ['netns', 'del', name]);
  rmSync(path.join(NETNS_ETC, name), { recursive: true, force: true });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Namespaces, /etc/netns entries and lab directories of earlier runs whose process is gone (SIGKILL). */
function sweepStale(): void {
  const names = new Set(runSync(['ip', 'netns', 'list']).split('\n').map((line) => line.split(' ')[0]));
  if (existsSync(NETNS_ETC)) for (const entry of readdirSync(NETNS_ETC)) names.add(entry);
  for (const name of names) {
    const m = NAME_PATTERN.exec(name);
    if (m && !alive(Number(m[1]))) removeNamespace(name);
  }
  if (KEEP) return;
  for (const entry of readdirSync(tmpdir())) {
    const m = LAB_DIR_PATTERN.exec(entry);
    if (m && !alive(Number(m[1]))) rmSync(path.join(tmpdir(), entry), { recursive: true, force: true });
  }
}

/**
 * Tear down every live lab when the process ends without tap's teardown: exit, a signal, or
 * tap's timeout (SIGALRM, then SIGKILL 500 ms later; what a SIGKILL leaves, sweepStale takes).
 */
function hookExit(): void {
  const destroyAll = (): void => {
    for (const lab of [...liveLabs]) lab.destroy();
  };
  process.on('exit', destroyAll);
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGALRM'] as const) {
    process.once(signal, () => {
      destroyAll();
      // Raise it again now that this listener is gone: tap's own handler sees it as if we had
      // never listened, and with no handler left the default action ends the process.
      process.kill(process.pid, signal);
    });
  }
}

/**
 * strongSwan's charon (Debian 5.9.8) as an interop peer, one per network namespace (see
 * netns.ts): a generated strongswan.conf and swanctl.conf, a vici socket per instance, and the
 * SAs read back through `swanctl --list-sas --pretty`.
 *
 * Facts about these machines the configuration depends on:
 * - The kernel has neither ESP nor PF_KEY, so charon uses kernel-libipsec (userspace ESP over a
 *   TUN device, `ipsec0` in each namespace). That datapath always encapsulates ESP in UDP, so
 *   charon claims NAT-T even without a NAT: IKE moves to port 4500 at Main Mode message 5 (or
 *   Aggressive Mode message 3) and every CHILD_SA is UDP-encapsulated (encap = yes).
 * - kernel-libipsec routes each CHILD_SA's remote_ts into the TUN device with a source address
 *   from local_ts; when the namespace holds no address inside local_ts the route (and so the
 *   CHILD_SA) fails with "unable to install IPsec policies (SPD)". Give every namespace an
 *   address inside its local_ts (Namespace.addAddress, on lo).
 * - charon answers an Aggressive Mode PSK initiator only with
 *   i_dont_care_about_security_and_use_aggressive_mode_psk set; the issue requires answering.
 * - Connections with equal addresses and identities share one IKE SA: charon runs the second
 *   connection's CHILD_SA over the first one's IKE SA, listed under the first one's name.
 */
import { type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Namespace, RunResult } from './netns';

const CHARON = '/usr/lib/ipsec/charon';
const SWANCTL = '/usr/sbin/swanctl';
const PLUGIN_DIR = '/usr/lib/ipsec/plugins';

/**
 * The smallest plugin list that does IKEv1 PSK with these machines' kernel: nonce (IKE
 * nonces), openssl (every cipher, hash, PRF and DH group we test, and charon's RNG: the
 * separate random plugin is not needed), kernel-libipsec (the IPsec backend; it must come
 * before kernel-netlink so it, not netlink's XFRM, is the SA/policy backend), kernel-netlink
 * (addresses, routes, interfaces), socket-default (UDP 500/4500) and vici (swanctl).
 */
const PLUGINS = ['nonce', 'openssl', 'kernel-libipsec', 'kernel-netlink', 'socket-default', 'vici'];

/** Why charon cannot run here (a missing package or /dev/net/tun), or undefined. */
export function charonUnavailable(): string | undefined {
  const files = [CHARON, SWANCTL, ...PLUGINS.map((p) => path.join(PLUGIN_DIR, `libstrongswan-${p}.so`))];
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length) {
    return `strongSwan is not installed (missing ${missing.join(', ')}): bash scripts/setup installs it`;
  }
  if (!existsSync('/dev/net/tun')) return 'no /dev/net/tun: charon\'s kernel-libipsec needs a TUN device';
  return undefined;
}

export interface ChildConfig {
  readonly name: string;
  /** swanctl esp_proposals, e.g. "aes128-sha1" or "aes256-sha256-modp2048" (PFS). */
  readonly espProposal: string;
  readonly localTs: string;
  readonly remoteTs: string;
  /** "start" initiates when the config is loaded, "trap" on traffic; default none. */
  readonly startAction?: 'none' | 'start' | 'trap';
  /** Seconds. */
  readonly rekeyTime?: number;
  /** Seconds; hard expiry. */
  readonly lifeTime?: number;
}

export interface ConnectionConfig {
  readonly name: string;
  /** Aggressive Mode instead of Main Mode (IKEv1 is always used). */
  readonly aggressive?: boolean;
  readonly psk: string;
  readonly localAddrs: string;
  /** Default %any: a responder for whoever matches. */
  readonly remoteAddrs?: string;
  /** IKE identity: an address gives ID_IPV4_ADDR, a name ID_FQDN, user@host ID_USER_FQDN. */
  readonly localId: string;
  /** Default %any. */
  readonly remoteId?: string;
  /** swanctl proposals, e.g. "aes256-sha256-modp2048", "3des-sha1-modp1024", "aes128-sha1-ecp256". */
  readonly ikeProposal: string;
  /** Seconds until charon re-establishes the IKE SA (IKEv1 has no IKE rekeying of its own). */
  readonly rekeyTime?: number;
  readonly children: readonly ChildConfig[];
}

export interface CharonOptions {
  /**
   * Retransmission: first timeout (seconds), backoff base and tries. charon's defaults (4 s,
   * 1.8, 5) make a lossy run take tens of seconds; tests under loss shorten them.
   */
  readonly retransmit?: { readonly timeout: number; readonly base: number; readonly tries: number };
}

export interface ChildSa {
  readonly name: string;
  readonly uniqueId: string;
  /** INSTALLED once usable. */
  readonly state: string;
  readonly mode: string;
  readonly protocol: string;
  /** ESP in UDP (always, with kernel-libipsec). */
  readonly encap: boolean;
  /** Hex, as charon prints them. */
  readonly spiIn: string;
  readonly spiOut: string;
  readonly encrAlg: string;
  readonly encrKeysize?: number;
  readonly integAlg?: string;
  readonly dhGroup?: string;
  /** Seconds left. */
  readonly rekeyTime?: number;
  readonly lifeTime?: number;
  readonly localTs: readonly string[];
  readonly remoteTs: readonly string[];
}

export interface IkeSa {
  /** The connection's name. */
  readonly name: string;
  readonly uniqueId: string;
  readonly version: number;
  /** ESTABLISHED once usable. */
  readonly state: string;
  readonly localHost: string;
  readonly localPort: number;
  readonly localId: string;
  readonly remoteHost: string;
  readonly remotePort: number;
  readonly remoteId: string;
  readonly initiator: boolean;
  /** Hex cookies: the same pair on both ends. */
  readonly initiatorSpi: string;
  readonly responderSpi: string;
  /** charon believes the peer is behind a NAT (always, with kernel-libipsec's forced NAT-T). */
  readonly natRemote: boolean;
  readonly encrAlg: string;
  readonly encrKeysize?: number;
  readonly integAlg: string;
  readonly prfAlg: string;
  readonly dhGroup: string;
  /** Seconds left. */
  readonly rekeyTime?: number;
  readonly children: readonly ChildSa[];
}

/** An established IKE SA with an installed CHILD_SA of the given names, if there is one. */
export function established(sas: readonly IkeSa[], ike: string, child: string): { ike: IkeSa; child: ChildSa } | undefined {
  for (const sa of sas) {
    if (sa.name !== ike || sa.state !== 'ESTABLISHED') continue;
    const c = sa.children.find((x) => x.name === child && x.state === 'INSTALLED');
    if (c) return { ike: sa, child: c };
  }
  return undefined;
}

export class Charon {
  private constructor(
    readonly ns: Namespace,
    /** unix:// URI of this instance's vici socket. */
    readonly vici: string,
    /** charon's own log (IKE messages, proposal selection, kernel errors). */
    readonly logFile: string,
    private readonly proc: ChildProcess,
    private readonly outFile: string,
  ) {}

  /**
   * Start charon in `ns` (one per namespace: its config lives in the namespace's /etc) and wait
   * until vici answers. The lab stops it before removing the namespace.
   */
  static async start(ns: Namespace, opts: CharonOptions = {}): Promise<Charon> {
    const dir = path.join(ns.lab.dir, ns.label);
    mkdirSync(path.join(ns.etc, 'swanctl'), { recursive: true });
    mkdirSync(dir, { recursive: true });
    const vici = `unix://${path.join(dir, 'charon.vici')}`;
    const logFile = path.join(dir, 'charon.log');
    const outFile = path.join(dir, 'charon.out');
    writeFileSync(path.join(ns.etc, 'strongswan.conf'), strongswanConf(vici, logFile, opts));
    writeFileSync(path.join(ns.etc, 'swanctl', 'swanctl.conf'), '');
    const out = openSync(outFile, 'a');
    // A private /run per instance: charon refuses to start while /run/charon.pid names a live
    // process, which another instance's would. ip netns exec, unshare and sh all exec, so the
    // child's pid is charon's.
    const proc = ns.spawn(['unshare', '-m', '--propagation', 'private', 'sh', '-c', `mount -t tmpfs tmpfs /run && exec ${CHARON}`],
      ['ignore', out, out]);
    closeSync(out);
    const charon = new Charon(ns, vici, logFile, proc, outFile);
    ns.lab.defer(() => charon.stop());
    await charon.untilReady();
    return charon;
  }

  /** swanctl against this instance, inside its namespace (so it reads the namespace's /etc/swanctl). */
  swanctl(args: readonly string[], timeoutMs = 30_000): Promise<RunResult> {
    return this.ns.exec(['swanctl', ...args, '--uri', this.vici], { timeoutMs, allowFailure: true });
  }

  /** Write swanctl.conf with these connections (and their PSKs) and load it all; rejects with swanctl's words. */
  async loadConfig(connections: readonly ConnectionConfig[]): Promise<void> {
    writeFileSync(path.join(this.ns.etc, 'swanctl', 'swanctl.conf'), swanctlConf(connections));
    const r = await this.swanctl(['--load-all', '--noprompt']);
    if (r.code !== 0) throw this.failure(`swanctl --load-all failed (${r.code})`, r);
  }

  /** Initiate a CHILD_SA (and its IKE SA) and wait until it is up; rejects with charon's log. */
  async initiate(child: string, opts: { ike?: string; timeoutMs?: number } = {}): Promise<string> {
    const timeoutMs = opts.timeoutMs ?? 20_000;
    const args = ['--initiate', '--child', child, '--timeout', String(Math.ceil(timeoutMs / 1000))];
    if (opts.ike) args.push('--ike', opts.ike);
    const r = await this.swanctl(args, timeoutMs + 5_000);
    if (r.code !== 0) throw this.failure(`swanctl --initiate --child ${child} failed (${r.code})`, r);
    return r.stdout;
  }

  async listSas(): Promise<IkeSa[]> {
    const r = await this.swanctl(['--list-sas', '--pretty']);
    if (r.code !== 0) throw this.failure('swanctl --list-sas failed', r);
    return parseListSas(r.stdout);
  }

  /**
   * Poll the SAs until `probe` returns a value; on timeout reject with the last SAs and the
   * log's tail, which is what a failure report needs.
   */
  async waitFor<T>(what: string, probe: (sas: IkeSa[]) => T | undefined, timeoutMs = 10_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const sas = await this.listSas();
      const found = probe(sas);
      if (found !== undefined) return found;
      if (Date.now() > deadline) {
        throw new Error(`${this.ns.label}: no ${what} within ${timeoutMs} ms\nSAs: ${JSON.stringify(sas, null, 1)}\n${this.logTail()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** The last lines of charon's log and of its stdout/stderr. */
  logTail(lines = 60): string {
    const tail = (file: string): string => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n') : '');
    return `--- ${this.logFile}\n${tail(this.logFile)}\n--- ${this.outFile}\n${tail(this.outFile)}`;
  }

  /** SIGTERM (charon deletes its SAs and exits), SIGKILL after 5 s. */
  async stop(): Promise<void> {
    const proc = this.proc;
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }

  private async untilReady(): Promise<void> {
    const deadline = Date.now() + 10_000;
    let last: RunResult | undefined;
    while (Date.now() < deadline) {
      if (this.proc.exitCode !== null || this.proc.signalCode !== null) {
        throw new Error(`charon in ${this.ns.name} exited (${this.proc.exitCode ?? this.proc.signalCode})\n${this.logTail()}`);
      }
      last = await this.swanctl(['--stats'], 5_000);
      if (last.code === 0) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw this.failure(`charon in ${this.ns.name}: vici did not answer within 10 s`, last);
  }

  private failure(what: string, r: RunResult | undefined): Error {
    return new Error(`${what}\n${r ? r.stdout + r.stderr : ''}\n${this.logTail()}`);
  }
}

function strongswanConf(vici: string, logFile: string, opts: CharonOptions): string {
  const retransmit = opts.retransmit
    ? `  retransmit_timeout = ${opts.retransmit.timeout}\n  retransmit_base = ${opts.retransmit.base}\n  retransmit_tries = ${opts.retransmit.tries}\n`
    : '';
  // filelog levels: 1 shows each message's payloads ([ENC]), every packet ([NET]) and the
  // proposals on a mismatch ([CFG]); ike at 2 adds state changes, retransmissions and
  // authentication detail. cfg stays at 1: at 2 every swanctl call logs four vici lines, which
  // would push the IKE lines out of a failure report's tail. syslog is off: these machines have
  // no syslogd and the file has it all.
  return `charon {
  load = ${PLUGINS.join(' ')}
  i_dont_care_about_security_and_use_aggressive_mode_psk = yes
${retransmit}  filelog {
    harness {
      path = ${logFile}
      time_format = %T
      ike_name = yes
      flush_line = yes
      default = 1
      ike = 2
    }
  }
  syslog {
    daemon {
      default = -1
    }
  }
  plugins {
    vici {
      socket = ${vici}
    }
  }
}
swanctl {
  # swanctl needs no plugin for PSKs; a non-empty list stops it trying its default list,
  # whose plugins Debian does not ship, with one warning each per call.
  load = random
}
`;
}

/** A swanctl.conf value, quoted; our configs never need quotes or line breaks inside one. */
function q(value: string | number): string {
  const s = String(value);
  if (/["\n\\]/.test(s)) throw new RangeError(`swanctl value ${JSON.stringify(s)} needs escaping`);
  return `"${s}"`;
}

/** swanctl.conf for IKEv1 PSK connections; each PSK is bound to the connection's IDs. */
export function swanctlConf(connections: readonly ConnectionConfig[]): string {
  const lines = ['connections {'];
  for (const c of connections) {
    lines.push(
      `  ${c.name} {`,
      '    version = 1',
      `    aggressive = ${c.aggressive ? 'yes' : 'no'}`,
      `    local_addrs = ${q(c.localAddrs)}`,
      `    remote_addrs = ${q(c.remoteAddrs ?? '%any')}`,
      `    proposals = ${q(c.ikeProposal)}`,
    );
    if (c.rekeyTime !== undefined) lines.push(`    rekey_time = ${c.rekeyTime}s`);
    lines.push(
      `    local { auth = psk\n      id = ${q(c.localId)} }`,
      `    remote { auth = psk\n      id = ${q(c.remoteId ?? '%any')} }`,
      '    children {',
    );
    for (const ch of c.children) {
      lines.push(
        `      ${ch.name} {`,
        `        esp_proposals = ${q(ch.espProposal)}`,
        `        local_ts = ${q(ch.localTs)}`,
        `        remote_ts = ${q(ch.remoteTs)}`,
        `        start_action = ${ch.startAction ?? 'none'}`,
      );
      if (ch.rekeyTime !== undefined) lines.push(`        rekey_time = ${ch.rekeyTime}s`);
      if (ch.lifeTime !== undefined) lines.push(`        life_time = ${ch.lifeTime}s`);
      lines.push('      }');
    }
    lines.push('    }', '  }');
  }
  lines.push('}', 'secrets {');
  for (const c of connections) {
    // Hex form: any key octets, no quoting rules. The IDs pick this key for this peer.
    const ids = [c.localId, ...(c.remoteId ? [c.remoteId] : [])].map((id, i) => `    id-${i} = ${q(id)}`);
    lines.push(`  ike-${c.name} {`, `    secret = 0x${Buffer.from(c.psk, 'utf8').toString('hex')}`, ...ids, '  }');
  }
  lines.push('}', '');
  return lines.join('\n');
}

type Value = string | string[] | Section;
interface Section {
  [key: string]: Value;
}

/**
 * `swanctl --pretty` prints each vici message as `name {`, `key = value`, `key = [` ... `]`
 * and `}` lines, one item per line: unlike --raw, values with spaces stay unambiguous.
 */
function parsePretty(text: string): Array<{ name: string; body: Section }> {
  const messages: Array<{ name: string; body: Section }> = [];
  const stack: Section[] = [];
  let list: string[] | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!line) continue;
    if (list) {
      if (line === ']') list = undefined;
      else list.push(line);
      continue;
    }
    if (line === '}') {
      stack.pop();
      continue;
    }
    const top = stack[stack.length - 1];
    const listStart = /^(\S+) = \[$/.exec(line);
    const pair = /^(\S+) =(?: (.*))?$/.exec(line);
    const open = /^(.+) \{$/.exec(line);
    if (top && listStart) {
      list = [];
      top[listStart[1]] = list;
    } else if (top && pair) {
      top[pair[1]] = pair[2] ?? '';
    } else if (open) {
      const section: Section = {};
      if (top) top[open[1]] = section;
      else messages.push({ name: open[1], body: section });
      stack.push(section);
    } else {
      throw new Error(`unexpected swanctl output: ${line}`);
    }
  }
  return messages;
}

function str(s: Section, key: string): string {
  const v = s[key];
  return typeof v === 'string' ? v : '';
}

function num(s: Section, key: string): number | undefined {
  const v = s[key];
  return typeof v === 'string' && v !== '' ? Number(v) : undefined;
}

function list(s: Section, key: string): string[] {
  const v = s[key];
  return Array.isArray(v) ? v : [];
}

function sections(s: Section, key: string): Array<[string, Section]> {
  const v = s[key];
  if (!v || typeof v === 'string' || Array.isArray(v)) return [];
  return Object.entries(v).filter((e): e is [string, Section] => typeof e[1] === 'object' && !Array.isArray(e[1]));
}

export function parseListSas(text: string): IkeSa[] {
  const sas: IkeSa[] = [];
  for (const message of parsePretty(text)) {
    if (message.name !== 'list-sa event') continue;
    for (const [name, s] of Object.entries(message.body)) {
      if (typeof s === 'string' || Array.isArray(s)) continue;
      sas.push({
        name,
        uniqueId: str(s, 'uniqueid'),
        version: num(s, 'version') ?? 0,
        state: str(s, 'state'),
        localHost: str(s, 'local-host'),
        localPort: num(s, 'local-port') ?? 0,
        localId: str(s, 'local-id'),
        remoteHost: str(s, 'remote-host'),
        remotePort: num(s, 'remote-port') ?? 0,
        remoteId: str(s, 'remote-id'),
        initiator: str(s, 'initiator') === 'yes',
        initiatorSpi: str(s, 'initiator-spi'),
        responderSpi: str(s, 'responder-spi'),
        natRemote: str(s, 'nat-remote') === 'yes',
        encrAlg: str(s, 'encr-alg'),
        encrKeysize: num(s, 'encr-keysize'),
        integAlg: str(s, 'integ-alg'),
        prfAlg: str(s, 'prf-alg'),
        dhGroup: str(s, 'dh-group'),
        rekeyTime: num(s, 'rekey-time'),
        children: sections(s, 'child-sas').map(([, c]) => ({
          name: str(c, 'name'),
          uniqueId: str(c, 'uniqueid'),
          state: str(c, 'state'),
          mode: str(c, 'mode'),
          protocol: str(c, 'protocol'),
          encap: str(c, 'encap') === 'yes',
          spiIn: str(c, 'spi-in'),
          spiOut: str(c, 'spi-out'),
          encrAlg: str(c, 'encr-alg'),
          encrKeysize: num(c, 'encr-keysize'),
          integAlg: str(c, 'integ-alg') || undefined,
          dhGroup: str(c, 'dh-group') || undefined,
          rekeyTime: num(c, 'rekey-time'),
          lifeTime: num(c, 'life-time'),
          localTs: list(c, 'local-ts'),
          remoteTs: list(c, 'remote-ts'),
        })),
      });
    }
  }
  return sas;
}

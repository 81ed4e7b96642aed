/**
 * The SAD and SPD in process memory: for unit tests and for hosts where no datapath is
 * wanted. It behaves as XFRM does where the IKE side can tell (error codes, larval SAs from
 * allocateSpi, lifetimes, ACQUIRE once per missing SA until it is installed or
 * `acquireExpiresSeconds` pass), and has two hooks standing in for traffic:
 * `simulateTraffic` (a packet leaving through the out policies) and `account` (bytes
 * through one SA).
 */
import { randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { addressBytes, addressHex } from './address';
import { armAt, clockHost, systemClock, type BackendClock } from './backend-clock';
import type {
  AllocateSpiRequest, IpsecProto, PolicyDir, PolicySpec, PolicyState, PolicyTemplate, SadBackend,
  SadBackendEvents, SaId, SaLifetimes, SaSpec, SaState, Selector,
} from './sad-backend';
import { SadError, type SadOperation } from './sad-error';
import { selectorKey, selectorMatches, type Flow } from './selector';
import { MemorySaEntry } from './memory-sa-entry';
import { DeadlineQueue } from './timer-queue';
import { copyPolicySpec, copySelector } from './spec-copy';
import { checkPolicySpec, checkSaId, checkSaSpec, checkSelector, checkSpiRange } from './spec-checks';

export interface MemoryBackendOptions {
  clock?: BackendClock;
  /**
   * How long a larval SA from allocateSpi waits for updateSa, and how long an ACQUIRE stands
   * before the same missing SA is asked for again: XFRM's net.core.xfrm_acq_expires.
   */
  acquireExpiresSeconds?: number;
}

/** A packet for simulateTraffic; `bytes` defaults to an 84-byte ping. */
export interface TrafficFlow extends Flow {
  bytes?: number;
}

/** What the out policies did with a simulated packet. */
export type TrafficVerdict =
  | { verdict: 'clear' }
  | { verdict: 'bypass' | 'blocked' | 'acquire'; policyIndex: number }
  | { verdict: 'protected'; policyIndex: number; sas: SaId[] };

const DEFAULT_ACQUIRE_EXPIRES_SECONDS = 30;
const DEFAULT_PACKET_BYTES = 84;

type SaEntry = MemorySaEntry;

interface PolicyEntry {
  /**
   * A private copy; the in and fwd policies of one tunnel share their selector and template
   * objects when equal (neither is ever changed in place), as one tunnel's policies are many.
   */
  spec: PolicySpec;
  index: number;
  /** Installation order, the tie-break between equal priorities. */
  seq: number;
  /** Only for a policy with lifetimes: most have none, and these fields would cost heap each. */
  expiry: PolicyExpiry | undefined;
}

interface PolicyExpiry {
  /** Lifetimes count from here. */
  readonly addTime: number;
  softExpired: boolean;
  cancel: (() => void) | undefined;
}

/*
 * Keys are joined, not built by template literals: V8 makes a long concatenation a rope, and
 * a rope kept as a Map key holds its flattened copy besides, per SA and per policy.
 */
const saKey = (id: { dst: string; proto: IpsecProto; spi: number }): string => [id.proto, addressHex(id.dst), id.spi].join(' ');
const dirKey = (dir: PolicyDir, selKey: string): string => [dir, selKey].join(' ');
const policyKey = (selector: Selector, dir: PolicyDir): string => dirKey(dir, selectorKey(selector));
const DIRS: readonly PolicyDir[] = ['in', 'out', 'fwd'];
const acquireKey = (proto: IpsecProto, reqid: number, src: string, dst: string): string => [proto, reqid, addressHex(src), addressHex(dst)].join(' ');
const idOf = (s: SaId): SaId => ({ src: s.src, dst: s.dst, proto: s.proto, spi: s.spi });

/** The endpoints of the SA a template needs for this packet. */
function templateEndpoints(template: PolicyTemplate, flow: Flow): { src: string; dst: string } {
  return template.mode === 'tunnel' ? { src: template.src as string, dst: template.dst as string } : { src: flow.src, dst: flow.dst };
}

export class MemoryBackend extends EventEmitter<SadBackendEvents> implements SadBackend {
  readonly kind = 'memory';
  private readonly clock: BackendClock;
  private readonly acquireExpiresMs: number;
  private readonly sas = new Map<string, SaEntry>();
  private readonly policies = new Map<string, PolicyEntry>();
  /**
   * Out policies whose source is one host, by that host, and the other out policies: a packet
   * then meets its own host's policies and the broader ones instead of every policy, which
   * made a gateway with thousands of per-host crypto map lines slow per packet.
   */
  private readonly outByHost = new Map<string, PolicyEntry | PolicyEntry[]>();
  private readonly outBroad: PolicyEntry[] = [];
  /** Installed SAs by reqid, the first thing a policy template asks of an SA. */
  private readonly sasByReqid = new Map<number, SaEntry[]>();
  /** Outstanding ACQUIREs by the SA they ask for, with the time they lapse. */
  private readonly acquires = new Map<string, number>();
  /**
   * Every SA's one deadline (the larval SA's lapse, or its next lifetime limit), on one clock
   * timer: a timer and a callback per SA would cost more heap than the SA's own fields.
   */
  private readonly deadlines: DeadlineQueue<SaEntry>;
  private nextPolicyIndex = 1;
  private nextSeq = 0;

  constructor(options: MemoryBackendOptions = {}) {
    super();
    this.clock = options.clock ?? systemClock;
    this.acquireExpiresMs = (options.acquireExpiresSeconds ?? DEFAULT_ACQUIRE_EXPIRES_SECONDS) * 1000;
    this.deadlines = new DeadlineQueue<SaEntry>((entry) => (entry.installed ? this.checkLifetimes(entry) : this.expireHard(entry)), clockHost(this.clock));
  }

  async allocateSpi(request: AllocateSpiRequest): Promise<number> {
    const { min, max } = checkSpiRange(request);
    const size = max - min + 1;
    // From a random start, walk the range: among used+1 consecutive SPIs one is free, so the
    // walk ends when the range is exhausted. `used` counts every SA (larval ones included),
    // at least those of this (dst, proto): no count per SPI space to keep.
    const used = this.sas.size;
    const start = randomInt(0, size);
    for (let step = 0; step < Math.min(size, used + 1); step++) {
      const spi = min + ((start + step) % size);
      const id = { src: request.src, dst: request.dst, proto: request.proto, spi };
      if (this.sas.has(saKey(id))) continue;
      const entry = new MemorySaEntry(id, this.clock.now());
      this.insert(entry);
      this.armSa(entry, entry.addTime + this.acquireExpiresMs);
      return spi;
    }
    throw new SadError('allocateSpi', 'ENOENT', 'no free SPI in the range', { spiRange: { src: request.src, dst: request.dst, proto: request.proto, min, max } });
  }

  async addSa(spec: SaSpec): Promise<void> {
    checkSaSpec('addSa', spec);
    if (this.sas.has(saKey(spec))) throw new SadError('addSa', 'EEXIST', 'the SA exists', { sa: idOf(spec) });
    const entry = new MemorySaEntry(spec, this.clock.now());
    this.insert(entry);
    this.install(entry, spec);
  }

  async updateSa(spec: SaSpec): Promise<void> {
    checkSaSpec('updateSa', spec);
    const entry = this.existing('updateSa', spec);
    if (!entry.installed) {
      entry.addTime = this.clock.now();
      this.install(entry, spec);
      return;
    }
    entry.setLifetimes(spec.lifetimes);
    if (entry.encap && spec.encap) entry.setEncap(spec.encap);
    entry.softExpired = false;
    this.checkLifetimes(entry);
  }

  async deleteSa(id: SaId): Promise<void> {
    checkSaId('deleteSa', id);
    this.remove(this.existing('deleteSa', id));
  }

  async getSa(id: SaId): Promise<SaState> {
    checkSaId('getSa', id);
    const entry = this.existing('getSa', id);
    if (!entry.installed) throw new SadError('getSa', 'ESRCH', 'no such SA', { sa: idOf(id) });
    return this.stateOf(entry);
  }

  async listSas(): Promise<SaState[]> {
    return [...this.sas.values()].flatMap((e) => (e.installed ? [this.stateOf(e)] : []));
  }

  async flushSas(proto?: IpsecProto): Promise<void> {
    for (const entry of [...this.sas.values()]) if (proto === undefined || entry.proto === proto) this.remove(entry);
  }

  async addPolicy(spec: PolicySpec): Promise<number> {
    checkPolicySpec('addPolicy', spec);
    if (this.policies.has(policyKey(spec.selector, spec.dir))) {
      throw new SadError('addPolicy', 'EEXIST', 'the policy exists', { policy: { selector: copySelector(spec.selector), dir: spec.dir } });
    }
    return this.installPolicy(spec, this.nextPolicyIndex++);
  }

  async updatePolicy(spec: PolicySpec): Promise<number> {
    checkPolicySpec('updatePolicy', spec);
    const prior = this.policies.get(policyKey(spec.selector, spec.dir));
    if (!prior) return this.installPolicy(spec, this.nextPolicyIndex++);
    this.removePolicy(prior);
    return this.installPolicy(spec, prior.index);
  }

  async deletePolicy(selector: Selector, dir: PolicyDir): Promise<void> {
    const context = { policy: { selector: copySelector(selector), dir } };
    checkSelector('deletePolicy', selector, context);
    const entry = this.policies.get(policyKey(selector, dir));
    if (!entry) throw new SadError('deletePolicy', 'ENOENT', 'no such policy', context);
    this.removePolicy(entry);
  }

  async listPolicies(): Promise<PolicyState[]> {
    return [...this.policies.values()].map((p) => ({ spec: copyPolicySpec(p.spec), index: p.index }));
  }

  async flushPolicies(): Promise<void> {
    for (const entry of [...this.policies.values()]) this.removePolicy(entry);
  }

  async close(): Promise<void> {
    await this.flushSas();
    await this.flushPolicies();
    this.acquires.clear();
  }

  /**
   * Test hook: `bytes` through one installed SA, as one packet. Byte lifetimes apply, so this
   * may emit a soft or hard expire (and remove the SA). ESRCH when there is no such SA.
   */
  account(dst: string, spi: number, proto: IpsecProto, bytes: number): void {
    const entry = this.sas.get(saKey({ dst, proto, spi }));
    if (!entry?.installed) throw new SadError('account', 'ESRCH', `no ${proto} SA with SPI 0x${spi.toString(16)} to ${dst}`);
    this.count(entry, bytes);
  }

  /**
   * Test hook: one outbound packet meets the out policies (best priority first). A template
   * without an SA emits 'acquire' (once until the SA appears or the ACQUIRE lapses) and, if
   * required, holds the packet back; with every SA present, each SA counts the bytes.
   */
  simulateTraffic(flow: TrafficFlow): TrafficVerdict {
    const policy = this.outPolicyFor(flow);
    if (!policy) return { verdict: 'clear' };
    const policyIndex = policy.index;
    if (policy.spec.action === 'block') return { verdict: 'blocked', policyIndex };
    if (policy.spec.templates.length === 0) return { verdict: 'bypass', policyIndex };
    const found: SaEntry[] = [];
    for (const template of policy.spec.templates) {
      const sa = this.saFor(template, flow);
      if (sa) {
        found.push(sa);
        continue;
      }
      this.acquire(policy, template, flow);
      // As the kernel: a missing required SA holds the packet; a missing optional one is skipped.
      if (template.level === 'required') return { verdict: 'acquire', policyIndex };
    }
    const bytes = flow.bytes ?? DEFAULT_PACKET_BYTES;
    for (const sa of found) this.count(sa, bytes);
    return { verdict: 'protected', policyIndex, sas: found.map((e) => e.id()) };
  }

  private existing(op: SadOperation, id: SaId): SaEntry {
    const entry = this.sas.get(saKey(id));
    if (!entry) throw new SadError(op, 'ESRCH', 'no such SA', { sa: idOf(id) });
    return entry;
  }

  private insert(entry: SaEntry): void {
    this.sas.set(saKey(entry), entry);
  }

  private install(entry: SaEntry, spec: SaSpec): void {
    this.unindexSa(entry);
    entry.install(spec);
    const sameReqid = this.sasByReqid.get(spec.reqid);
    if (sameReqid) sameReqid.push(entry);
    else this.sasByReqid.set(spec.reqid, [entry]);
    entry.softExpired = false;
    // The SA an ACQUIRE asked for is here: a later loss of it may be asked for at once.
    this.acquires.delete(acquireKey(spec.proto, spec.reqid, spec.src, spec.dst));
    this.checkLifetimes(entry);
  }

  /** False when the entry was gone already (an event listener deleted it). */
  private remove(entry: SaEntry): boolean {
    this.disarmSa(entry);
    const key = saKey(entry);
    if (this.sas.get(key) !== entry) return false;
    this.sas.delete(key);
    this.unindexSa(entry);
    return true;
  }

  private unindexSa(entry: SaEntry): void {
    if (!entry.installed) return;
    const sameReqid = this.sasByReqid.get(entry.reqid);
    if (!sameReqid) return;
    const at = sameReqid.indexOf(entry);
    if (at >= 0) sameReqid.splice(at, 1);
    if (sameReqid.length === 0) this.sasByReqid.delete(entry.reqid);
  }

  /** The out policies' host key (see outByHost), or undefined for a broader source. */
  private static outHost(spec: PolicySpec): string | undefined {
    const src = addressBytes(spec.selector.src.address) as Buffer;
    return spec.selector.src.prefixLength === src.length * 8 ? src.toString('hex') : undefined;
  }

  /** The entry's one deadline: the larval SA's lapse, or its next lifetime limit. */
  private armSa(entry: SaEntry, at: number): void {
    this.deadlines.schedule(entry, at - this.clock.now());
  }

  private disarmSa(entry: SaEntry): void {
    this.deadlines.cancel(entry);
  }

  private expireHard(entry: SaEntry): void {
    if (!this.remove(entry)) return;
    this.emit('expire', { sa: entry.id(), reqid: entry.installed ? entry.reqid : 0, hard: true });
  }

  /** Applies whatever limit has been reached (hard first, as XFRM) and arms the next one. */
  private checkLifetimes(entry: SaEntry): void {
    const now = this.clock.now();
    const at = (seconds: number | undefined): number | undefined => (seconds === undefined ? undefined : entry.addTime + seconds * 1000);
    const reached = (seconds: number | undefined, bytes: number | undefined): boolean =>
      (seconds !== undefined && now >= (at(seconds) as number)) || (bytes !== undefined && entry.bytes >= bytes);
    this.disarmSa(entry);
    if (reached(entry.hardSeconds, entry.hardBytes)) {
      this.expireHard(entry);
      return;
    }
    const soft = !entry.softExpired && reached(entry.softSeconds, entry.softBytes);
    if (soft) entry.softExpired = true;
    const softAt = entry.softExpired ? undefined : at(entry.softSeconds);
    const hardAt = at(entry.hardSeconds);
    const next = softAt === undefined ? hardAt : hardAt === undefined ? softAt : Math.min(softAt, hardAt);
    if (next !== undefined) this.armSa(entry, next);
    if (soft) this.emit('expire', { sa: entry.id(), reqid: entry.reqid, hard: false });
  }

  private count(entry: SaEntry, bytes: number): void {
    entry.bytes += bytes;
    entry.packets += 1;
    entry.useTime ??= this.clock.now();
    this.checkLifetimes(entry);
  }

  private stateOf(entry: SaEntry): SaState {
    const now = this.clock.now();
    const remaining: SaLifetimes = {};
    const seconds = (limit: number): number => Math.max(0, Math.ceil((entry.addTime + limit * 1000 - now) / 1000));
    const bytes = (limit: number): number => Math.max(0, limit - entry.bytes);
    if (entry.softSeconds !== undefined) remaining.softSeconds = entry.softExpired ? 0 : seconds(entry.softSeconds);
    if (entry.hardSeconds !== undefined) remaining.hardSeconds = seconds(entry.hardSeconds);
    if (entry.softBytes !== undefined) remaining.softBytes = entry.softExpired ? 0 : bytes(entry.softBytes);
    if (entry.hardBytes !== undefined) remaining.hardBytes = bytes(entry.hardBytes);
    return { spec: entry.spec(), counters: entry.counters(), remaining };
  }

  private installPolicy(spec: PolicySpec, index: number): number {
    const selKey = selectorKey(spec.selector);
    const entry: PolicyEntry = {
      spec: this.sharedCopy(spec, selKey), index, seq: this.nextSeq++, expiry: spec.lifetimes ? { addTime: this.clock.now(), softExpired: false, cancel: undefined } : undefined,
    };
    this.policies.set(dirKey(spec.dir, selKey), entry);
    if (spec.dir === 'out') {
      const host = MemoryBackend.outHost(spec);
      // A host's one policy as it is, a list from the second on: most hosts have one.
      const held = host === undefined ? this.outBroad : this.outByHost.get(host);
      if (held === undefined) this.outByHost.set(host as string, entry);
      else if (Array.isArray(held)) held.push(entry);
      else this.outByHost.set(host as string, [held, entry]);
    }
    this.armPolicy(entry);
    return index;
  }

  /** A private copy of `spec`, reusing the selector and templates of an equal sibling policy. */
  private sharedCopy(spec: PolicySpec, selKey: string): PolicySpec {
    const copy = copyPolicySpec(spec);
    copy.templates = spec.templates.map(templateCopy);
    for (const dir of DIRS) {
      const sibling = dir === spec.dir ? undefined : this.policies.get(dirKey(dir, selKey));
      if (!sibling) continue;
      copy.selector = sibling.spec.selector;
      if (sameTemplates(sibling.spec.templates, copy.templates)) copy.templates = sibling.spec.templates;
      break;
    }
    return copy;
  }

  private removePolicy(entry: PolicyEntry): void {
    entry.expiry?.cancel?.();
    this.policies.delete(policyKey(entry.spec.selector, entry.spec.dir));
    if (entry.spec.dir !== 'out') return;
    const host = MemoryBackend.outHost(entry.spec);
    const held = host === undefined ? this.outBroad : this.outByHost.get(host);
    if (held === entry) this.outByHost.delete(host as string);
    else if (Array.isArray(held)) {
      const at = held.indexOf(entry);
      if (at >= 0) held.splice(at, 1);
      if (host !== undefined && held.length === 1) this.outByHost.set(host, held[0] as PolicyEntry);
    }
  }

  private armPolicy(entry: PolicyEntry): void {
    const expiry = entry.expiry;
    const l = entry.spec.lifetimes ?? {};
    const seconds = expiry?.softExpired ? l.hardSeconds : l.softSeconds ?? l.hardSeconds;
    if (!expiry || seconds === undefined) return;
    expiry.cancel = armAt(this.clock, expiry.addTime + seconds * 1000, () => {
      const hard = expiry.softExpired || l.softSeconds === undefined || l.softSeconds === l.hardSeconds;
      if (hard) this.removePolicy(entry);
      else {
        expiry.softExpired = true;
        this.armPolicy(entry);
      }
      this.emit('policy-expire', { index: entry.index, selector: copySelector(entry.spec.selector), dir: entry.spec.dir, hard });
    });
  }

  private outPolicyFor(flow: Flow): PolicyEntry | undefined {
    let best: PolicyEntry | undefined;
    const src = addressBytes(flow.src);
    const held = src && this.outByHost.get(src.toString('hex'));
    const own = held === undefined ? [] : Array.isArray(held) ? held : [held];
    for (const candidates of [own, this.outBroad]) {
      for (const p of candidates) {
        if (!selectorMatches(p.spec.selector, flow)) continue;
        if (!best || p.spec.priority < best.spec.priority || (p.spec.priority === best.spec.priority && p.seq < best.seq)) best = p;
      }
    }
    return best;
  }

  /** The installed SA for a template; as XFRM, one not soft-expired and then the newest is preferred. */
  private saFor(template: PolicyTemplate, flow: Flow): SaEntry | undefined {
    const { src, dst } = templateEndpoints(template, flow);
    const [srcHex, dstHex] = [addressHex(src), addressHex(dst)];
    let best: SaEntry | undefined;
    for (const e of this.sasByReqid.get(template.reqid) ?? []) {
      if (!e.installed || e.proto !== template.proto || e.mode !== template.mode || e.reqid !== template.reqid) continue;
      if (addressHex(e.src) !== srcHex || addressHex(e.dst) !== dstHex) continue;
      if (e.selector && !selectorMatches(e.selector, flow)) continue;
      if (!best || (best.softExpired && !e.softExpired) || (best.softExpired === e.softExpired && e.addTime >= best.addTime)) best = e;
    }
    return best;
  }

  private acquire(policy: PolicyEntry, template: PolicyTemplate, flow: Flow): void {
    const { src, dst } = templateEndpoints(template, flow);
    const key = acquireKey(template.proto, template.reqid, src, dst);
    const now = this.clock.now();
    if ((this.acquires.get(key) ?? -Infinity) > now) return;
    this.acquires.set(key, now + this.acquireExpiresMs);
    this.emit('acquire', {
      policyIndex: policy.index, selector: copySelector(policy.spec.selector),
      proto: template.proto, mode: template.mode, reqid: template.reqid, src, dst,
    });
  }
}

/**
 * A template copied as a literal of its fields: a spread copy keeps its properties outside
 * the object, in an array of their own, per template kept.
 */
function templateCopy(t: PolicyTemplate): PolicyTemplate {
  const { proto, mode, reqid, level, src, dst } = t;
  if (src !== undefined && dst !== undefined) return { proto, mode, reqid, level, src, dst };
  return src === undefined && dst === undefined ? { proto, mode, reqid, level } : { ...t };
}

function sameTemplates(a: readonly PolicyTemplate[], b: readonly PolicyTemplate[]): boolean {
  return a.length === b.length && a.every((t, i) => {
    const u = b[i] as PolicyTemplate;
    return t.proto === u.proto && t.mode === u.mode && t.reqid === u.reqid && t.level === u.level && t.src === u.src && t.dst === u.dst;
  });
}

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
import { addressBytes } from './address';
import { armAt, systemClock, type BackendClock } from './backend-clock';
import type {
  AllocateSpiRequest, IpsecProto, PolicyDir, PolicySpec, PolicyState, PolicyTemplate, SaCounters, SadBackend,
  SadBackendEvents, SaId, SaLifetimes, SaSpec, SaState, Selector,
} from './sad-backend';
import { SadError, type SadOperation } from './sad-error';
import { selectorKey, selectorMatches, type Flow } from './selector';
import { copyPolicySpec, copySaSpec, copySelector } from './spec-copy';
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

interface SaEntry {
  id: SaId;
  /** Absent while larval (reserved by allocateSpi, not yet installed). */
  spec?: SaSpec;
  counters: SaCounters;
  softExpired: boolean;
  cancelTimer?: () => void;
}

interface PolicyEntry {
  spec: PolicySpec;
  index: number;
  /** Installation order, the tie-break between equal priorities. */
  seq: number;
  addTime: number;
  softExpired: boolean;
  cancelTimer?: () => void;
}

const hex = (address: string): string => (addressBytes(address) as Buffer).toString('hex');
const saKey = (id: { dst: string; proto: IpsecProto; spi: number }): string => `${id.proto} ${hex(id.dst)} ${id.spi}`;
const spiSpaceKey = (dst: string, proto: IpsecProto): string => `${proto} ${hex(dst)}`;
const policyKey = (selector: Selector, dir: PolicyDir): string => `${dir} ${selectorKey(selector)}`;
const acquireKey = (proto: IpsecProto, reqid: number, src: string, dst: string): string => `${proto} ${reqid} ${hex(src)} ${hex(dst)}`;
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
  /** SAs per (dst, proto), larval ones included: bounds the SPI search. */
  private readonly spiUse = new Map<string, number>();
  private readonly policies = new Map<string, PolicyEntry>();
  /**
   * Out policies whose source is one host, by that host, and the other out policies: a packet
   * then meets its own host's policies and the broader ones instead of every policy, which
   * made a gateway with thousands of per-host crypto map lines slow per packet.
   */
  private readonly outByHost = new Map<string, Set<PolicyEntry>>();
  private readonly outBroad = new Set<PolicyEntry>();
  /** Installed SAs by reqid, the first thing a policy template asks of an SA. */
  private readonly sasByReqid = new Map<number, Set<SaEntry>>();
  /** Outstanding ACQUIREs by the SA they ask for, with the time they lapse. */
  private readonly acquires = new Map<string, number>();
  private nextPolicyIndex = 1;
  private nextSeq = 0;

  constructor(options: MemoryBackendOptions = {}) {
    super();
    this.clock = options.clock ?? systemClock;
    this.acquireExpiresMs = (options.acquireExpiresSeconds ?? DEFAULT_ACQUIRE_EXPIRES_SECONDS) * 1000;
  }

  async allocateSpi(request: AllocateSpiRequest): Promise<number> {
    const { min, max } = checkSpiRange(request);
    const size = max - min + 1;
    // From a random start, walk the range: among used+1 consecutive SPIs one is free, so the
    // walk is short however full the space is, and ends when the range is exhausted.
    const used = this.spiUse.get(spiSpaceKey(request.dst, request.proto)) ?? 0;
    const start = randomInt(0, size);
    for (let step = 0; step < Math.min(size, used + 1); step++) {
      const spi = min + ((start + step) % size);
      const id = { src: request.src, dst: request.dst, proto: request.proto, spi };
      if (this.sas.has(saKey(id))) continue;
      const entry: SaEntry = { id, counters: this.freshCounters(), softExpired: false };
      this.insert(entry);
      entry.cancelTimer = armAt(this.clock, entry.counters.addTime + this.acquireExpiresMs, () => this.expireHard(entry));
      return spi;
    }
    throw new SadError('allocateSpi', 'ENOENT', 'no free SPI in the range', { spiRange: { src: request.src, dst: request.dst, proto: request.proto, min, max } });
  }

  async addSa(spec: SaSpec): Promise<void> {
    checkSaSpec('addSa', spec);
    if (this.sas.has(saKey(spec))) throw new SadError('addSa', 'EEXIST', 'the SA exists', { sa: idOf(spec) });
    const entry: SaEntry = { id: idOf(spec), counters: this.freshCounters(), softExpired: false };
    this.insert(entry);
    this.install(entry, spec);
  }

  async updateSa(spec: SaSpec): Promise<void> {
    checkSaSpec('updateSa', spec);
    const entry = this.existing('updateSa', spec);
    if (!entry.spec) {
      entry.counters = this.freshCounters();
      this.install(entry, spec);
      return;
    }
    const current = entry.spec;
    entry.spec = { ...current, lifetimes: { ...spec.lifetimes } };
    if (current.encap && spec.encap) entry.spec.encap = { ...spec.encap };
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
    if (!entry.spec) throw new SadError('getSa', 'ESRCH', 'no such SA', { sa: idOf(id) });
    return this.stateOf(entry, entry.spec);
  }

  async listSas(): Promise<SaState[]> {
    return [...this.sas.values()].flatMap((e) => (e.spec ? [this.stateOf(e, e.spec)] : []));
  }

  async flushSas(proto?: IpsecProto): Promise<void> {
    for (const entry of [...this.sas.values()]) if (proto === undefined || entry.id.proto === proto) this.remove(entry);
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
    if (!entry?.spec) throw new SadError('account', 'ESRCH', `no ${proto} SA with SPI 0x${spi.toString(16)} to ${dst}`);
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
    return { verdict: 'protected', policyIndex, sas: found.map((e) => idOf(e.id)) };
  }

  private freshCounters(): SaCounters {
    return { bytes: 0, packets: 0, addTime: this.clock.now() };
  }

  private existing(op: SadOperation, id: SaId): SaEntry {
    const entry = this.sas.get(saKey(id));
    if (!entry) throw new SadError(op, 'ESRCH', 'no such SA', { sa: idOf(id) });
    return entry;
  }

  private insert(entry: SaEntry): void {
    this.sas.set(saKey(entry.id), entry);
    const space = spiSpaceKey(entry.id.dst, entry.id.proto);
    this.spiUse.set(space, (this.spiUse.get(space) ?? 0) + 1);
  }

  private install(entry: SaEntry, spec: SaSpec): void {
    this.unindexSa(entry);
    entry.id = idOf(spec);
    entry.spec = copySaSpec(spec);
    const sameReqid = this.sasByReqid.get(spec.reqid) ?? new Set<SaEntry>();
    this.sasByReqid.set(spec.reqid, sameReqid.add(entry));
    entry.softExpired = false;
    // The SA an ACQUIRE asked for is here: a later loss of it may be asked for at once.
    this.acquires.delete(acquireKey(spec.proto, spec.reqid, spec.src, spec.dst));
    this.checkLifetimes(entry);
  }

  /** False when the entry was gone already (an event listener deleted it). */
  private remove(entry: SaEntry): boolean {
    entry.cancelTimer?.();
    const key = saKey(entry.id);
    if (this.sas.get(key) !== entry) return false;
    this.sas.delete(key);
    this.unindexSa(entry);
    const space = spiSpaceKey(entry.id.dst, entry.id.proto);
    const left = (this.spiUse.get(space) as number) - 1;
    if (left === 0) this.spiUse.delete(space);
    else this.spiUse.set(space, left);
    return true;
  }

  private unindexSa(entry: SaEntry): void {
    if (!entry.spec) return;
    const sameReqid = this.sasByReqid.get(entry.spec.reqid);
    sameReqid?.delete(entry);
    if (sameReqid?.size === 0) this.sasByReqid.delete(entry.spec.reqid);
  }

  /** The set an out policy is listed in (see outByHost); undefined for other directions. */
  private outSet(spec: PolicySpec, create: boolean): Set<PolicyEntry> | undefined {
    if (spec.dir !== 'out') return undefined;
    const src = addressBytes(spec.selector.src.address) as Buffer;
    if (spec.selector.src.prefixLength !== src.length * 8) return this.outBroad;
    const host = src.toString('hex');
    let set = this.outByHost.get(host);
    if (!set && create) this.outByHost.set(host, (set = new Set()));
    return set;
  }

  private expireHard(entry: SaEntry): void {
    if (!this.remove(entry)) return;
    this.emit('expire', { sa: idOf(entry.id), reqid: entry.spec?.reqid ?? 0, hard: true });
  }

  /** Applies whatever limit has been reached (hard first, as XFRM) and arms the next one. */
  private checkLifetimes(entry: SaEntry): void {
    const spec = entry.spec as SaSpec;
    const now = this.clock.now();
    const l = spec.lifetimes;
    const at = (seconds: number | undefined): number | undefined =>
      seconds === undefined ? undefined : entry.counters.addTime + seconds * 1000;
    const reached = (seconds: number | undefined, bytes: number | undefined): boolean =>
      (seconds !== undefined && now >= (at(seconds) as number)) || (bytes !== undefined && entry.counters.bytes >= bytes);
    entry.cancelTimer?.();
    entry.cancelTimer = undefined;
    if (reached(l.hardSeconds, l.hardBytes)) {
      this.expireHard(entry);
      return;
    }
    const soft = !entry.softExpired && reached(l.softSeconds, l.softBytes);
    if (soft) entry.softExpired = true;
    const next = [entry.softExpired ? undefined : at(l.softSeconds), at(l.hardSeconds)].filter((t): t is number => t !== undefined);
    if (next.length > 0) entry.cancelTimer = armAt(this.clock, Math.min(...next), () => this.checkLifetimes(entry));
    if (soft) this.emit('expire', { sa: idOf(entry.id), reqid: spec.reqid, hard: false });
  }

  private count(entry: SaEntry, bytes: number): void {
    entry.counters.bytes += bytes;
    entry.counters.packets += 1;
    entry.counters.useTime ??= this.clock.now();
    this.checkLifetimes(entry);
  }

  private stateOf(entry: SaEntry, spec: SaSpec): SaState {
    const now = this.clock.now();
    const l = spec.lifetimes;
    const remaining: SaLifetimes = {};
    const seconds = (limit: number): number => Math.max(0, Math.ceil((entry.counters.addTime + limit * 1000 - now) / 1000));
    const bytes = (limit: number): number => Math.max(0, limit - entry.counters.bytes);
    if (l.softSeconds !== undefined) remaining.softSeconds = entry.softExpired ? 0 : seconds(l.softSeconds);
    if (l.hardSeconds !== undefined) remaining.hardSeconds = seconds(l.hardSeconds);
    if (l.softBytes !== undefined) remaining.softBytes = entry.softExpired ? 0 : bytes(l.softBytes);
    if (l.hardBytes !== undefined) remaining.hardBytes = bytes(l.hardBytes);
    return { spec: copySaSpec(spec), counters: { ...entry.counters }, remaining };
  }

  private installPolicy(spec: PolicySpec, index: number): number {
    const entry: PolicyEntry = { spec: copyPolicySpec(spec), index, seq: this.nextSeq++, addTime: this.clock.now(), softExpired: false };
    this.policies.set(policyKey(spec.selector, spec.dir), entry);
    this.outSet(entry.spec, true)?.add(entry);
    this.armPolicy(entry);
    return index;
  }

  private removePolicy(entry: PolicyEntry): void {
    entry.cancelTimer?.();
    this.policies.delete(policyKey(entry.spec.selector, entry.spec.dir));
    const set = this.outSet(entry.spec, false);
    set?.delete(entry);
    if (set?.size === 0 && set !== this.outBroad) this.outByHost.delete((addressBytes(entry.spec.selector.src.address) as Buffer).toString('hex'));
  }

  private armPolicy(entry: PolicyEntry): void {
    const l = entry.spec.lifetimes ?? {};
    const seconds = entry.softExpired ? l.hardSeconds : l.softSeconds ?? l.hardSeconds;
    if (seconds === undefined) return;
    entry.cancelTimer = armAt(this.clock, entry.addTime + seconds * 1000, () => {
      const hard = entry.softExpired || l.softSeconds === undefined || l.softSeconds === l.hardSeconds;
      if (hard) this.removePolicy(entry);
      else {
        entry.softExpired = true;
        this.armPolicy(entry);
      }
      this.emit('policy-expire', { index: entry.index, selector: copySelector(entry.spec.selector), dir: entry.spec.dir, hard });
    });
  }

  private outPolicyFor(flow: Flow): PolicyEntry | undefined {
    let best: PolicyEntry | undefined;
    const src = addressBytes(flow.src);
    const own = src && this.outByHost.get(src.toString('hex'));
    for (const candidates of own ? [own, this.outBroad] : [this.outBroad]) {
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
    const [srcHex, dstHex] = [hex(src), hex(dst)];
    let best: SaEntry | undefined;
    for (const e of this.sasByReqid.get(template.reqid) ?? []) {
      const s = e.spec;
      if (!s || s.proto !== template.proto || s.mode !== template.mode || s.reqid !== template.reqid) continue;
      if (hex(s.src) !== srcHex || hex(s.dst) !== dstHex) continue;
      if (s.selector && !selectorMatches(s.selector, flow)) continue;
      if (!best || (best.softExpired && !e.softExpired) || (best.softExpired === e.softExpired && e.counters.addTime >= best.counters.addTime)) best = e;
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

/**
 * The SadBackend over Linux XFRM netlink, through the native addon (src/native/xfrm.ts).
 * Kernel refusals become SadErrors with the kernel's errno name, which for the cases the
 * IKE side branches on are the memory backend's: EEXIST (SA or policy taken), ESRCH (no such
 * SA), ENOENT (no such policy, SPI range exhausted), EINVAL (caught earlier by spec-checks,
 * so it names the field). Where the kernel itself lacks something the code says so:
 * EPROTONOSUPPORT when ESP or AH is not built, ENOSYS for an algorithm it does not have.
 *
 * Differences from the memory backend that come from the kernel:
 * - XFRM repeats a policy's soft expiry every 30 s until the hard one; this backend passes the
 *   first on, as the interface promises one.
 * - Lifetimes are counted in whole seconds.
 * - ALLOCSPI tries random SPIs of the range, about as many times as the range is wide, so a
 *   small range that is nearly full may answer ENOENT with an SPI still free (IKE's range,
 *   256 to 2^32-1, is never nearly full). Kernels with "xfrm: Duplicate SPI Handling" (2025)
 *   also keep SPIs unique per protocol across destinations, not per destination.
 */
import { EventEmitter } from 'node:events';
import { addressBytes } from './address';
import {
  isXfrmError, XfrmMonitor, XfrmSocket, type XfrmEvent, type XfrmOptions, type XfrmPolicyId, type XfrmSa,
} from '../native/xfrm';
import type {
  AllocateSpiRequest, IpsecProto, PolicyDir, PolicySpec, PolicyState, SadBackend, SadBackendEvents, SaId, SaSpec, SaState,
  Selector,
} from './sad-backend';
import { SadError, type SadErrorContext, type SadOperation } from './sad-error';
import { checkPolicySpec, checkSaId, checkSaSpec, checkSelector, checkSpiRange } from './spec-checks';
import { copySelector } from './spec-copy';
import {
  fromXfrmCounters, fromXfrmEvent, fromXfrmPolicy, fromXfrmSa, remainingLifetimes, toXfrmPolicy, toXfrmSa,
  toXfrmSelector,
} from './xfrm-specs';

export interface XfrmBackendOptions extends XfrmOptions {
  /** Milliseconds since the epoch, for what is left of time lifetimes; Date.now by default. */
  now?: () => number;
}

const saKey = (id: { dst: string; proto: IpsecProto; spi: number }): string =>
  `${id.proto} ${(addressBytes(id.dst) as Buffer).toString('hex')} ${id.spi}`;

/** Why the kernel may refuse, in words an operator can act on. */
function hint(code: string, operation: SadOperation, context: SadErrorContext): string {
  const sa = context.sa;
  if (code === 'EPROTONOSUPPORT' && sa) {
    const v6 = sa.dst.includes(':');
    const name = sa.proto.toUpperCase();
    return `; the kernel has no ${name}${v6 ? ' for IPv6' : ''} (CONFIG_INET${v6 ? '6' : ''}_${name}, module ${sa.proto}${v6 ? 6 : 4})`;
  }
  if (code === 'ENOSYS' && (operation === 'addSa' || operation === 'updateSa')) return '; the kernel lacks one of the SA\'s algorithms';
  return '';
}

function sadError(operation: SadOperation, err: unknown, context: SadErrorContext): SadError {
  if (!isXfrmError(err)) {
    const error = new SadError(operation, 'EIO', err instanceof Error ? err.message : String(err), context);
    error.cause = err;
    return error;
  }
  // The native message ends in " (CODE)", which SadError adds again.
  const detail = err.message.replace(/ \([A-Z0-9_]+\)$/, '') + hint(err.code, operation, context);
  const error = new SadError(operation, err.code, detail, context);
  error.cause = err;
  return error;
}

export class XfrmBackend extends EventEmitter<SadBackendEvents> implements SadBackend {
  readonly kind = 'xfrm';
  private readonly socket: XfrmSocket;
  private readonly monitor: XfrmMonitor;
  private readonly now: () => number;
  /** SAs whose soft expiry was reported, as XFRM's dump does not say. */
  private readonly softExpiredSas = new Set<string>();
  /** Policies whose soft expiry was passed on: XFRM repeats it. */
  private readonly softExpiredPolicies = new Set<number>();
  private lost = 0;

  constructor(options: XfrmBackendOptions = {}) {
    super();
    const { now, ...xfrm } = options;
    this.now = now ?? Date.now;
    this.socket = new XfrmSocket(xfrm);
    try {
      this.monitor = new XfrmMonitor((events) => this.onEvents(events), xfrm);
    } catch (err) {
      this.socket.close();
      throw err;
    }
  }

  /**
   * How often events were lost: the kernel dropped some for want of queue space, or polling
   * the event socket failed. A lost ACQUIRE is asked again once net.core.xfrm_acq_expires
   * passes; a lost expiry shows as the SA's absence (getSa: ESRCH).
   */
  get eventsLost(): number {
    return this.lost;
  }

  async allocateSpi(request: AllocateSpiRequest): Promise<number> {
    const { min, max } = checkSpiRange(request);
    const context = { spiRange: { src: request.src, dst: request.dst, proto: request.proto, min, max } };
    const larval = await this.call('allocateSpi', context, this.socket.allocSpi({ src: request.src, dst: request.dst, proto: request.proto, min, max }));
    return larval.spi;
  }

  async addSa(spec: SaSpec): Promise<void> {
    checkSaSpec('addSa', spec);
    await this.call('addSa', { sa: idOf(spec) }, this.socket.newSa(toXfrmSa(spec)));
  }

  async updateSa(spec: SaSpec): Promise<void> {
    checkSaSpec('updateSa', spec);
    await this.call('updateSa', { sa: idOf(spec) }, this.socket.updSa(toXfrmSa(spec)));
    // The kernel rearms a soft limit on update.
    this.softExpiredSas.delete(saKey(spec));
  }

  async deleteSa(id: SaId): Promise<void> {
    checkSaId('deleteSa', id);
    await this.call('deleteSa', { sa: idOf(id) }, this.socket.delSa({ dst: id.dst, spi: id.spi, proto: id.proto }));
    this.softExpiredSas.delete(saKey(id));
  }

  async getSa(id: SaId): Promise<SaState> {
    checkSaId('getSa', id);
    const context = { sa: idOf(id) };
    const sa = await this.call('getSa', context, this.socket.getSa({ dst: id.dst, spi: id.spi, proto: id.proto }));
    const spec = fromXfrmSa(sa);
    // A larval SA is the kernel's placeholder for an SPI, not an SA to the IKE side.
    if (!spec) throw new SadError('getSa', 'ESRCH', 'no such SA', context);
    return this.stateOf(spec, sa);
  }

  async listSas(): Promise<SaState[]> {
    const sas = await this.call('listSas', {}, this.socket.dumpSa());
    return sas.flatMap((sa) => {
      const spec = fromXfrmSa(sa);
      return spec ? [this.stateOf(spec, sa)] : [];
    });
  }

  async flushSas(proto?: IpsecProto): Promise<void> {
    await this.call('flushSas', {}, this.socket.flushSa(proto));
    for (const key of [...this.softExpiredSas]) if (proto === undefined || key.startsWith(`${proto} `)) this.softExpiredSas.delete(key);
  }

  addPolicy(spec: PolicySpec): Promise<number> {
    return this.installPolicy('addPolicy', spec);
  }

  updatePolicy(spec: PolicySpec): Promise<number> {
    return this.installPolicy('updatePolicy', spec);
  }

  async deletePolicy(selector: Selector, dir: PolicyDir): Promise<void> {
    const context = { policy: { selector: copySelector(selector), dir } };
    checkSelector('deletePolicy', selector, context);
    await this.call('deletePolicy', context, this.socket.delPolicy({ selector: toXfrmSelector(selector), dir }));
  }

  async listPolicies(): Promise<PolicyState[]> {
    const policies = await this.call('listPolicies', {}, this.socket.dumpPolicy());
    // The kernel lists newest first; its indexes grow with each new policy (an update keeps
    // the index), so by index is the order of installation.
    return policies.flatMap((p) => fromXfrmPolicy(p) ?? []).sort((a, b) => a.index - b.index);
  }

  async flushPolicies(): Promise<void> {
    await this.call('flushPolicies', {}, this.socket.flushPolicy());
    this.softExpiredPolicies.clear();
  }

  async close(): Promise<void> {
    this.monitor.close();
    this.socket.close();
  }

  private async call<T>(operation: SadOperation, context: SadErrorContext, request: Promise<T>): Promise<T> {
    try {
      return await request;
    } catch (err) {
      throw sadError(operation, err, context);
    }
  }

  /**
   * Installs, then reads the policy back for its index (XFRM's ack does not carry it). Both
   * requests are queued together, so they share one sendmsg.
   */
  private async installPolicy(operation: 'addPolicy' | 'updatePolicy', spec: PolicySpec): Promise<number> {
    checkPolicySpec(operation, spec);
    const context = { policy: { selector: copySelector(spec.selector), dir: spec.dir } };
    const policy = toXfrmPolicy(spec);
    const id: XfrmPolicyId = { selector: policy.selector, dir: spec.dir };
    const installed = operation === 'addPolicy' ? this.socket.newPolicy(policy) : this.socket.updPolicy(policy);
    const readBack = this.socket.getPolicy(id);
    // Settle both before deciding, so that neither rejection goes unhandled.
    const [install, read] = await Promise.allSettled([installed, readBack]);
    if (install.status === 'rejected') throw sadError(operation, install.reason, context);
    if (read.status === 'rejected') throw sadError(operation, read.reason, context);
    this.softExpiredPolicies.delete(read.value.index);
    return read.value.index;
  }

  private stateOf(spec: SaSpec, sa: XfrmSa): SaState {
    const counters = fromXfrmCounters(sa);
    const softExpired = this.softExpiredSas.has(saKey(spec));
    return { spec, counters, remaining: remainingLifetimes(spec.lifetimes, counters, this.now(), softExpired) };
  }

  private onEvents(events: XfrmEvent[]): void {
    for (const e of events) {
      if (e.type === 'overrun' || e.type === 'error') {
        this.lost += 1;
        continue;
      }
      const mapped = fromXfrmEvent(e);
      if (!mapped) continue;
      if (mapped.name === 'acquire') this.emit('acquire', mapped.event);
      else if (mapped.name === 'expire') {
        const key = saKey(mapped.event.sa);
        if (mapped.event.hard) this.softExpiredSas.delete(key);
        else this.softExpiredSas.add(key);
        this.emit('expire', mapped.event);
      } else {
        const { index, hard } = mapped.event;
        if (hard) this.softExpiredPolicies.delete(index);
        else if (this.softExpiredPolicies.has(index)) continue;
        else this.softExpiredPolicies.add(index);
        this.emit('policy-expire', mapped.event);
      }
    }
  }
}

function idOf(s: SaId): SaId {
  return { src: s.src, dst: s.dst, proto: s.proto, spi: s.spi };
}

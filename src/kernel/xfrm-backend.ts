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
import {
  XfrmMonitor, XfrmSocket, type XfrmEvent, type XfrmOptions, type XfrmPolicy, type XfrmSa,
} from '../native/xfrm';
import { KernelSadBackend, openMonitor, type PolicyInstall, type SpiRange } from './kernel-sad-backend';
import type { IpsecProto, PolicyDir, PolicySpec, SaId, SaSpec, Selector } from './sad-backend';
import type { SadErrorContext } from './sad-error';
import { fromXfrmCounters, fromXfrmEvent, fromXfrmPolicy, fromXfrmSa, toXfrmPolicy, toXfrmSa, toXfrmSelector } from './xfrm-specs';

export interface XfrmBackendOptions extends XfrmOptions {
  /** Milliseconds since the epoch, for what is left of time lifetimes; Date.now by default. */
  now?: () => number;
}

/**
 * A lost ACQUIRE (eventsLost) is asked again once net.core.xfrm_acq_expires passes; a lost
 * expiry shows as the SA's absence (getSa: ESRCH).
 */
export class XfrmBackend extends KernelSadBackend<XfrmSa, XfrmPolicy> {
  readonly kind = 'xfrm';
  private readonly socket: XfrmSocket;
  private readonly monitor: XfrmMonitor;
  /** Policies whose soft expiry was passed on: XFRM repeats it. */
  private readonly softExpiredPolicies = new Set<number>();

  constructor(options: XfrmBackendOptions = {}) {
    const { now, ...xfrm } = options;
    super({ saSpec: fromXfrmSa, counters: fromXfrmCounters, policyState: fromXfrmPolicy }, now);
    this.socket = new XfrmSocket(xfrm);
    this.monitor = openMonitor(this.socket, () => new XfrmMonitor((events) => this.onEvents(events), xfrm));
  }

  override async flushPolicies(): Promise<void> {
    await super.flushPolicies();
    this.softExpiredPolicies.clear();
  }

  async close(): Promise<void> {
    this.monitor.close();
    this.socket.close();
  }

  protected kernelAllocateSpi(range: SpiRange): Promise<XfrmSa> {
    return this.socket.allocSpi({ ...range });
  }

  protected kernelInstallSa(operation: 'addSa' | 'updateSa', spec: SaSpec): Promise<undefined> {
    return operation === 'addSa' ? this.socket.newSa(toXfrmSa(spec)) : this.socket.updSa(toXfrmSa(spec));
  }

  protected kernelDeleteSa(id: SaId): Promise<undefined> {
    return this.socket.delSa({ dst: id.dst, spi: id.spi, proto: id.proto });
  }

  protected kernelGetSa(id: SaId): Promise<XfrmSa> {
    return this.socket.getSa({ dst: id.dst, spi: id.spi, proto: id.proto });
  }

  protected kernelListSas(): Promise<XfrmSa[]> {
    return this.socket.dumpSa();
  }

  protected kernelFlushSas(proto?: IpsecProto): Promise<undefined> {
    return this.socket.flushSa(proto);
  }

  /**
   * The install resolves with the policy's index, which the kernel announces; only if that
   * announcement was lost is the policy read back for it.
   */
  protected async kernelInstallPolicy(operation: PolicyInstall, spec: PolicySpec, context: () => SadErrorContext): Promise<number> {
    const policy = toXfrmPolicy(spec);
    const install = operation === 'addPolicy' ? this.socket.newPolicy(policy) : this.socket.updPolicy(policy);
    const index = (await this.call(operation, context, install))
      ?? (await this.call(operation, context, this.socket.getPolicy({ selector: policy.selector, dir: spec.dir }))).index;
    this.softExpiredPolicies.delete(index);
    return index;
  }

  protected kernelDeletePolicy(selector: Selector, dir: PolicyDir): Promise<undefined> {
    return this.socket.delPolicy({ selector: toXfrmSelector(selector), dir });
  }

  /** Newest first; the indexes grow with each new policy. */
  protected kernelListPolicies(): Promise<XfrmPolicy[]> {
    return this.socket.dumpPolicy();
  }

  protected kernelFlushPolicies(): Promise<undefined> {
    return this.socket.flushPolicy();
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
        this.noteSaExpiry(mapped.event.sa, mapped.event.hard);
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

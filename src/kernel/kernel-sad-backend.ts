/**
 * What the SadBackends over the kernel (XfrmBackend, PfkeyBackend) share: the argument checks,
 * kernel errors as SadErrors, the SAs' soft expiries (which the kernel's reads do not report)
 * and the count of lost events. Each subclass says how its socket does each operation.
 */
import { EventEmitter } from 'node:events';
import { isKernelError } from '../native/kernel-error';
import { addressBytes } from './address';
import type {
  AllocateSpiRequest, BackendKind, IpsecProto, PolicyDir, PolicySpec, PolicyState, SadBackend, SadBackendEvents, SaCounters,
  SaId, SaSpec, SaState, Selector,
} from './sad-backend';
import { SadError, type SadErrorContext, type SadOperation } from './sad-error';
import { checkPolicySpec, checkSaId, checkSaSpec, checkSelector, checkSpiRange } from './spec-checks';
import { copySelector } from './spec-copy';
import { remainingLifetimes } from './xfrm-specs';

/** How the backends key SAs: as the kernel identifies them. */
export const saKey = (id: { dst: string; proto: IpsecProto; spi: number }): string =>
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

/** A kernel error (XFRM's or PF_KEY's, which have the same shape) as a SadError. */
export function sadError(operation: SadOperation, err: unknown, context: SadErrorContext): SadError {
  if (!isKernelError(err)) {
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

/** The monitor for a socket just opened; the socket is closed again if the monitor cannot open. */
export function openMonitor<M>(socket: { close(): void }, open: () => M): M {
  try {
    return open();
  } catch (err) {
    socket.close();
    throw err;
  }
}

const noContext = (): SadErrorContext => ({});

export interface SpiRange {
  src: string;
  dst: string;
  proto: IpsecProto;
  min: number;
  max: number;
}
export type PolicyInstall = 'addPolicy' | 'updatePolicy';

/** How a kernel interface's SAs and policies read as the SadBackend's. */
export interface KernelReader<KernelSa, KernelPolicy> {
  /** undefined for a larval SA, the kernel's placeholder for an SPI (no SA to the IKE side). */
  saSpec(sa: KernelSa): SaSpec | undefined;
  counters(sa: KernelSa): SaCounters;
  /** undefined for a policy ikegate does not make. */
  policyState(policy: KernelPolicy): PolicyState | undefined;
}

export abstract class KernelSadBackend<KernelSa, KernelPolicy> extends EventEmitter<SadBackendEvents> implements SadBackend {
  abstract readonly kind: BackendKind;
  /** SAs whose soft expiry was reported, as the kernel's reads do not say. */
  private readonly softExpiredSas = new Set<string>();
  private readonly now: () => number;
  protected lost = 0;

  /** `now`: milliseconds since the epoch, for what is left of time lifetimes; Date.now by default. */
  protected constructor(private readonly read: KernelReader<KernelSa, KernelPolicy>, now: (() => number) | undefined) {
    super();
    this.now = now ?? Date.now;
  }

  protected abstract kernelAllocateSpi(range: SpiRange): Promise<{ spi: number }>;
  protected abstract kernelInstallSa(operation: 'addSa' | 'updateSa', spec: SaSpec): Promise<unknown>;
  protected abstract kernelDeleteSa(id: SaId): Promise<unknown>;
  protected abstract kernelGetSa(id: SaId): Promise<KernelSa>;
  protected abstract kernelListSas(): Promise<KernelSa[]>;
  protected abstract kernelFlushSas(proto?: IpsecProto): Promise<unknown>;
  /** Installs a checked policy; resolves with its index, rejects with a SadError. */
  protected abstract kernelInstallPolicy(operation: PolicyInstall, spec: PolicySpec, context: () => SadErrorContext): Promise<number>;
  protected abstract kernelDeletePolicy(selector: Selector, dir: PolicyDir): Promise<unknown>;
  protected abstract kernelListPolicies(): Promise<KernelPolicy[]>;
  protected abstract kernelFlushPolicies(): Promise<unknown>;
  abstract close(): Promise<void>;

  /** How often events were lost (the kernel dropped some, or polling the event socket failed). */
  get eventsLost(): number {
    return this.lost;
  }

  async allocateSpi(request: AllocateSpiRequest): Promise<number> {
    const { min, max } = checkSpiRange(request);
    const context = { spiRange: { src: request.src, dst: request.dst, proto: request.proto, min, max } };
    const larval = await this.call('allocateSpi', () => context, this.kernelAllocateSpi({ src: request.src, dst: request.dst, proto: request.proto, min, max }));
    return larval.spi;
  }

  async addSa(spec: SaSpec): Promise<void> {
    this.checkSa('addSa', spec);
    await this.call('addSa', () => ({ sa: idOf(spec) }), this.kernelInstallSa('addSa', spec));
  }

  async updateSa(spec: SaSpec): Promise<void> {
    this.checkSa('updateSa', spec);
    await this.call('updateSa', () => ({ sa: idOf(spec) }), this.kernelInstallSa('updateSa', spec));
    // The kernel rearms a soft limit on update.
    if (this.softExpiredSas.size > 0) this.softExpiredSas.delete(saKey(spec));
  }

  async deleteSa(id: SaId): Promise<void> {
    checkSaId('deleteSa', id);
    await this.call('deleteSa', () => ({ sa: idOf(id) }), this.kernelDeleteSa(id));
    if (this.softExpiredSas.size > 0) this.softExpiredSas.delete(saKey(id));
  }

  async getSa(id: SaId): Promise<SaState> {
    checkSaId('getSa', id);
    const context = { sa: idOf(id) };
    const sa = await this.call('getSa', () => context, this.kernelGetSa(id));
    const spec = this.read.saSpec(sa);
    if (!spec) throw new SadError('getSa', 'ESRCH', 'no such SA', context);
    return this.stateOf(spec, sa);
  }

  async listSas(): Promise<SaState[]> {
    const sas = await this.call('listSas', noContext, this.kernelListSas());
    return sas.flatMap((sa) => {
      const spec = this.read.saSpec(sa);
      return spec ? [this.stateOf(spec, sa)] : [];
    });
  }

  async flushSas(proto?: IpsecProto): Promise<void> {
    await this.call('flushSas', noContext, this.kernelFlushSas(proto));
    for (const key of [...this.softExpiredSas]) if (proto === undefined || key.startsWith(`${proto} `)) this.softExpiredSas.delete(key);
  }

  addPolicy(spec: PolicySpec): Promise<number> {
    return this.installPolicy('addPolicy', spec);
  }

  updatePolicy(spec: PolicySpec): Promise<number> {
    return this.installPolicy('updatePolicy', spec);
  }

  async deletePolicy(selector: Selector, dir: PolicyDir): Promise<void> {
    const context = (): SadErrorContext => ({ policy: { selector: copySelector(selector), dir } });
    checkSelector('deletePolicy', selector, context());
    await this.call('deletePolicy', context, this.kernelDeletePolicy(selector, dir));
  }

  async listPolicies(): Promise<PolicyState[]> {
    const policies = await this.call('listPolicies', noContext, this.kernelListPolicies());
    // Index order is the order of installation (an update keeps the index).
    return policies.flatMap((p) => this.read.policyState(p) ?? []).sort((a, b) => a.index - b.index);
  }

  async flushPolicies(): Promise<void> {
    await this.call('flushPolicies', noContext, this.kernelFlushPolicies());
  }

  protected checkSa(operation: 'addSa' | 'updateSa', spec: SaSpec): void {
    checkSaSpec(operation, spec);
  }

  /** `context` is made only for an error: bulk installs make thousands of calls. */
  protected async call<T>(operation: SadOperation, context: () => SadErrorContext, request: Promise<T>): Promise<T> {
    try {
      return await request;
    } catch (err) {
      throw sadError(operation, err, context());
    }
  }

  /** Keeps the soft expiry of an SA the kernel reported, for what getSa and listSas say is left. */
  protected noteSaExpiry(id: Pick<SaId, 'dst' | 'proto' | 'spi'>, hard: boolean): void {
    if (hard) this.softExpiredSas.delete(saKey(id));
    else this.softExpiredSas.add(saKey(id));
  }

  private async installPolicy(operation: PolicyInstall, spec: PolicySpec): Promise<number> {
    checkPolicySpec(operation, spec);
    return this.kernelInstallPolicy(operation, spec, () => ({ policy: { selector: copySelector(spec.selector), dir: spec.dir } }));
  }

  private stateOf(spec: SaSpec, sa: KernelSa): SaState {
    const counters = this.read.counters(sa);
    const softExpired = this.softExpiredSas.has(saKey(spec));
    return { spec, counters, remaining: remainingLifetimes(spec.lifetimes, counters, this.now(), softExpired) };
  }
}

export function idOf(s: SaId): SaId {
  return { src: s.src, dst: s.dst, proto: s.proto, spi: s.spi };
}

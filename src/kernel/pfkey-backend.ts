/**
 * The SadBackend over PF_KEY v2 (RFC 2367, Linux af_key), through the native addon
 * (src/native/pfkey.ts): the same contract as XfrmBackend (test/helpers/sad-backend-contract.ts),
 * with the same errno names, for kernels or setups where PF_KEY is the interface to use.
 *
 * Differences that come from PF_KEY itself (pfkey-specs.ts lists what it cannot carry):
 * - AES-GCM SAs are refused by the kernel (ENOSYS): af_key has no AEAD;
 * - SAs are installed without their selector and NAT-OA, which PF_KEY cannot carry;
 * - an ICV truncation other than the RFC's, a replay window above 255, and policy reqids
 *   above 16383 or at level 'use' are refused up front (EINVAL, naming the reason);
 * - Linux never sends a policy's expiry over PF_KEY: policy lifetimes still remove policies,
 *   but no 'policy-expire' event is emitted;
 * - PF_KEY's ACQUIRE names the policy by index without its templates, so each ACQUIRE costs
 *   one SADB_X_SPDGET to find the template's mode and reqid.
 */
import { PfkeyMonitor, PfkeySocket, type PfkeyEvent, type PfkeyOptions, type PfkeyPolicy, type PfkeySa } from '../native/pfkey';
import { idOf, KernelSadBackend, openMonitor, type PolicyInstall, type SpiRange } from './kernel-sad-backend';
import {
  acquiredTemplate, fromPfkeyCounters, fromPfkeyPolicy, fromPfkeySa, pfkeyAlgorithmProblem, pfkeyPolicyProblem, pfkeySaProblem,
  toPfkeyPolicy, toPfkeySa, toPfkeySelector,
} from './pfkey-specs';
import type { IpsecProto, PolicyDir, PolicySpec, PolicyState, SaAlgorithms, SaId, SaSpec, Selector } from './sad-backend';
import { SadError, type SadErrorContext } from './sad-error';

export interface PfkeyBackendOptions extends PfkeyOptions {
  /** Milliseconds since the epoch, for what is left of time lifetimes; Date.now by default. */
  now?: () => number;
}

/** eventsLost also counts the ACQUIREs whose policy could not be read. */
export class PfkeyBackend extends KernelSadBackend<PfkeySa, PfkeyPolicy> {
  readonly kind = 'pfkey';
  private readonly socket: PfkeySocket;
  private readonly monitor: PfkeyMonitor;

  constructor(options: PfkeyBackendOptions = {}) {
    const { now, ...pfkey } = options;
    super({ saSpec: fromPfkeySa, counters: fromPfkeyCounters, policyState: fromPfkeyPolicy }, now);
    this.socket = new PfkeySocket(pfkey);
    this.monitor = openMonitor(this.socket, () => new PfkeyMonitor(this.socket, (events) => this.onEvents(events)));
  }

  async close(): Promise<void> {
    this.monitor.close();
    this.socket.close();
  }

  /** HMAC-SHA256-128 and AES-GCM: negotiation neither offers nor accepts them over PF_KEY. */
  algorithmProblem(algorithms: SaAlgorithms): string | undefined {
    return pfkeyAlgorithmProblem(algorithms);
  }

  protected override checkSa(operation: 'addSa' | 'updateSa', spec: SaSpec): void {
    super.checkSa(operation, spec);
    const problem = pfkeySaProblem(spec);
    if (problem) throw new SadError(operation, 'EINVAL', problem, { sa: idOf(spec) });
  }

  protected kernelAllocateSpi(range: SpiRange): Promise<PfkeySa> {
    return this.socket.getSpi({ satype: range.proto, src: range.src, dst: range.dst, min: range.min, max: range.max });
  }

  protected kernelInstallSa(operation: 'addSa' | 'updateSa', spec: SaSpec): Promise<undefined> {
    return operation === 'addSa' ? this.socket.add(toPfkeySa(spec)) : this.socket.update(toPfkeySa(spec));
  }

  protected kernelDeleteSa(id: SaId): Promise<undefined> {
    return this.socket.delete(pfkeyId(id));
  }

  protected kernelGetSa(id: SaId): Promise<PfkeySa> {
    return this.socket.get(pfkeyId(id));
  }

  protected kernelListSas(): Promise<PfkeySa[]> {
    return this.socket.dump();
  }

  protected kernelFlushSas(proto?: IpsecProto): Promise<undefined> {
    return this.socket.flush(proto);
  }

  /** SPDADD and SPDUPDATE answer with the policy as installed: the addon reads its index. */
  protected kernelInstallPolicy(operation: PolicyInstall, spec: PolicySpec, context: () => SadErrorContext): Promise<number> {
    const problem = pfkeyPolicyProblem(spec);
    if (problem) return Promise.reject(new SadError(operation, 'EINVAL', problem, context()));
    const policy = toPfkeyPolicy(spec);
    return this.call(operation, context, operation === 'addPolicy' ? this.socket.spdAdd(policy) : this.socket.spdUpdate(policy));
  }

  protected kernelDeletePolicy(selector: Selector, dir: PolicyDir): Promise<undefined> {
    return this.socket.spdDelete(toPfkeySelector(selector, dir));
  }

  protected kernelListPolicies(): Promise<PfkeyPolicy[]> {
    return this.socket.spdDump();
  }

  protected kernelFlushPolicies(): Promise<undefined> {
    return this.socket.spdFlush();
  }

  private onEvents(events: PfkeyEvent[]): void {
    for (const e of events) {
      if (e.type === 'overrun' || e.type === 'error') this.lost += 1;
      else if (e.type === 'acquire') void this.onAcquire(e);
      else if (e.type === 'expire') this.onExpire(e.sa, e.hard);
    }
  }

  private onExpire(sa: PfkeySa, hard: boolean): void {
    const { satype: proto } = sa;
    // The expiry of an ACQUIRE's placeholder (SPI 0) is no SA anyone installed.
    if ((proto !== 'esp' && proto !== 'ah') || sa.spi === 0) return;
    const id = { src: sa.src, dst: sa.dst, proto, spi: sa.spi };
    this.noteSaExpiry(id, hard);
    this.emit('expire', { sa: id, reqid: sa.reqid, hard });
  }

  private async onAcquire(e: Extract<PfkeyEvent, { type: 'acquire' }>): Promise<void> {
    const { satype: proto } = e;
    if (proto !== 'esp' && proto !== 'ah') return;
    let policy: PolicyState | undefined;
    try {
      policy = fromPfkeyPolicy(await this.socket.spdGet(e.policyId));
    } catch {
      // The policy went away between the packet and this read: nothing to negotiate for.
      this.lost += 1;
      return;
    }
    const template = policy && acquiredTemplate(policy, proto, e.src, e.dst);
    if (!policy || !template) return;
    this.emit('acquire', {
      policyIndex: policy.index, selector: policy.spec.selector, proto, mode: template.mode, reqid: template.reqid, src: e.src, dst: e.dst,
    });
  }
}

function pfkeyId(id: SaId): { satype: IpsecProto; src: string; dst: string; spi: number } {
  return { satype: id.proto, src: id.src, dst: id.dst, spi: id.spi };
}

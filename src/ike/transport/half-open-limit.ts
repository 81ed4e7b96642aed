/**
 * The half-open SA limit: responder IKE SAs whose negotiation has begun but not finished cost
 * state and DH computations, so a flood of first messages (spoofed or not) is refused above
 * a limit per peer address and in total, as IOS's `crypto call admission limit ike
 * in-negotiation-sa` and charon's block_threshold (per peer) / init_limit_half_open (total)
 * do. There is no default limit, as in IOS: charon's per-peer default of 5 is what its own
 * many-tunnel benchmarks must raise, and a concentrator negotiating thousands of tunnels with
 * one peer gateway is normal. The key manager reads the total from configuration.
 */

export interface HalfOpenLimits {
  /** Half-open SAs one peer address may have; unlimited when absent. */
  perPeer?: number;
  /** Half-open SAs in all; unlimited when absent. */
  total?: number;
}

export type HalfOpenAdmission = { admitted: true } | { admitted: false; limit: 'peer' | 'total' };

function checkLimits(limits: HalfOpenLimits): HalfOpenLimits {
  for (const [name, v] of Object.entries(limits)) {
    if (v !== undefined && !(Number.isInteger(v) && v >= 0)) throw new RangeError(`half-open limit ${name} must be a non-negative integer`);
  }
  return limits;
}

export class HalfOpenLimiter {
  /** Half-open SA id -> peer address. */
  private readonly open = new Map<string, string>();
  private readonly perPeer = new Map<string, number>();

  private readonly limits: () => HalfOpenLimits;

  /** Fixed limits, or a function read at each admission (limits from live configuration). */
  constructor(limits: HalfOpenLimits | (() => HalfOpenLimits) = {}) {
    this.limits = typeof limits === 'function' ? limits : () => limits;
    if (typeof limits !== 'function') checkLimits(limits);
  }

  /** Counts `sa` (e.g. its cookies) as half-open from `peer`, unless a limit is reached. */
  admit(sa: string, peer: string): HalfOpenAdmission {
    if (this.open.has(sa)) return { admitted: true };
    const { perPeer, total } = checkLimits(this.limits());
    if (total !== undefined && this.open.size >= total) return { admitted: false, limit: 'total' };
    if (perPeer !== undefined && this.count(peer) >= perPeer) return { admitted: false, limit: 'peer' };
    this.open.set(sa, peer);
    this.perPeer.set(peer, this.count(peer) + 1);
    return { admitted: true };
  }

  /** `sa` is established, failed or deleted: no longer half-open. Unknown ids are ignored. */
  settle(sa: string): void {
    const peer = this.open.get(sa);
    if (peer === undefined) return;
    this.open.delete(sa);
    const left = this.count(peer) - 1;
    if (left === 0) this.perPeer.delete(peer);
    else this.perPeer.set(peer, left);
  }

  /** Half-open SAs of one peer, or in all. */
  count(peer?: string): number {
    return peer === undefined ? this.open.size : this.perPeer.get(peer) ?? 0;
  }
}

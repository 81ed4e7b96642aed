/**
 * How many phase 1s we initiate at once. When thousands of tunnels are wanted together (a
 * boot with `set auto-up`, a burst of ACQUIREs), sending every first message at once would
 * make each phase 1 take longer than the peers wait before resending (4 s, then 7.2 s...),
 * and both ends would drown in late answers and resends. A fixed small window, though, leaves
 * a fast gateway waiting on round trips with its CPU idle.
 *
 * So the window follows Little's law: with n of our phase 1s under way, each taking d, about
 * n/d end per second, and n * TARGET / d under way keeps a phase 1 near TARGET (1 s, a quarter
 * of the default first retransmission timeout). The window starts at the floor, never leaves
 * [floor, limit], and moves a quarter of the way to each new estimate, so one slow exchange
 * does not halve it. Only established phase 1s count: a dead peer's timeout says nothing
 * about load.
 */

/** The window before any phase 1 has ended, and its least: the fixed limit this replaced. */
export const PACING_FLOOR = 100;
/** The time a phase 1 should take under load. */
export const PACING_TARGET_MS = 1000;

export class InitiationPacer {
  private readonly floor: number;
  private current: number;

  /** `limit`: never more at once than this (the operator's `--ike-initiation-limit`). */
  constructor(readonly limit: number) {
    if (!(Number.isInteger(limit) && limit >= 1)) throw new RangeError(`initiation limit must be a positive integer, not ${limit}`);
    this.floor = Math.min(PACING_FLOOR, limit);
    this.current = this.floor;
  }

  /** Phase 1s we may have under way now. */
  get window(): number {
    return Math.round(this.current);
  }

  /** One of ours was established after `ms`, while `underWay` of ours (it included) ran. */
  established(ms: number, underWay: number): void {
    const estimate = (underWay * PACING_TARGET_MS) / Math.max(ms, 1);
    this.current = Math.min(this.limit, Math.max(this.floor, this.current + (estimate - this.current) / 4));
  }
}

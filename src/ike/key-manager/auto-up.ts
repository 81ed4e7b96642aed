/**
 * `set auto-up`: which of the wanted flows to negotiate now, and when to look again. A flow
 * that is down is started at once the first time, then again after waits doubling from
 * AUTO_UP_FIRST_RETRY_MS up to AUTO_UP_MAX_RETRY_MS while it keeps failing; once up, the
 * next loss starts from the beginning. Pure: the key manager says what is up and when it is.
 */

export const AUTO_UP_FIRST_RETRY_MS = 5_000;
export const AUTO_UP_MAX_RETRY_MS = 300_000;

export type FlowState = 'up' | 'negotiating' | 'down';

export interface AutoUpPlan {
  /** Flows to negotiate now. */
  readonly start: string[];
  /** When to look again: the earliest retry of a flow not up (none: all are up). */
  readonly nextAt?: number;
}

export class AutoUpSchedule {
  /** Flows that were started and are not up yet: attempts so far, and the earliest next one. */
  private readonly retries = new Map<string, { attempts: number; nextAt: number }>();

  /** The flow is up: its next loss starts from the first retry wait. */
  up(flow: string): void {
    this.retries.delete(flow);
  }

  plan(flows: ReadonlyMap<string, FlowState>, now: number): AutoUpPlan {
    for (const key of this.retries.keys()) if (!flows.has(key)) this.retries.delete(key);
    const start: string[] = [];
    let nextAt: number | undefined;
    for (const [key, state] of flows) {
      if (state === 'up') {
        this.retries.delete(key);
        continue;
      }
      let retry = this.retries.get(key);
      if (state === 'down' && (!retry || now >= retry.nextAt)) {
        const attempts = (retry?.attempts ?? 0) + 1;
        retry = { attempts, nextAt: now + Math.min(AUTO_UP_FIRST_RETRY_MS * 2 ** (attempts - 1), AUTO_UP_MAX_RETRY_MS) };
        this.retries.set(key, retry);
        start.push(key);
      }
      if (!retry) continue;
      // Also for a negotiation under way: should it end unnoticed, the flow is looked at again;
      // one still running past its retry time (thousands queued at once) is looked at later,
      // not at once and again at once while it runs.
      const at = state === 'negotiating' ? Math.max(retry.nextAt, now + AUTO_UP_FIRST_RETRY_MS) : retry.nextAt;
      nextAt = nextAt === undefined ? at : Math.min(nextAt, at);
    }
    return nextAt === undefined ? { start } : { start, nextAt };
  }
}

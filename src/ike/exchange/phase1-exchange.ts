import type { CookiePair } from '../sa/ike-sa';
import type { Phase1Context, Phase1Options } from './context';
import type { Effect } from './effects';
import { Phase1Negotiation } from './phase1-negotiation';

/** What the driver asks of every phase-1 machine, whichever mode and role it plays. */
export abstract class Phase1Exchange {
  protected readonly p: Phase1Negotiation;
  /** Our last message, resent while its answer (or the peer's next request) is awaited. */
  protected pending: Buffer | undefined;

  constructor(ctx: Phase1Context, options: Phase1Options, role: 'initiator' | 'responder', mode: 'main' | 'aggressive') {
    this.p = new Phase1Negotiation(ctx, options, role, mode);
  }

  /** The driver gives up on the exchange (retries exhausted, shutdown). */
  cancel(reason: string): Effect[] {
    return this.p.outcome === undefined ? this.p.fail(undefined, reason, false) : [];
  }

  get cookies(): CookiePair {
    return this.p.cookies;
  }

  /** The message for the driver's retransmission timer (undefined when none or failed). */
  get retransmission(): Buffer | undefined {
    return this.p.outcome === 'failed' ? undefined : this.pending;
  }
}

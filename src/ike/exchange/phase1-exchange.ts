import type { CookiePair } from '../sa/ike-sa';
import { ExchangeType, NotifyType, type Payload, type SplitMessage } from '../wire';
import type { Phase1Context, Phase1Options } from './context';
import type { Effect } from './effects';
import { drop } from './exchange-error';
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

  /**
   * One receive step of a responder: once the exchange has `begun`, an informational from
   * the peer goes to the negotiation; any other message to the mode's `step`.
   */
  protected respond(datagram: Buffer, begun: boolean, step: (split: SplitMessage) => Effect[]): Effect[] {
    return this.p.guard(datagram, () => {
      const split = this.p.split(datagram);
      if (split.header.exchangeType === ExchangeType.INFORMATIONAL && begun) return this.p.peerInformational(split);
      return step(split);
    });
  }

  /** A responder's message 1, either mode: a plain first message gets our cookie; its payloads. */
  protected firstMessage(split: SplitMessage): Payload[] {
    this.p.checkPhase1Header(split, false);
    if (split.header.responderCookie.some((b) => b !== 0)) drop('message 1 with a responder cookie', NotifyType.INVALID_COOKIE);
    this.p.cookies = { ...this.p.cookies, responder: this.p.newCookie() };
    return this.p.decodePlain(split, 'refuse');
  }
}

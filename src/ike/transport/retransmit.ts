/**
 * Retransmission of an unanswered IKE message with exponential backoff (RFC 2408 leaves the
 * schedule to implementations). It knows nothing of IKE: it calls `send` and, when the
 * retries are spent without `cancel` (the answer came), `giveUp`.
 */
import { systemTimers, type Timers } from './timers';

export interface RetransmitPolicy {
  /** Wait after the first transmission. */
  initialTimeoutMs: number;
  /** Each further wait is this factor longer. */
  backoff: number;
  /** Retransmissions after the first transmission before giving up. */
  retries: number;
  /** No wait is longer than this (none: the waits keep growing). */
  maxTimeoutMs?: number;
}

/**
 * strongSwan's defaults (retransmit_timeout 4 s, retransmit_base 1.8, retransmit_tries 5),
 * which peers of an IKEv1 gateway are tuned to: waits of 4, 7.2, 13, 23.3, 42 and 75.6 s,
 * giving up about 165 s after the first transmission. The first retry after 4 s is long
 * enough for a DH computation under load on the other side, short enough for 30% loss.
 */
export const DEFAULT_RETRANSMIT: RetransmitPolicy = { initialTimeoutMs: 4000, backoff: 1.8, retries: 5 };

/** The wait after each transmission, first to last (retries + 1 of them), in whole ms. */
export function retransmitWaits(policy: RetransmitPolicy): number[] {
  const { initialTimeoutMs, backoff, retries, maxTimeoutMs = Infinity } = policy;
  if (!(initialTimeoutMs > 0) || !(backoff >= 1) || !Number.isInteger(retries) || retries < 0 || !(maxTimeoutMs >= initialTimeoutMs)) {
    throw new RangeError(`bad retransmit policy: ${JSON.stringify(policy)}`);
  }
  return Array.from({ length: retries + 1 }, (_, n) => Math.round(Math.min(initialTimeoutMs * backoff ** n, maxTimeoutMs)));
}

/** From the first transmission to giving up. */
export function retransmitSpanMs(policy: RetransmitPolicy): number {
  return retransmitWaits(policy).reduce((a, b) => a + b, 0);
}

/**
 * The schedule for the responder's message 2 of a three-message exchange (Quick Mode,
 * Aggressive Mode). RFC 2409 has the initiator send message 3 once, and only a repeated
 * message 2 makes it send it again (charon resends its last request when a response it
 * already processed comes again). A recovery needs one round trip through both directions,
 * so under loss it needs many tries, not long waits: the waits stop growing after the second,
 * and there are as many as fit in `policy`'s span, so a dead peer is given up on no later.
 */
export function finalLegPolicy(policy: RetransmitPolicy): RetransmitPolicy {
  const span = retransmitSpanMs(policy);
  const maxTimeoutMs = Math.round(policy.initialTimeoutMs * policy.backoff);
  const capped: RetransmitPolicy = { ...policy, maxTimeoutMs, retries: 0 };
  const first = retransmitSpanMs(capped);
  const retries = Math.max(policy.retries, Math.floor((span - first) / maxTimeoutMs));
  return { ...capped, retries };
}

export interface RetransmitOptions {
  /** Transmits the message; `attempt` 0 is the first transmission, 1.. the retransmissions. */
  send(attempt: number): void;
  /** The last wait ended without an answer. */
  giveUp(): void;
  policy?: RetransmitPolicy;
  timers?: Timers;
}

export interface Retransmission {
  /** Stops it: the answer arrived, or the exchange is abandoned. */
  cancel(): void;
  /** Transmissions so far, the first included. */
  readonly transmissions: number;
  /** Cancelled or given up. */
  readonly finished: boolean;
}

/** The waits of each policy object in use: a daemon starts one retransmission per message it sends. */
const scheduleCache = new WeakMap<RetransmitPolicy, readonly number[]>();

function schedule(policy: RetransmitPolicy): readonly number[] {
  let waits = scheduleCache.get(policy);
  if (!waits) scheduleCache.set(policy, (waits = Object.freeze(retransmitWaits(policy))));
  return waits;
}

/** Transmits at once, then again after each wait, then gives up. */
export function startRetransmission(options: RetransmitOptions): Retransmission {
  const waits = schedule(options.policy ?? DEFAULT_RETRANSMIT);
  const timers = options.timers ?? systemTimers;
  let transmissions = 0;
  let finished = false;
  let handle: unknown;
  const transmit = (): void => {
    options.send(transmissions);
    const wait = waits[transmissions++] as number;
    // A retransmission's `send` may cancel (e.g. the exchange is abandoned on a send error).
    if (!finished) handle = timers.setTimeout(expired, wait);
  };
  const expired = (): void => {
    if (transmissions < waits.length) transmit();
    else {
      finished = true;
      options.giveUp();
    }
  };
  transmit();
  return {
    cancel() {
      if (finished) return;
      finished = true;
      timers.clearTimeout(handle);
    },
    get transmissions() {
      return transmissions;
    },
    get finished() {
      return finished;
    },
  };
}

/**
 * Answering retransmissions (RFC 2408 section 5): when a peer sends its last message of an
 * exchange again, our answer was lost, so we send the stored answer again instead of
 * processing the message a second time. Messages are compared by SHA-256 digest, so only
 * the digest of what we received is kept.
 */
import { hash } from '../crypto/hash';
import { DEFAULT_RETRANSMIT, retransmitSpanMs } from './retransmit';

export type DuplicateCheck =
  /** Not the last accepted message: process it. */
  | { kind: 'new' }
  /** The last accepted message again, already answered: send `response` again. */
  | { kind: 'resend'; response: Buffer }
  /** The last accepted message again, not answered (yet, or it needs no answer): drop it. */
  | { kind: 'duplicate' };

export interface DuplicateDetectorOptions {
  /**
   * How long after the last activity an exchange is remembered; by default as long as our
   * own retransmission schedule lasts, since a peer retransmitting alike has given up then.
   */
  holdMs?: number;
  now?: () => number;
}

interface Remembered {
  digest: string;
  response: Buffer | undefined;
  until: number;
}

/**
 * Its first 128 bits, as a latin1 string of their own (a slice of a longer string would keep
 * that alive): a digest Buffer would cost an ArrayBuffer and a view per exchange remembered,
 * and 128 bits tell a retransmission from another message.
 */
const digestOf = (datagram: Buffer): string => hash('sha256', datagram).toString('latin1', 0, 16);

/**
 * Remembers, per exchange (e.g. the cookie pair for phase 1, plus the message ID for phase 2),
 * the last message accepted from the peer and our answer to it.
 */
export class DuplicateDetector {
  private readonly holdMs: number;
  private readonly now: () => number;
  private readonly exchanges = new Map<string, Remembered>();
  /** The last datagram digested: a message checked is digested again when it is accepted. */
  private last: { readonly datagram: Buffer; readonly digest: string } | undefined;

  constructor(options: DuplicateDetectorOptions = {}) {
    this.holdMs = options.holdMs ?? retransmitSpanMs(DEFAULT_RETRANSMIT);
    this.now = options.now ?? Date.now;
  }

  check(exchange: string, datagram: Buffer): DuplicateCheck {
    const r = this.live(exchange);
    if (!r || r.digest !== this.digest(datagram)) return { kind: 'new' };
    r.until = this.now() + this.holdMs;
    return r.response ? { kind: 'resend', response: r.response } : { kind: 'duplicate' };
  }

  /**
   * The message passed validation and is being processed. Only then is it remembered, so a
   * forged message cannot displace the genuine one a retransmission must match.
   */
  accepted(exchange: string, datagram: Buffer): void {
    // `response` present from the start: added later, it would live outside the object, in an array of its own.
    this.exchanges.set(exchange, { digest: this.digest(datagram), response: undefined, until: this.now() + this.holdMs });
  }

  /** Our answer to the last accepted message; ignored when none was accepted. */
  responded(exchange: string, response: Buffer): void {
    const r = this.live(exchange);
    if (!r) return;
    r.response = response;
    r.until = this.now() + this.holdMs;
  }

  /** The exchange (or SA) is gone. */
  forget(exchange: string): void {
    this.exchanges.delete(exchange);
  }

  /** Drops every exchange past its hold time; for a periodic sweep. */
  prune(): void {
    for (const key of [...this.exchanges.keys()]) this.live(key);
  }

  get size(): number {
    return this.exchanges.size;
  }

  private digest(datagram: Buffer): string {
    if (this.last?.datagram !== datagram) this.last = { datagram, digest: digestOf(datagram) };
    return this.last.digest;
  }

  private live(exchange: string): Remembered | undefined {
    const r = this.exchanges.get(exchange);
    if (r && r.until <= this.now()) {
      this.exchanges.delete(exchange);
      return undefined;
    }
    return r;
  }
}

import type { NotifyType } from '../wire';
import type { CookiePair, Role } from '../sa/ike-sa';
import { endpointText, type Endpoint } from '../sa/endpoint';

export type ExchangeName = 'main' | 'aggressive' | 'quick' | 'informational';

/** Where a failure happened, so a log line can name the peer, the SA and the message. */
export interface ExchangeErrorContext {
  readonly exchange: ExchangeName;
  readonly role: Role;
  readonly peer: Endpoint;
  readonly cookies: CookiePair;
  readonly messageId: number;
}

/**
 * Why an exchange failed or dropped a message. `notify` is the RFC 2408 notification that
 * describes it (sent to the peer when the exchange could answer), or undefined.
 */
export class ExchangeError extends Error {
  override readonly name = 'ExchangeError';

  constructor(
    readonly notify: NotifyType | undefined,
    readonly reason: string,
    readonly context: ExchangeErrorContext,
  ) {
    const c = context;
    const cookies = `${c.cookies.initiator.toString('hex')}/${c.cookies.responder.toString('hex')}`;
    super(`${c.exchange} mode ${c.role} with ${endpointText(c.peer)} [${cookies} msgid ${c.messageId.toString(16)}]: ${reason}`);
  }
}

/**
 * Thrown inside a machine and turned into effects by its receive path: `drop` leaves the
 * exchange as it was (a stray, forged or duplicate-looking message), `refuse` ends it.
 */
export class ExchangeFault extends Error {
  constructor(
    readonly action: 'drop' | 'refuse',
    readonly notify: NotifyType | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'ExchangeFault';
  }
}

export function drop(reason: string, notify?: NotifyType): never {
  throw new ExchangeFault('drop', notify, reason);
}

export function refuse(notify: NotifyType | undefined, reason: string): never {
  throw new ExchangeFault('refuse', notify, reason);
}

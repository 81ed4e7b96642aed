import type { CookiePair, IkeSa } from '../sa/ike-sa';
import type { NegotiatedIpsecSa } from '../sa/ipsec-sa';
import type { IpsecProtocol } from '../policy/ipsec-transform';
import type { ExchangeError } from './exchange-error';

/** A notification a peer sent that no exchange consumed itself. */
export interface ReceivedNotify {
  readonly notifyType: number;
  readonly protocolId: number;
  readonly spi: Buffer;
  readonly data: Buffer;
}

/**
 * What an exchange asks of its driver, in order. The machines never do I/O: they return
 * these from start() and receive().
 *
 * - send: put these bytes on the wire to the peer (IKE SA's current endpoints; after
 *   float-to-nat-t on port 4500 with the non-ESP marker the driver prepends).
 * - float-to-nat-t: from now on this IKE SA talks on UDP 4500 (RFC 3947 4). Comes before
 *   the send it applies to.
 * - established: phase 1 is done; keep the IKE SA (add it to the SaTable).
 * - ipsec-sa: a Quick Mode produced an SA bundle; install both directions.
 * - failed: the exchange ended without an SA; nothing of it may stay. Any notification to
 *   the peer was already returned as a send before it.
 * - ignored: a message was dropped and the exchange goes on (bad cookie, stray or forged
 *   message, unverifiable hash). For logging only.
 * - initial-contact: the peer says it has no other SAs with us (it rebooted): delete every
 *   other IKE and IPsec SA with that peer.
 * - delete-ike-sa / delete-ipsec-sa: the peer deleted these SAs (the cookies are the ones it
 *   named: check they are this peer's). IPsec SPIs are the ones the peer receives on, which
 *   are our outbound SPIs (SaTable.ipsecByOutboundSpi).
 * - notify: any other notification (status or error) from the peer.
 */
export type Effect =
  | { readonly kind: 'send'; readonly bytes: Buffer }
  | { readonly kind: 'float-to-nat-t' }
  | { readonly kind: 'established'; readonly ikeSa: IkeSa }
  | { readonly kind: 'ipsec-sa'; readonly sa: NegotiatedIpsecSa }
  | { readonly kind: 'failed'; readonly error: ExchangeError }
  | { readonly kind: 'ignored'; readonly error: ExchangeError }
  | { readonly kind: 'initial-contact'; readonly ikeCookies: CookiePair }
  | { readonly kind: 'delete-ike-sa'; readonly cookies: CookiePair }
  | { readonly kind: 'delete-ipsec-sa'; readonly protocol: IpsecProtocol; readonly outboundSpis: readonly Buffer[] }
  | { readonly kind: 'notify'; readonly notify: ReceivedNotify };

export function send(bytes: Buffer): Effect {
  return { kind: 'send', bytes };
}

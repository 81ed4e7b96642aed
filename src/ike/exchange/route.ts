import type { CookiePair } from '../sa/ike-sa';
import { ExchangeType, splitMessage, WireError } from '../wire';

/**
 * Where a datagram goes, read from its header only (no keys needed). The driver routes:
 * - phase1-new: a fresh Main/Aggressive Mode request (responder cookie zero): a new responder;
 * - phase1: to the phase-1 machine of these cookies;
 * - quick-mode and informational: by (cookies, message ID) to a live Quick Mode machine
 *   first (a CONNECTED notification carries its Quick Mode's message ID), else a new Quick
 *   Mode responder, or receiveInformational() with the established IKE SA; an informational
 *   for cookies still in phase 1 goes to that phase-1 machine.
 */
export type Route =
  | { readonly kind: 'phase1-new'; readonly exchange: 'main' | 'aggressive'; readonly cookies: CookiePair }
  | { readonly kind: 'phase1'; readonly exchange: 'main' | 'aggressive'; readonly cookies: CookiePair }
  | { readonly kind: 'quick-mode' | 'informational'; readonly cookies: CookiePair; readonly messageId: number }
  | { readonly kind: 'unsupported'; readonly cookies: CookiePair; readonly exchangeType: number }
  | { readonly kind: 'malformed'; readonly error: WireError };

export function routeDatagram(datagram: Buffer): Route {
  let header;
  try {
    header = splitMessage(datagram).header;
  } catch (e) {
    if (e instanceof WireError) return { kind: 'malformed', error: e };
    throw e;
  }
  const cookies = { initiator: header.initiatorCookie, responder: header.responderCookie };
  switch (header.exchangeType) {
    case ExchangeType.IDENTITY_PROTECTION:
    case ExchangeType.AGGRESSIVE: {
      const exchange = header.exchangeType === ExchangeType.AGGRESSIVE ? 'aggressive' : 'main';
      const fresh = cookies.responder.every((b) => b === 0);
      return { kind: fresh ? 'phase1-new' : 'phase1', exchange, cookies };
    }
    case ExchangeType.QUICK_MODE: return { kind: 'quick-mode', cookies, messageId: header.messageId };
    case ExchangeType.INFORMATIONAL: return { kind: 'informational', cookies, messageId: header.messageId };
    default: return { kind: 'unsupported', cookies, exchangeType: header.exchangeType };
  }
}

import type { IpsecProtocol } from '../policy/ipsec-transform';
import type { CookiePair, IkeSa } from '../sa/ike-sa';
import type { IpsecSa } from '../sa/ipsec-sa';
import {
  Doi, encodeMessage, ExchangeType, NotifyType, PayloadType, ProtocolId, splitMessage, WireError, type Header,
  type NotificationPayload, type Payload,
} from '../wire';
import { send, type Effect } from './effects';
import { drop, ExchangeError, ExchangeFault } from './exchange-error';
import { newMessageId, nonZeroRandom } from './message-id';
import { openInformational, saCrypto, sealInformational } from './protection';

/*
 * Informational exchanges (RFC 2408 4.8, RFC 2409 5.7): one message, no answer. Before
 * phase 1 completes they travel unprotected; afterwards as HDR*, HASH(1), N/D under the
 * ISAKMP SA, each with a fresh message ID and its own IV.
 */

function cookieSpi(cookies: CookiePair): Buffer {
  return Buffer.concat([cookies.initiator, cookies.responder]);
}

function header(cookies: CookiePair, messageId: number): Header {
  return { initiatorCookie: cookies.initiator, responderCookie: cookies.responder, exchangeType: ExchangeType.INFORMATIONAL, flags: 0, messageId };
}

/** A notification about an ISAKMP SA in negotiation, sent in the clear. */
export function unprotectedNotification(cookies: CookiePair, notifyType: NotifyType, random: (n: number) => Buffer): Buffer {
  const notify: NotificationPayload = {
    type: PayloadType.N, doi: Doi.IPSEC, protocolId: ProtocolId.ISAKMP, spi: cookieSpi(cookies), notifyType, data: Buffer.alloc(0),
  };
  return encodeMessage({ header: header(cookies, nonZeroRandom(random, 4).readUInt32BE(0)), payloads: [notify] });
}

/** A protected informational message under an established IKE SA. */
export function informationalMessage(ikeSa: IkeSa, payloads: readonly Payload[], random: (n: number) => Buffer): Buffer {
  const messageId = newMessageId(random, ikeSa.messageIds);
  ikeSa.messageIds.add(messageId);
  const crypto = saCrypto(ikeSa);
  const bytes = sealInformational(crypto, header(ikeSa.cookies, messageId), payloads);
  crypto.ivs.forget(messageId);
  return bytes;
}

/** A notification to the peer; an ISAKMP-level one names the SA by its cookies. */
export function notifyMessage(
  ikeSa: IkeSa,
  notify: { readonly notifyType: number; readonly protocolId?: number; readonly spi?: Buffer; readonly data?: Buffer },
  random: (n: number) => Buffer,
): Buffer {
  const protocolId = notify.protocolId ?? ProtocolId.ISAKMP;
  const spi = notify.spi ?? (protocolId === ProtocolId.ISAKMP ? cookieSpi(ikeSa.cookies) : Buffer.alloc(0));
  return informationalMessage(ikeSa, [{ type: PayloadType.N, doi: Doi.IPSEC, protocolId, spi, notifyType: notify.notifyType, data: notify.data ?? Buffer.alloc(0) }], random);
}

/** INITIAL-CONTACT (RFC 2407 4.6.3.3): the peer may drop every other SA it holds with us. */
export function sendInitialContact(ikeSa: IkeSa, random: (n: number) => Buffer): Effect[] {
  return [send(notifyMessage(ikeSa, { notifyType: NotifyType.INITIAL_CONTACT }, random))];
}

/** Delete of the IKE SA itself (on clear, shutdown or expiry). */
export function deleteIkeSaMessage(ikeSa: IkeSa, random: (n: number) => Buffer): Buffer {
  return informationalMessage(ikeSa, [{ type: PayloadType.D, doi: Doi.IPSEC, protocolId: ProtocolId.ISAKMP, spis: [cookieSpi(ikeSa.cookies)] }], random);
}

const PROTOCOL: Readonly<Record<IpsecProtocol, ProtocolId>> = { esp: ProtocolId.IPSEC_ESP, ah: ProtocolId.IPSEC_AH };

/** Delete of an IPsec SA bundle: one Delete per protocol naming our inbound SPIs (what the peer sends to). */
export function deleteIpsecSaMessage(ikeSa: IkeSa, sa: IpsecSa, random: (n: number) => Buffer): Buffer {
  const deletes: Payload[] = sa.protocols.map((p) => ({ type: PayloadType.D, doi: Doi.IPSEC, protocolId: PROTOCOL[p.protocol], spis: [p.inbound.spi] }));
  return informationalMessage(ikeSa, deletes, random);
}

function effectsOf(ikeSa: IkeSa, payloads: readonly Payload[], random: (n: number) => Buffer): Effect[] {
  const effects: Effect[] = [];
  for (const p of payloads) {
    if (p.type === PayloadType.D) {
      if (p.protocolId === ProtocolId.ISAKMP) {
        for (const spi of p.spis.filter((s) => s.length === 16)) {
          effects.push({ kind: 'delete-ike-sa', cookies: { initiator: spi.subarray(0, 8), responder: spi.subarray(8) } });
        }
      } else if (p.protocolId === ProtocolId.IPSEC_ESP || p.protocolId === ProtocolId.IPSEC_AH) {
        effects.push({ kind: 'delete-ipsec-sa', protocol: p.protocolId === ProtocolId.IPSEC_ESP ? 'esp' : 'ah', outboundSpis: p.spis });
      }
    } else if (p.type === PayloadType.N) {
      if (p.notifyType === NotifyType.INITIAL_CONTACT) effects.push({ kind: 'initial-contact', ikeCookies: ikeSa.cookies });
      // RFC 3706 5: answer a liveness check with its sequence number.
      else if (p.notifyType === NotifyType.R_U_THERE) effects.push(send(notifyMessage(ikeSa, { notifyType: NotifyType.R_U_THERE_ACK, spi: p.spi, data: p.data }, random)));
      else effects.push({ kind: 'notify', notify: { notifyType: p.notifyType, protocolId: p.protocolId, spi: p.spi, data: p.data } });
    }
  }
  return effects;
}

/**
 * A protected informational message from the peer of an established IKE SA. Anything that
 * is not one (unencrypted, wrong cookies, a reused message ID, a HASH(1) that does not
 * verify) is ignored: it could be forged.
 */
export function receiveInformational(ikeSa: IkeSa, datagram: Buffer, random: (n: number) => Buffer): Effect[] {
  let messageId = 0;
  let opened = false;
  const crypto = saCrypto(ikeSa);
  try {
    let split;
    try {
      split = splitMessage(datagram);
    } catch (e) {
      if (e instanceof WireError) drop(`malformed message: ${e.message}`, e.notify);
      throw e;
    }
    messageId = split.header.messageId;
    const h = split.header;
    if (!h.initiatorCookie.equals(ikeSa.cookies.initiator) || !h.responderCookie.equals(ikeSa.cookies.responder)) drop('cookies do not match', NotifyType.INVALID_COOKIE);
    if (h.exchangeType !== ExchangeType.INFORMATIONAL) drop(`exchange type ${h.exchangeType} is not informational`);
    if (messageId === 0 || ikeSa.messageIds.has(messageId)) drop('message ID is zero or already used', NotifyType.INVALID_MESSAGE_ID);
    opened = true;
    let payloads: Payload[];
    try {
      payloads = openInformational(crypto, split);
    } catch (e) {
      if (e instanceof WireError) drop(`malformed message: ${e.message}`, e.notify);
      throw e;
    }
    ikeSa.messageIds.add(messageId);
    return effectsOf(ikeSa, payloads, random);
  } catch (e) {
    const fault = e instanceof ExchangeFault ? e : new ExchangeFault('drop', undefined, `internal error: ${e instanceof Error ? e.message : String(e)}`);
    const context = { exchange: 'informational' as const, role: ikeSa.role, peer: ikeSa.remote, cookies: ikeSa.cookies, messageId };
    return [{ kind: 'ignored', error: new ExchangeError(fault.notify, fault.message, context) }];
  } finally {
    // Each informational message has its own IV; only drop the one this message made.
    if (opened) crypto.ivs.forget(messageId);
  }
}

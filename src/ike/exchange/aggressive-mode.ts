import { usableSuites, type ProtectionSuite } from '../policy/isakmp-policies';
import { presharedKeyFor } from '../policy/preshared-key';
import {
  encodeSecurityAssociation, ExchangeType, Flag, IdType, NotifyType, PayloadType, WireError, type IdentificationPayload,
  type Payload, type SplitMessage,
} from '../wire';
import type { Arrival, Phase1Context, Phase1Options } from './context';
import { send, type Effect } from './effects';
import { drop, refuse } from './exchange-error';
import { sendInitialContact } from './informational';
import { requireOne } from './payloads';
import { hasInitialContact } from './phase1-negotiation';
import { Phase1Exchange } from './phase1-exchange';
import { accept, open } from './protection';
import { initiatorNatTVendorIds, responderNatTVendorIds } from './vendor-ids';

/*
 * Aggressive Mode with pre-shared keys (RFC 2409 5.4, NAT-T per RFC 3947 3):
 *
 *   Initiator                                   Responder
 *   1  HDR, SA, KE, Ni, IDii, VID*          -->
 *                                           <--  2  HDR, SA, KE, Nr, IDir, HASH_R, VID, NAT-D*
 *   3  HDR, HASH_I, NAT-D*                  -->       (port 4500 when a NAT was seen)
 *
 * Message 3 goes out unencrypted as RFC 2409 draws it; an encrypted one (IOS) is accepted.
 * One KE travels in message 1, so only suites of one DH group can be offered.
 */

type InitiatorState = 'new' | 'sent' | 'done';

export class AggressiveModeInitiator extends Phase1Exchange {
  private state: InitiatorState = 'new';
  private offered: ProtectionSuite[] = [];
  private id: IdentificationPayload | undefined;

  constructor(ctx: Phase1Context, options: Phase1Options = {}) {
    super(ctx, options, 'initiator', 'aggressive');
  }

  /** Message 1: the suites of our best suite's group, our KE, nonce and ID. */
  start(): Effect[] {
    if (this.state !== 'new') return [this.p.ignored('already started')];
    try {
      return this.offer();
    } catch (e) {
      return this.p.faultEffects(e);
    }
  }

  private offer(): Effect[] {
    const { config, engine } = this.p.ctx;
    const match = presharedKeyFor(config, { address: this.p.remote.address });
    if (!match) return this.p.fail(undefined, `no pre-shared key for peer ${this.p.remote.address}`, false);
    const usable = usableSuites(config, engine, true);
    if (usable.length === 0) return this.p.fail(undefined, 'no ISAKMP policy can be offered (pre-share policies the crypto engine can do)', false);
    this.offered = usable.filter((s) => s.group === usable[0].group);
    this.p.presharedKey = Buffer.from(match.key.key, 'utf8');
    this.p.cookies = { initiator: this.p.newCookie(), responder: Buffer.alloc(8) };
    const sa = this.p.offerSa(this.offered);
    this.p.saiB = encodeSecurityAssociation(sa);
    const ke = this.p.keyExchangePayload(usable[0].group);
    const nonce = this.p.noncePayload();
    this.p.niB = nonce.data;
    this.id = this.p.idPayload();
    const vids = this.p.natTraversal ? initiatorNatTVendorIds() : [];
    this.pending = this.p.plainMessage([sa, ke, nonce, this.id, ...vids]);
    this.state = 'sent';
    return [send(this.pending)];
  }

  receive(datagram: Buffer, now: number, arrival?: Arrival): Effect[] {
    return this.p.guard(datagram, () => {
      const split = this.p.split(datagram);
      if (split.header.exchangeType === ExchangeType.INFORMATIONAL) return this.p.peerInformational(split);
      if (this.state !== 'sent') drop(`no message expected in state ${this.state}`);
      return this.onAnswer(split, datagram, now, arrival);
    });
  }

  /** Message 2: the responder's choice and proof; answer with message 3 and the SA is up. */
  private onAnswer(split: SplitMessage, datagram: Buffer, now: number, arrival: Arrival | undefined): Effect[] {
    this.p.checkPhase1Header(split, false);
    if (split.header.responderCookie.every((b) => b === 0)) drop('message 2 without a responder cookie', NotifyType.INVALID_COOKIE);
    this.p.cookies = { ...this.p.cookies, responder: split.header.responderCookie };
    const payloads = this.p.decodePlain(split, 'drop');
    this.p.acceptAnswer(requireOne(payloads, PayloadType.SA, 'SA'), this.offered);
    this.p.learnDialect(payloads);
    const ke = requireOne(payloads, PayloadType.KE, 'KE');
    this.p.nrB = requireOne(payloads, PayloadType.NONCE, 'nonce').data;
    const idr = requireOne(payloads, PayloadType.ID, 'ID');
    const hash = requireOne(payloads, PayloadType.HASH, 'HASH');
    this.p.deriveKeys(ke.data);
    if (!hash.data.equals(this.p.hashR(idr))) refuse(NotifyType.INVALID_HASH_INFORMATION, 'HASH_R does not verify: the pre-shared keys differ');
    this.p.remoteId = idr.identity;
    this.p.processNatd(payloads);
    this.p.observe(arrival);
    const floated = this.p.float();
    const bytes = this.p.plainMessage([{ type: PayloadType.HASH, data: this.p.hashI(this.id as IdentificationPayload) }, ...this.p.natdPayloads()]);
    this.p.cache.remember(datagram, [bytes]);
    this.state = 'done';
    this.pending = undefined;
    const ikeSa = this.p.ikeSa(now);
    // INITIAL-CONTACT goes in its own protected informational: message 3 is not encrypted.
    const contact = this.p.options.initialContact ? sendInitialContact(ikeSa, this.p.ctx.random) : [];
    return [...floated, send(bytes), { kind: 'established', ikeSa }, ...contact];
  }
}

type ResponderState = 'new' | 'sent' | 'done';

export class AggressiveModeResponder extends Phase1Exchange {
  private state: ResponderState = 'new';
  private peerId: IdentificationPayload | undefined;

  constructor(ctx: Phase1Context, options: Phase1Options = {}) {
    super(ctx, options, 'responder', 'aggressive');
  }

  receive(datagram: Buffer, now: number, arrival?: Arrival): Effect[] {
    return this.respond(datagram, this.state !== 'new', (split) => {
      switch (this.state) {
        case 'new': return this.onOffer(split, datagram);
        case 'sent': return this.onProof(split, datagram, now, arrival);
        default: return drop(`no message expected in state ${this.state}`);
      }
    });
  }

  /** Message 1: the key by the peer's ID (a hostname key for an FQDN), a suite, keys; answer with message 2. */
  private onOffer(split: SplitMessage, datagram: Buffer): Effect[] {
    const payloads = this.firstMessage(split);
    const ke = requireOne(payloads, PayloadType.KE, 'KE');
    this.p.niB = requireOne(payloads, PayloadType.NONCE, 'nonce').data;
    this.peerId = requireOne(payloads, PayloadType.ID, 'ID');
    const identity = this.peerId.identity;
    const fqdn = identity.idType === IdType.FQDN ? identity.name : undefined;
    const answer = this.p.chooseOffer(requireOne(payloads, PayloadType.SA, 'SA'), fqdn === undefined ? {} : { fqdn });
    const vids = this.p.learnDialect(payloads);
    this.p.remoteId = identity;
    const ourKe = this.p.keyExchangePayload(this.p.requireSuite().group);
    const nonce = this.p.noncePayload();
    this.p.nrB = nonce.data;
    this.p.deriveKeys(ke.data);
    const id = this.p.idPayload();
    const body: Payload[] = [
      answer, ourKe, nonce, id, { type: PayloadType.HASH, data: this.p.hashR(id) },
      ...responderNatTVendorIds(this.p.dialect, vids), ...this.p.natdPayloads(),
    ];
    this.pending = this.p.plainMessage(body);
    this.p.cache.remember(datagram, [this.pending]);
    this.state = 'sent';
    return [send(this.pending)];
  }

  /** Message 3: the initiator's proof (encrypted or not); the SA is up. */
  private onProof(split: SplitMessage, datagram: Buffer, now: number, arrival: Arrival | undefined): Effect[] {
    this.p.checkPhase1Header(split, 'either');
    const encrypted = (split.header.flags & Flag.ENCRYPTION) !== 0;
    const crypto = this.p.crypto ?? drop('no keys');
    let payloads: Payload[];
    try {
      payloads = encrypted ? open(crypto, split) : this.p.decodePlain(split, 'drop');
    } catch (e) {
      if (e instanceof WireError) refuse(NotifyType.AUTHENTICATION_FAILED, 'message 3 does not decrypt to valid payloads: the pre-shared keys probably differ');
      throw e;
    }
    const hash = requireOne(payloads, PayloadType.HASH, 'HASH');
    if (!hash.data.equals(this.p.hashI(this.peerId as IdentificationPayload))) {
      refuse(NotifyType.INVALID_HASH_INFORMATION, 'HASH_I does not verify: the pre-shared keys differ');
    }
    if (encrypted) accept(crypto, split);
    this.p.processNatd(payloads);
    this.p.observe(arrival);
    const floated = this.p.float(arrival);
    this.p.cache.remember(datagram, []);
    this.state = 'done';
    this.pending = undefined;
    const effects: Effect[] = [...floated, { kind: 'established', ikeSa: this.p.ikeSa(now) }];
    // Only an encrypted message 3 authenticates what it carries besides HASH_I.
    if (encrypted && hasInitialContact(payloads)) effects.push({ kind: 'initial-contact', ikeCookies: this.p.cookies });
    return effects;
  }
}

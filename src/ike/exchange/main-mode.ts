import { usableSuites, type ProtectionSuite } from '../policy/isakmp-policies';
import { presharedKeyFor } from '../policy/preshared-key';
import { encodeSecurityAssociation, ExchangeType, NotifyType, PayloadType, WireError, type Payload, type SplitMessage } from '../wire';
import type { Arrival, Phase1Context, Phase1Options } from './context';
import { send, type Effect } from './effects';
import { drop, refuse } from './exchange-error';
import { requireOne } from './payloads';
import { hasInitialContact, initialContact, type Phase1Negotiation } from './phase1-negotiation';
import { Phase1Exchange } from './phase1-exchange';
import { accept, open, seal } from './protection';
import { initiatorNatTVendorIds, responderNatTVendorIds } from './vendor-ids';

/*
 * Main Mode with pre-shared keys (RFC 2409 5, NAT-T per RFC 3947 3):
 *
 *   Initiator                          Responder
 *   1  HDR, SA, VID*              -->
 *                                 <--  2  HDR, SA, VID
 *   3  HDR, KE, Ni, NAT-D*        -->
 *                                 <--  4  HDR, KE, Nr, NAT-D*
 *   5  HDR*, IDii, HASH_I [, N]   -->                 (port 4500 from here when a NAT was seen)
 *                                 <--  6  HDR*, IDir, HASH_R [, N(RESPONDER-LIFETIME)]
 */

/** Decrypt message 5 or 6: noise after decryption means the two sides hold different keys. */
function openAuthentication(p: Phase1Negotiation, split: SplitMessage, which: string): Payload[] {
  try {
    return open(p.crypto ?? drop('no keys yet'), split);
  } catch (e) {
    if (e instanceof WireError) refuse(NotifyType.AUTHENTICATION_FAILED, `${which} does not decrypt to valid payloads: the pre-shared keys probably differ`);
    throw e;
  }
}

type InitiatorState = 'new' | 'sa-sent' | 'ke-sent' | 'id-sent' | 'done';

export class MainModeInitiator extends Phase1Exchange {
  private state: InitiatorState = 'new';
  private offered: ProtectionSuite[] = [];

  constructor(ctx: Phase1Context, options: Phase1Options = {}) {
    super(ctx, options, 'initiator', 'main');
  }

  /** Message 1: every usable suite for this peer as one proposal. */
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
    this.offered = usableSuites(config, engine, true);
    if (this.offered.length === 0) return this.p.fail(undefined, 'no ISAKMP policy can be offered (pre-share policies the crypto engine can do)', false);
    this.p.presharedKey = Buffer.from(match.key.key, 'utf8');
    this.p.cookies = { initiator: this.p.newCookie(), responder: Buffer.alloc(8) };
    const sa = this.p.offerSa(this.offered);
    this.p.saiB = encodeSecurityAssociation(sa);
    return this.sendNext('sa-sent', undefined, this.p.plainMessage([sa, ...(this.p.natTraversal ? initiatorNatTVendorIds() : [])]));
  }

  /** A datagram from the peer; `arrival` says where from and on which of our ports (NAT-T). */
  receive(datagram: Buffer, now: number, arrival?: Arrival): Effect[] {
    return this.p.guard(datagram, () => {
      const split = this.p.split(datagram);
      if (split.header.exchangeType === ExchangeType.INFORMATIONAL) return this.p.peerInformational(split);
      switch (this.state) {
        case 'sa-sent': return this.onSa(split, datagram);
        case 'ke-sent': return this.onKe(split, datagram);
        case 'id-sent': return this.onId(split, now, arrival);
        default: return drop(`no message expected in state ${this.state}`);
      }
    });
  }

  /** Message 2: the responder's choice; answer with message 3. */
  private onSa(split: SplitMessage, datagram: Buffer): Effect[] {
    this.p.checkPhase1Header(split, false);
    if (split.header.responderCookie.every((b) => b === 0)) drop('message 2 without a responder cookie', NotifyType.INVALID_COOKIE);
    this.p.cookies = { ...this.p.cookies, responder: split.header.responderCookie };
    const payloads = this.p.decodePlain(split, 'drop');
    this.p.acceptAnswer(requireOne(payloads, PayloadType.SA, 'SA'), this.offered);
    this.p.learnDialect(payloads);
    const ke = this.p.keyExchangePayload(this.p.requireSuite().group);
    const nonce = this.p.noncePayload();
    this.p.niB = nonce.data;
    return this.sendNext('ke-sent', datagram, this.p.plainMessage([ke, nonce, ...this.p.natdPayloads()]));
  }

  /** Message 4: keys; answer with the encrypted message 5 (after floating to 4500 behind a NAT). */
  private onKe(split: SplitMessage, datagram: Buffer): Effect[] {
    this.p.checkPhase1Header(split, false);
    const payloads = this.p.decodePlain(split, 'drop');
    const ke = requireOne(payloads, PayloadType.KE, 'KE');
    this.p.nrB = requireOne(payloads, PayloadType.NONCE, 'nonce').data;
    this.p.deriveKeys(ke.data);
    this.p.processNatd(payloads);
    const floated = this.p.float();
    const id = this.p.idPayload();
    const body: Payload[] = [id, { type: PayloadType.HASH, data: this.p.hashI(id) }];
    if (this.p.options.initialContact) body.push(initialContact(this.p.cookies));
    const bytes = seal(this.p.crypto ?? drop('no keys'), { header: this.p.header(), payloads: body });
    return [...floated, ...this.sendNext('id-sent', datagram, bytes)];
  }

  /** Message 6: the responder proves the key; the IKE SA is up. */
  private onId(split: SplitMessage, now: number, arrival: Arrival | undefined): Effect[] {
    this.p.checkPhase1Header(split, true);
    const payloads = openAuthentication(this.p, split, 'message 6');
    const id = requireOne(payloads, PayloadType.ID, 'ID');
    const hash = requireOne(payloads, PayloadType.HASH, 'HASH');
    if (!hash.data.equals(this.p.hashR(id))) refuse(NotifyType.INVALID_HASH_INFORMATION, 'HASH_R does not verify: the pre-shared keys differ');
    accept(this.p.crypto ?? drop('no keys'), split);
    this.p.adoptResponderLifetime(payloads);
    this.p.observe(arrival);
    this.p.remoteId = id.identity;
    this.state = 'done';
    this.pending = undefined;
    return [{ kind: 'established', ikeSa: this.p.ikeSa(now) }];
  }

  private sendNext(state: InitiatorState, answered: Buffer | undefined, bytes: Buffer): Effect[] {
    if (answered) this.p.cache.remember(answered, [bytes]);
    this.state = state;
    this.pending = bytes;
    return [send(bytes)];
  }
}

type ResponderState = 'new' | 'sa-sent' | 'ke-sent' | 'done';

export class MainModeResponder extends Phase1Exchange {
  private state: ResponderState = 'new';

  constructor(ctx: Phase1Context, options: Phase1Options = {}) {
    super(ctx, options, 'responder', 'main');
  }

  receive(datagram: Buffer, now: number, arrival?: Arrival): Effect[] {
    return this.respond(datagram, this.state !== 'new', (split) => {
      switch (this.state) {
        case 'new': return this.onSa(split, datagram);
        case 'sa-sent': return this.onKe(split, datagram);
        case 'ke-sent': return this.onId(split, datagram, now, arrival);
        default: return drop(`no message expected in state ${this.state}`);
      }
    });
  }

  /** Message 1: match the offer against our policies; answer with message 2. */
  private onSa(split: SplitMessage, datagram: Buffer): Effect[] {
    const payloads = this.firstMessage(split);
    const answer = this.p.chooseOffer(requireOne(payloads, PayloadType.SA, 'SA'), {});
    const vids = this.p.learnDialect(payloads);
    return this.reply('sa-sent', datagram, this.p.plainMessage([answer, ...responderNatTVendorIds(this.p.dialect, vids)]));
  }

  /** Message 3: keys; answer with message 4. */
  private onKe(split: SplitMessage, datagram: Buffer): Effect[] {
    this.p.checkPhase1Header(split, false);
    const payloads = this.p.decodePlain(split, 'drop');
    const ke = requireOne(payloads, PayloadType.KE, 'KE');
    this.p.niB = requireOne(payloads, PayloadType.NONCE, 'nonce').data;
    const ourKe = this.p.keyExchangePayload(this.p.requireSuite().group);
    const nonce = this.p.noncePayload();
    this.p.nrB = nonce.data;
    this.p.deriveKeys(ke.data);
    this.p.processNatd(payloads);
    return this.reply('ke-sent', datagram, this.p.plainMessage([ourKe, nonce, ...this.p.natdPayloads()]));
  }

  /** Message 5: the initiator proves the key; answer with message 6 and the IKE SA is up. */
  private onId(split: SplitMessage, datagram: Buffer, now: number, arrival: Arrival | undefined): Effect[] {
    this.p.checkPhase1Header(split, true);
    const payloads = openAuthentication(this.p, split, 'message 5');
    const id = requireOne(payloads, PayloadType.ID, 'ID');
    const hash = requireOne(payloads, PayloadType.HASH, 'HASH');
    if (!hash.data.equals(this.p.hashI(id))) refuse(NotifyType.INVALID_HASH_INFORMATION, 'HASH_I does not verify: the pre-shared keys differ');
    const crypto = this.p.crypto ?? drop('no keys');
    accept(crypto, split);
    this.p.observe(arrival);
    this.p.remoteId = id.identity;
    const floated = this.p.float(arrival);
    const ours = this.p.idPayload();
    const body: Payload[] = [ours, { type: PayloadType.HASH, data: this.p.hashR(ours) }, ...this.p.responderLifetime()];
    const bytes = seal(crypto, { header: this.p.header(), payloads: body });
    const effects: Effect[] = [...floated, ...this.reply('done', datagram, bytes), { kind: 'established', ikeSa: this.p.ikeSa(now) }];
    if (hasInitialContact(payloads)) effects.push({ kind: 'initial-contact', ikeCookies: this.p.cookies });
    return effects;
  }

  private reply(state: ResponderState, request: Buffer, bytes: Buffer): Effect[] {
    this.p.cache.remember(request, [bytes]);
    this.state = state;
    this.pending = state === 'done' ? undefined : bytes;
    return [send(bytes)];
  }
}

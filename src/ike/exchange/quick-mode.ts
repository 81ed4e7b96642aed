import type { DhGroup } from '../../config/algorithms';
import { WeakKeyError } from '../crypto/cipher';
import { InvalidPublicValueError, type DhKeyPair } from '../crypto/dh-group';
import { ipsecKeys } from '../crypto/keymat';
import { quickModeHash1, quickModeHash2, quickModeHash3 } from '../crypto/quick-mode-hash';
import {
  encapsulationValue, ipsecTransform, lifetimeAttributes, PROTOCOL_ID, readIpsecTransform, readLifetime, suiteMatches,
  type EncapsulationDialect, type IpsecMode, type IpsecProtocol, type IpsecSuite, type Lifetime,
} from '../policy/ipsec-transform';
import type { Phase2Offer } from '../policy/phase2-offer';
import { selectPhase2, type Phase2Selection } from '../policy/phase2-select';
import { hostProxy, type ProxyId } from '../policy/proxy-id';
import { natDetected, type IkeSa } from '../sa/ike-sa';
import type { IpsecProtocolSa, KeyedIpsecDirection, NegotiatedIpsecSa } from '../sa/ipsec-sa';
import {
  decodeAttributes, Doi, encodeAttributes, encodeIdentification, ExchangeType, Flag, IdType, NotifyType, PayloadType,
  splitMessage, WireError, type Header, type IdentificationPayload, type NatOriginalAddressPayload, type Payload,
  type Proposal, type SecurityAssociationPayload, type SplitMessage,
} from '../wire';
import type { QuickModeContext } from './context';
import { send, type Effect } from './effects';
import { drop, ExchangeError, ExchangeFault, refuse } from './exchange-error';
import { notifyMessage } from './informational';
import { newMessageId } from './message-id';
import { isErrorNotify, notifyName, optionalOne, payloadsOf, requireOne } from './payloads';
import { accept, openHashed, openInformational, saCrypto, seal, sealHashed, sealInformational, type MessageCrypto } from './protection';
import { ResponseCache } from './response-cache';

/*
 * Quick Mode (RFC 2409 5.5; NAT-T RFC 3947 5):
 *
 *   Initiator                                                  Responder
 *   1  HDR*, HASH(1), SA, Ni [, KE] [, IDci, IDcr] [, NAT-OA]   -->
 *        <--  2  HDR*, HASH(2), SA, Nr [, KE] [, IDci, IDcr] [, N(RESPONDER-LIFETIME)] [, NAT-OA]
 *   3  HDR*, HASH(3)                                            -->
 *        <--  (commit bit) HDR*, HASH, N(CONNECTED): Informational, same message ID
 *
 * Commit bit (RFC 2408 3.1): the side that sets it sends CONNECTED and the other waits for
 * it. Our responder echoes an initiator's commit bit in message 2 and sends CONNECTED once
 * it has installed the SAs; our initiator waits for CONNECTED when message 2 carries the
 * bit (racoon and isakmpd behave so). Each exchange has its own IV chain, from
 * hash(last phase-1 IV | M-ID), continued by the CONNECTED message.
 */

const NONCE_LENGTH = 32;

/** One protocol of the bundle with both SPIs. */
interface ProtocolPlan {
  readonly protocol: IpsecProtocol;
  readonly suite: IpsecSuite;
  readonly inboundSpi: Buffer;
  readonly outboundSpi: Buffer;
}

/** What building the SA record takes once both nonces are known. */
interface SaPlan {
  readonly role: 'initiator' | 'responder';
  readonly protocols: readonly ProtocolPlan[];
  readonly niB: Buffer;
  readonly nrB: Buffer;
  readonly pfsSecret: Buffer | undefined;
  readonly pfsGroup: DhGroup | undefined;
  readonly mode: IpsecMode;
  readonly udp: boolean;
  readonly lifetime: Lifetime;
  readonly localProxy: ProxyId;
  readonly remoteProxy: ProxyId;
  readonly natOriginalAddresses: readonly string[];
  readonly map: { readonly tag: string; readonly seq: number };
}

/** KEYMAT per direction (RFC 2409 5.5): each SPI keys the SA whose receiver chose it. */
function ipsecSa(ikeSa: IkeSa, messageId: number, plan: SaPlan, now: number): NegotiatedIpsecSa {
  const keysFor = (p: ProtocolPlan, spi: Buffer) => {
    const input = { protocol: PROTOCOL_ID[p.protocol], spi, niB: plan.niB, nrB: plan.nrB, ...(plan.pfsSecret ? { pfsSharedSecret: plan.pfsSecret } : {}) };
    try {
      return ipsecKeys(ikeSa.policy.hash, ikeSa.keys.skeyidD, input, p.suite.keys);
    } catch (e) {
      if (e instanceof WeakKeyError) refuse(undefined, e.message);
      throw e;
    }
  };
  const protocols: IpsecProtocolSa<KeyedIpsecDirection>[] = plan.protocols.map((p) => ({
    protocol: p.protocol,
    transformId: p.suite.transformId,
    algorithms: p.suite.keys,
    inbound: { spi: p.inboundSpi, keys: keysFor(p, p.inboundSpi) },
    outbound: { spi: p.outboundSpi, keys: keysFor(p, p.outboundSpi) },
  }));
  return {
    ikeCookies: ikeSa.cookies,
    role: plan.role,
    messageId,
    local: ikeSa.local,
    remote: ikeSa.remote,
    protocols,
    mode: plan.mode,
    encapsulation: plan.udp ? { localPort: ikeSa.local.port, remotePort: ikeSa.remote.port } : undefined,
    lifetime: plan.lifetime,
    pfsGroup: plan.pfsGroup,
    localProxy: plan.localProxy,
    remoteProxy: plan.remoteProxy,
    natOriginalAddresses: plan.natOriginalAddresses,
    map: plan.map,
    createdAt: now,
    expiresAt: plan.lifetime.seconds === undefined ? undefined : now + plan.lifetime.seconds * 1000,
  };
}

/** The NAT-T dialect Quick Mode encapsulates in, when phase 1 saw a NAT (or forced one). */
function udpDialect(ikeSa: IkeSa): EncapsulationDialect | undefined {
  const { dialect } = ikeSa.natT;
  return dialect !== 'none' && natDetected(ikeSa.natT) ? dialect : undefined;
}

/**
 * RFC 3947 5.2: transport mode through a NAT carries the original addresses, initiator's
 * then responder's as the sender sees them; the drafts carry the sender's own only.
 */
function natOriginalAddresses(ikeSa: IkeSa, udp: EncapsulationDialect | undefined, transport: boolean): NatOriginalAddressPayload[] {
  if (!udp || !transport) return [];
  const oa = (type: NatOriginalAddressPayload['type'], address: string): NatOriginalAddressPayload => ({ type, idType: IdType.IPV4_ADDR, address });
  if (udp === 'draft') return [oa(PayloadType.NAT_OA_DRAFT, ikeSa.local.address)];
  const [initiator, responder] = ikeSa.role === 'initiator' ? [ikeSa.local, ikeSa.remote] : [ikeSa.remote, ikeSa.local];
  return [oa(PayloadType.NAT_OA, initiator.address), oa(PayloadType.NAT_OA, responder.address)];
}

function receivedOriginalAddresses(payloads: readonly Payload[]): string[] {
  return payloads.filter((p): p is NatOriginalAddressPayload => p.type === PayloadType.NAT_OA || p.type === PayloadType.NAT_OA_DRAFT).map((p) => p.address);
}

function idPayload(proxy: ProxyId): IdentificationPayload {
  return { type: PayloadType.ID, identity: proxy.identity, protocolId: proxy.protocolId, port: proxy.port };
}

function proxyOf(id: IdentificationPayload): ProxyId {
  return { identity: id.identity, protocolId: id.protocolId, port: id.port };
}

function pfsSecret(pair: DhKeyPair, peer: Buffer): Buffer {
  try {
    return pair.sharedSecret(peer);
  } catch (e) {
    if (e instanceof InvalidPublicValueError) refuse(NotifyType.INVALID_KEY_INFORMATION, e.message);
    throw e;
  }
}

/** What both roles share: the IKE SA's crypto, the message ID, duplicates, fault handling. */
class QuickModeCore {
  readonly crypto: MessageCrypto;
  readonly cache = new ResponseCache();
  messageId = 0;
  outcome: 'done' | 'failed' | undefined;

  constructor(readonly ctx: QuickModeContext, readonly role: 'initiator' | 'responder') {
    this.crypto = saCrypto(ctx.ikeSa);
  }

  header(exchangeType: ExchangeType, flags: number): Header {
    const { cookies } = this.ctx.ikeSa;
    return { initiatorCookie: cookies.initiator, responderCookie: cookies.responder, exchangeType, flags, messageId: this.messageId };
  }

  split(datagram: Buffer): SplitMessage {
    let split: SplitMessage;
    try {
      split = splitMessage(datagram);
    } catch (e) {
      if (e instanceof WireError) drop(`malformed message: ${e.message}`, e.notify);
      throw e;
    }
    const { cookies } = this.ctx.ikeSa;
    if (!split.header.initiatorCookie.equals(cookies.initiator) || !split.header.responderCookie.equals(cookies.responder)) {
      drop('cookies do not match', NotifyType.INVALID_COOKIE);
    }
    return split;
  }

  /** Decrypt (a message led by HASH); one that does not decode under the IKE SA's keys is dropped, not fatal. */
  openHashed(split: SplitMessage): ReturnType<typeof openHashed> {
    try {
      return openHashed(this.crypto, split);
    } catch (e) {
      if (e instanceof WireError) drop(`malformed message: ${e.message}`, e.notify);
      throw e;
    }
  }

  error(notify: NotifyType | undefined, reason: string): ExchangeError {
    const { ikeSa } = this.ctx;
    return new ExchangeError(notify, reason, { exchange: 'quick', role: this.role, peer: ikeSa.remote, cookies: ikeSa.cookies, messageId: this.messageId });
  }

  /** Cached answers first, then the step; faults become effects and a refusal is told to the peer. */
  guard(datagram: Buffer, step: () => Effect[], about: () => { protocolId: number; spi: Buffer } | undefined): Effect[] {
    const cached = this.cache.answer(datagram);
    if (cached) return cached.map(send);
    if (this.outcome === 'failed') return [{ kind: 'ignored', error: this.error(undefined, 'the exchange has failed') }];
    try {
      return step();
    } catch (e) {
      return this.faultEffects(e, about());
    }
  }

  faultEffects(e: unknown, about: { protocolId: number; spi: Buffer } | undefined): Effect[] {
    if (e instanceof ExchangeFault && e.action === 'drop') return [{ kind: 'ignored', error: this.error(e.notify, e.message) }];
    this.outcome = 'failed';
    this.crypto.ivs.forget(this.messageId);
    if (!(e instanceof ExchangeFault)) {
      return [{ kind: 'failed', error: this.error(undefined, `internal error: ${e instanceof Error ? e.message : String(e)}`) }];
    }
    const failed: Effect = { kind: 'failed', error: this.error(e.notify, e.message) };
    if (e.notify === undefined) return [failed];
    return [send(notifyMessage(this.ctx.ikeSa, { notifyType: e.notify, ...(about ?? {}) }, this.ctx.random)), failed];
  }
}

export interface QuickModeOptions {
  /** Set the commit bit (RFC 2408 3.1), asking the responder to confirm with CONNECTED. */
  readonly commit?: boolean;
}

type InitiatorState = 'new' | 'sent' | 'awaiting-connected' | 'done';

export class QuickModeInitiator {
  private readonly q: QuickModeCore;
  private state: InitiatorState = 'new';
  private readonly spis = new Map<IpsecProtocol, Buffer>();
  private readonly udp: EncapsulationDialect | undefined;
  private niB: Buffer = Buffer.alloc(0);
  private dhPair: DhKeyPair | undefined;
  private ids: [IdentificationPayload, IdentificationPayload] | undefined;
  private pending: Buffer | undefined;
  private confirmed: NegotiatedIpsecSa | undefined;

  constructor(ctx: QuickModeContext, readonly offer: Phase2Offer, private readonly options: QuickModeOptions = {}) {
    this.q = new QuickModeCore(ctx, 'initiator');
    this.q.messageId = newMessageId(ctx.random, ctx.ikeSa.messageIds);
    ctx.ikeSa.messageIds.add(this.q.messageId);
    this.udp = udpDialect(ctx.ikeSa);
  }

  get messageId(): number {
    return this.q.messageId;
  }

  /** Our inbound SPIs by protocol: a peer's notification about this negotiation names one of them. */
  get inboundSpis(): ReadonlyMap<IpsecProtocol, Buffer> {
    return this.spis;
  }

  get retransmission(): Buffer | undefined {
    return this.pending;
  }

  /** Message 1: every transform set of the entry as a proposal, our nonce, PFS KE, proxy IDs. */
  start(): Effect[] {
    if (this.state !== 'new') return [{ kind: 'ignored', error: this.q.error(undefined, 'already started') }];
    try {
      const { offer } = this;
      const proposals: Proposal[] = offer.proposals.flatMap((proposal, i) => proposal.suites.map((suite) => ({
        number: i + 1,
        protocolId: PROTOCOL_ID[suite.protocol],
        spi: this.spiFor(suite.protocol),
        transforms: [ipsecTransform(1, suite, { lifetime: offer.lifetime, group: offer.pfsGroup, encapsulation: encapsulationValue(proposal.mode, this.udp) })],
      })));
      const nonce = this.q.ctx.random(NONCE_LENGTH);
      this.niB = nonce;
      this.ids = [idPayload(offer.localProxy), idPayload(offer.remoteProxy)];
      const rest: Payload[] = [{ type: PayloadType.SA, proposals }, { type: PayloadType.NONCE, data: nonce }];
      if (offer.pfsGroup !== undefined) {
        this.dhPair = this.q.ctx.dh(offer.pfsGroup);
        rest.push({ type: PayloadType.KE, data: this.dhPair.publicValue });
      }
      rest.push(...this.ids, ...natOriginalAddresses(this.q.ctx.ikeSa, this.udp, offer.proposals.some((p) => p.mode === 'transport')));
      const flags = this.options.commit ? Flag.COMMIT : 0;
      const { crypto, messageId } = this.q;
      this.pending = sealHashed(crypto, this.q.header(ExchangeType.QUICK_MODE, flags), rest, (afterHash) => quickModeHash1(crypto.hash, crypto.skeyidA, messageId, afterHash));
      this.state = 'sent';
      return [send(this.pending)];
    } catch (e) {
      return this.q.faultEffects(e, undefined);
    }
  }

  receive(datagram: Buffer, now: number): Effect[] {
    return this.q.guard(datagram, () => {
      const split = this.q.split(datagram);
      if (split.header.messageId !== this.q.messageId) drop('message ID does not match', NotifyType.INVALID_MESSAGE_ID);
      if (this.state === 'sent') return this.onReply(split, datagram, now);
      if (this.state === 'awaiting-connected') return this.onConnected(split, datagram);
      return drop(`no message expected in state ${this.state}`);
    }, () => this.about());
  }

  /** The driver gives up (retries exhausted, or the peer refused in a separate notification). */
  cancel(reason: string): Effect[] {
    this.q.outcome = 'failed';
    this.q.crypto.ivs.forget(this.q.messageId);
    this.pending = undefined;
    return [{ kind: 'failed', error: this.q.error(undefined, reason) }];
  }

  /** Message 2: check the choice against our offer, derive KEYMAT, answer with HASH(3). */
  private onReply(split: SplitMessage, datagram: Buffer, now: number): Effect[] {
    if (split.header.exchangeType === ExchangeType.INFORMATIONAL) return this.onRefusal(split);
    if (split.header.exchangeType !== ExchangeType.QUICK_MODE) drop(`exchange type ${split.header.exchangeType} in Quick Mode`);
    const { hash, rest, restBytes } = this.q.openHashed(split);
    if (!hash.equals(quickModeHash2(this.q.crypto.hash, this.q.crypto.skeyidA, this.q.messageId, this.niB, restBytes))) {
      drop('HASH(2) does not verify', NotifyType.INVALID_HASH_INFORMATION);
    }
    accept(this.q.crypto, split);
    const { proposalIndex, plans } = this.checkChoice(requireOne(rest, PayloadType.SA, 'SA'));
    const nrB = requireOne(rest, PayloadType.NONCE, 'nonce').data;
    const ke = optionalOne(rest, PayloadType.KE, 'KE');
    this.checkIds(payloadsOf(rest, PayloadType.ID));
    if ((ke !== undefined) !== (this.offer.pfsGroup !== undefined)) refuse(NotifyType.NO_PROPOSAL_CHOSEN, 'KE payload and PFS do not agree');
    const proposal = this.offer.proposals[proposalIndex];
    const sa = ipsecSa(this.q.ctx.ikeSa, this.q.messageId, {
      role: 'initiator',
      protocols: plans,
      niB: this.niB,
      nrB,
      pfsSecret: ke && this.dhPair ? pfsSecret(this.dhPair, ke.data) : undefined,
      pfsGroup: this.offer.pfsGroup,
      mode: proposal.mode,
      udp: this.udp !== undefined,
      lifetime: this.lifetime(rest),
      localProxy: this.offer.localProxy,
      remoteProxy: this.offer.remoteProxy,
      natOriginalAddresses: receivedOriginalAddresses(rest),
      map: { tag: this.offer.ref.tag, seq: this.offer.ref.seq },
    }, now);
    const commit = (split.header.flags & Flag.COMMIT) !== 0;
    const hash3 = quickModeHash3(this.q.crypto.hash, this.q.crypto.skeyidA, this.q.messageId, this.niB, nrB);
    const flags = commit || this.options.commit ? Flag.COMMIT : 0;
    const bytes = seal(this.q.crypto, { header: this.q.header(ExchangeType.QUICK_MODE, flags), payloads: [{ type: PayloadType.HASH, data: hash3 }] });
    this.q.cache.remember(datagram, [bytes]);
    if (commit) {
      // Message 3 is resent until CONNECTED arrives (RFC 2408 3.1).
      this.state = 'awaiting-connected';
      this.pending = bytes;
      this.confirmed = sa;
      return [send(bytes)];
    }
    this.finish();
    return [send(bytes), { kind: 'ipsec-sa', sa }];
  }

  /** A responder that refuses under this exchange's message ID (some do) instead of a fresh one. */
  private onRefusal(split: SplitMessage): Effect[] {
    const error = payloadsOf(this.openInformational(split), PayloadType.N).find((n) => isErrorNotify(n.notifyType));
    if (!error) drop('informational message without an error notification');
    this.q.outcome = 'failed';
    this.q.crypto.ivs.forget(this.q.messageId);
    this.pending = undefined;
    return [{ kind: 'failed', error: this.q.error(error.notifyType as NotifyType, `peer refused with ${notifyName(error.notifyType)}`) }];
  }

  private openInformational(split: SplitMessage): Payload[] {
    try {
      return openInformational(this.q.crypto, split);
    } catch (e) {
      if (e instanceof WireError) drop(`malformed message: ${e.message}`, e.notify);
      throw e;
    }
  }

  /** The responder's CONNECTED: the SAs are in place on its side. */
  private onConnected(split: SplitMessage, datagram: Buffer): Effect[] {
    const payloads = this.openInformational(split);
    if (!payloadsOf(payloads, PayloadType.N).some((n) => n.notifyType === NotifyType.CONNECTED)) drop('expected a CONNECTED notification');
    this.q.cache.remember(datagram, []);
    this.finish();
    return [{ kind: 'ipsec-sa', sa: this.confirmed as NegotiatedIpsecSa }];
  }

  private finish(): void {
    this.state = 'done';
    this.q.outcome = 'done';
    this.pending = undefined;
    this.q.crypto.ivs.forget(this.q.messageId);
  }

  private spiFor(protocol: IpsecProtocol): Buffer {
    let spi = this.spis.get(protocol);
    if (!spi) {
      spi = this.q.ctx.inboundSpi(protocol);
      this.spis.set(protocol, spi);
    }
    return spi;
  }

  private about(): { protocolId: number; spi: Buffer } | undefined {
    const [protocol, spi] = [...this.spis][0] ?? [];
    return protocol && spi ? { protocolId: PROTOCOL_ID[protocol], spi } : undefined;
  }

  /** The answer must be one of our proposals, each protocol with one of the transforms we offered. */
  private checkChoice(sa: SecurityAssociationPayload): { proposalIndex: number; plans: ProtocolPlan[] } {
    const number = sa.proposals[0]?.number;
    if (number === undefined || sa.proposals.some((p) => p.number !== number)) refuse(NotifyType.BAD_PROPOSAL_SYNTAX, 'the answer is not one proposal');
    const index = number - 1;
    const ours = this.offer.proposals[index];
    if (!ours || ours.suites.length !== sa.proposals.length) refuse(NotifyType.NO_PROPOSAL_CHOSEN, `the responder chose proposal ${number}, not one we offered`);
    const encapsulation = encapsulationValue(ours.mode, this.udp);
    const plans = ours.suites.map((suite) => {
      const reply = sa.proposals.find((p) => p.protocolId === PROTOCOL_ID[suite.protocol]);
      const values = reply?.transforms.length === 1 ? readIpsecTransform(reply.transforms[0]) : undefined;
      if (!reply || !values || !suiteMatches(suite, values) || (values.encapsulation ?? 1) !== encapsulation || values.group !== this.offer.pfsGroup) {
        return refuse(NotifyType.NO_PROPOSAL_CHOSEN, `the responder's ${suite.protocol} transform is not the one offered`);
      }
      return { protocol: suite.protocol, suite, inboundSpi: this.spiFor(suite.protocol), outboundSpi: reply.spi };
    });
    return { proposalIndex: index, plans };
  }

  /** Returned IDs, if any, must be ours (RFC 2409 5.5). */
  private checkIds(ids: readonly IdentificationPayload[]): void {
    if (ids.length === 0) return;
    const ours = this.ids as [IdentificationPayload, IdentificationPayload];
    const same = ids.length === 2 && ids.every((id, i) => encodeIdentification(id).equals(encodeIdentification(ours[i])));
    if (!same) refuse(NotifyType.INVALID_ID_INFORMATION, 'the responder returned other proxy identities');
  }

  /** Our lifetime, shortened by any RESPONDER-LIFETIME (RFC 2407 4.6.3.1). */
  private lifetime(payloads: readonly Payload[]): Lifetime {
    let seconds: number | undefined = this.offer.lifetime.seconds;
    let kilobytes: number | undefined = this.offer.lifetime.kilobytes;
    for (const n of payloadsOf(payloads, PayloadType.N)) {
      if (n.notifyType !== NotifyType.RESPONDER_LIFETIME) continue;
      let theirs: Lifetime | undefined;
      try {
        theirs = readLifetime(decodeAttributes(n.data, 0));
      } catch (e) {
        if (!(e instanceof WireError)) throw e;
      }
      if (theirs?.seconds !== undefined) seconds = seconds === undefined ? theirs.seconds : Math.min(seconds, theirs.seconds);
      if (theirs?.kilobytes !== undefined) kilobytes = kilobytes === undefined ? theirs.kilobytes : Math.min(kilobytes, theirs.kilobytes);
    }
    return { ...(seconds !== undefined ? { seconds } : {}), ...(kilobytes !== undefined ? { kilobytes } : {}) };
  }
}

type ResponderState = 'new' | 'sent' | 'done';

export class QuickModeResponder {
  private readonly q: QuickModeCore;
  private state: ResponderState = 'new';
  private niB: Buffer = Buffer.alloc(0);
  private nrB: Buffer = Buffer.alloc(0);
  private commit = false;
  private pending: Buffer | undefined;
  private sa: NegotiatedIpsecSa | undefined;
  private offered: { protocolId: number; spi: Buffer } | undefined;

  constructor(ctx: QuickModeContext) {
    this.q = new QuickModeCore(ctx, 'responder');
  }

  get messageId(): number {
    return this.q.messageId;
  }

  get retransmission(): Buffer | undefined {
    return this.pending;
  }

  /**
   * Message 3 was lost for good while the initiator evidently moved on (it cannot read our
   * retransmitted message 2 any more, or stopped retransmitting message 1): it installed the
   * SAs on message 2, so the driver installs ours rather than leave half an SA. Nothing is
   * sent: a CONNECTED the commit bit asked for confirms message 3, which never came.
   */
  assumeConfirmed(): Effect[] {
    if (this.state !== 'sent' || !this.sa) return [];
    this.state = 'done';
    this.q.outcome = 'done';
    this.pending = undefined;
    this.q.crypto.ivs.forget(this.q.messageId);
    return [{ kind: 'ipsec-sa', sa: this.sa }];
  }

  receive(datagram: Buffer, now: number): Effect[] {
    return this.q.guard(datagram, () => {
      const split = this.q.split(datagram);
      if (this.state === 'new') return this.onOffer(split, datagram, now);
      if (split.header.messageId !== this.q.messageId) drop('message ID does not match', NotifyType.INVALID_MESSAGE_ID);
      if (this.state === 'sent') return this.onConfirm(split, datagram);
      return drop(`no message expected in state ${this.state}`);
    }, () => this.offered);
  }

  /** Message 1: select by our crypto maps; answer with message 2. */
  private onOffer(split: SplitMessage, datagram: Buffer, now: number): Effect[] {
    const { ikeSa, config, engine } = this.q.ctx;
    const messageId = split.header.messageId;
    if (split.header.exchangeType !== ExchangeType.QUICK_MODE) drop(`exchange type ${split.header.exchangeType} is not Quick Mode`);
    if (messageId === 0 || ikeSa.messageIds.has(messageId)) drop('message ID is zero or already used', NotifyType.INVALID_MESSAGE_ID);
    this.q.messageId = messageId;
    const { hash, rest, restBytes } = this.q.openHashed(split);
    if (!hash.equals(quickModeHash1(this.q.crypto.hash, this.q.crypto.skeyidA, messageId, restBytes))) {
      this.q.crypto.ivs.forget(messageId);
      drop('HASH(1) does not verify', NotifyType.INVALID_HASH_INFORMATION);
    }
    ikeSa.messageIds.add(messageId);
    accept(this.q.crypto, split);
    this.commit = (split.header.flags & Flag.COMMIT) !== 0;
    const offer = requireOne(rest, PayloadType.SA, 'SA');
    const first = offer.proposals[0];
    this.offered = first && { protocolId: first.protocolId, spi: first.spi };
    this.niB = requireOne(rest, PayloadType.NONCE, 'nonce').data;
    const ke = optionalOne(rest, PayloadType.KE, 'KE');
    const ids = payloadsOf(rest, PayloadType.ID);
    if (ids.length !== 0 && ids.length !== 2) refuse(NotifyType.INVALID_ID_INFORMATION, `${ids.length} ID payloads`);
    // Without IDs the SA is between the two IKE peers (RFC 2409 5.5).
    const initiatorProxy = ids[0] ? proxyOf(ids[0]) : hostProxy(ikeSa.remote.address);
    const responderProxy = ids[1] ? proxyOf(ids[1]) : hostProxy(ikeSa.local.address);
    const result = selectPhase2(config, engine, {
      localAddress: ikeSa.local.address,
      peerAddress: ikeSa.remote.address,
      initiatorProxy,
      responderProxy,
      proposals: bundles(offer),
      keyExchange: ke !== undefined,
      natTraversal: ikeSa.natT.dialect !== 'none',
    });
    if (!result.ok) refuse(result.notify, result.reason);
    const selection = result.selection;
    const plans = selection.protocols.map((c) => ({ protocol: c.protocol, suite: c.suite, inboundSpi: this.q.ctx.inboundSpi(c.protocol), outboundSpi: c.offered.spi }));
    const nonce = this.q.ctx.random(NONCE_LENGTH);
    this.nrB = nonce;
    const reply: Payload[] = [
      { type: PayloadType.SA, proposals: selection.protocols.map((c, i) => ({ number: selection.proposalNumber, protocolId: c.offered.protocolId, spi: plans[i].inboundSpi, transforms: [c.transform] })) },
      { type: PayloadType.NONCE, data: nonce },
    ];
    let secret: Buffer | undefined;
    if (selection.pfsGroup !== undefined && ke) {
      const pair = this.q.ctx.dh(selection.pfsGroup);
      secret = pfsSecret(pair, ke.data);
      reply.push({ type: PayloadType.KE, data: pair.publicValue });
    }
    const dialect = ikeSa.natT.dialect;
    const udp = selection.udpEncapsulated && dialect !== 'none' ? dialect : undefined;
    reply.push(...ids, ...responderLifetime(selection, plans), ...natOriginalAddresses(ikeSa, udp, selection.mode === 'transport'));
    this.sa = ipsecSa(ikeSa, messageId, {
      role: 'responder',
      protocols: plans,
      niB: this.niB,
      nrB: nonce,
      pfsSecret: secret,
      pfsGroup: selection.pfsGroup,
      mode: selection.mode,
      udp: selection.udpEncapsulated,
      lifetime: selection.lifetime,
      localProxy: responderProxy,
      remoteProxy: initiatorProxy,
      natOriginalAddresses: receivedOriginalAddresses(rest),
      map: { tag: selection.ref.tag, seq: selection.ref.seq },
    }, now);
    const flags = this.commit ? Flag.COMMIT : 0;
    const { crypto } = this.q;
    this.pending = sealHashed(crypto, this.q.header(ExchangeType.QUICK_MODE, flags), reply, (afterHash) => quickModeHash2(crypto.hash, crypto.skeyidA, messageId, this.niB, afterHash));
    this.q.cache.remember(datagram, [this.pending]);
    this.state = 'sent';
    return [send(this.pending)];
  }

  /** Message 3: the initiator has the keys; install, and confirm with CONNECTED when asked to. */
  private onConfirm(split: SplitMessage, datagram: Buffer): Effect[] {
    if (split.header.exchangeType !== ExchangeType.QUICK_MODE) drop(`exchange type ${split.header.exchangeType} in Quick Mode`);
    const { hash, rest } = this.q.openHashed(split);
    if (rest.length !== 0 || !hash.equals(quickModeHash3(this.q.crypto.hash, this.q.crypto.skeyidA, this.q.messageId, this.niB, this.nrB))) {
      drop('HASH(3) does not verify', NotifyType.INVALID_HASH_INFORMATION);
    }
    accept(this.q.crypto, split);
    const sa = this.sa as NegotiatedIpsecSa;
    const effects: Effect[] = [{ kind: 'ipsec-sa', sa }];
    const answers: Buffer[] = [];
    if (split.header.flags & Flag.COMMIT || this.commit) {
      const first = sa.protocols[0];
      const connected: Payload = {
        type: PayloadType.N, doi: Doi.IPSEC, protocolId: PROTOCOL_ID[first.protocol], spi: first.inbound.spi,
        notifyType: NotifyType.CONNECTED, data: Buffer.alloc(0),
      };
      answers.push(sealInformational(this.q.crypto, this.q.header(ExchangeType.INFORMATIONAL, 0), [connected]));
    }
    this.q.cache.remember(datagram, answers);
    this.state = 'done';
    this.q.outcome = 'done';
    this.pending = undefined;
    this.q.crypto.ivs.forget(this.q.messageId);
    return [...effects, ...answers.map(send)];
  }
}

/** RFC 2408 4.2: proposals sharing a number are one bundle (AND); numbers are alternatives (OR). */
function bundles(sa: SecurityAssociationPayload): Proposal[][] {
  const out: Proposal[][] = [];
  for (const p of sa.proposals) {
    const last = out[out.length - 1];
    if (last && last[0].number === p.number) last.push(p);
    else out.push([p]);
  }
  return out;
}

/** RESPONDER-LIFETIME per protocol, naming our SPI, when our limits are shorter (RFC 2407 4.6.3.1). */
function responderLifetime(selection: Phase2Selection, plans: readonly ProtocolPlan[]): Payload[] {
  const announce = selection.responderLifetime;
  if (!announce) return [];
  const data = encodeAttributes(lifetimeAttributes(announce));
  return plans.map((p) => ({
    type: PayloadType.N, doi: Doi.IPSEC, protocolId: PROTOCOL_ID[p.protocol], spi: p.inboundSpi, notifyType: NotifyType.RESPONDER_LIFETIME, data,
  }));
}

import type { DhGroup } from '../../config/algorithms';
import { WeakKeyError } from '../crypto/cipher';
import { InvalidPublicValueError, type DhKeyPair } from '../crypto/dh-group';
import { HASH_LENGTH } from '../crypto/hash';
import { hashI, hashR, type Phase1HashInput } from '../crypto/skeyid';
import { acceptedSuite, chooseSuite } from '../policy/isakmp-match';
import { usableSuites, type ProtectionSuite } from '../policy/isakmp-policies';
import { readSuiteTransform, suiteTransform } from '../policy/isakmp-transform';
import { localIdentity } from '../policy/local-identity';
import { presharedKeyFor } from '../policy/preshared-key';
import { IKE_PORT, NAT_T_PORT, type Endpoint } from '../sa/endpoint';
import { keptKeys, natDetected, type CookiePair, type IkeSa, type Phase1Keys, type Role } from '../sa/ike-sa';
import { UsedMessageIds } from '../sa/message-ids';
import { sharedValue } from '../sa/shared-values';
import {
  attributeNumber, basicAttribute, decodeAttributes, decodeBody, Doi, encodeAttributes, encodeIdentification, encodeMessage,
  encodeSecurityAssociation, ExchangeType, Flag, IkeAttribute, LifeType, NotifyType, numberAttribute, PayloadType, ProtocolId,
  splitMessage, WireError, type Header, type Identity, type IdentificationPayload, type KeyExchangePayload, type NoncePayload,
  type Payload, type Proposal, type SecurityAssociationPayload, type SplitMessage, type VendorIdPayload,
} from '../wire';
import type { Arrival, Phase1Context, Phase1Options } from './context';
import { send, type Effect } from './effects';
import { drop, ExchangeError, ExchangeFault, refuse, type ExchangeErrorContext } from './exchange-error';
import { detectNat, natdPayloads, type NatDetection } from './nat-discovery';
import { isErrorNotify, notifyName, payloadsOf } from './payloads';
import { phase1Ivs, phase1Keys } from './phase1-keys';
import { openInformational, type MessageCrypto } from './protection';
import { ResponseCache } from './response-cache';
import { unprotectedNotification } from './informational';
import { nonZeroRandom } from './message-id';
import { natTDialect, type NatTDialect } from './vendor-ids';

const COOKIE_LENGTH = 8;
const NONCE_LENGTH = 32;
/** RFC 2407 4.6.2: a phase-1 ID may name UDP port 500; IOS does. */
const ID_PROTOCOL_UDP = 17;

/**
 * The state Main and Aggressive Mode share (RFC 2409 5): cookies, the suite, nonces, DH,
 * keys, NAT-T, and the conversion of faults into effects. The two machines order the
 * messages; this class builds and checks their parts.
 */
export class Phase1Negotiation {
  readonly cache = new ResponseCache();
  local: Endpoint;
  remote: Endpoint;
  cookies: CookiePair = { initiator: Buffer.alloc(COOKIE_LENGTH), responder: Buffer.alloc(COOKIE_LENGTH) };
  suite: ProtectionSuite | undefined;
  /** The initiator's SA payload body, covered by HASH_I and HASH_R. */
  saiB: Buffer = Buffer.alloc(0);
  presharedKey: Buffer | undefined;
  dialect: NatTDialect = 'none';
  nat: NatDetection = { natLocal: false, natRemote: false };
  floated = false;
  readonly localId: Identity;
  remoteId: Identity | undefined;
  niB: Buffer = Buffer.alloc(0);
  nrB: Buffer = Buffer.alloc(0);
  keys: Phase1Keys | undefined;
  crypto: MessageCrypto | undefined;
  outcome: 'established' | 'failed' | undefined;
  /** Responder: our lifetime is shorter than the offered one, so the initiator is told. */
  shorterLifetime = false;
  private dhPair: DhKeyPair | undefined;
  private gxi: Buffer = Buffer.alloc(0);
  private gxr: Buffer = Buffer.alloc(0);

  constructor(
    readonly ctx: Phase1Context,
    readonly options: Phase1Options,
    readonly role: Role,
    readonly exchange: 'main' | 'aggressive',
  ) {
    this.local = ctx.local;
    this.remote = ctx.remote;
    this.localId = localIdentity(ctx.config, ctx.local.address);
  }

  get natTraversal(): boolean {
    return this.options.natTraversal !== false;
  }

  get exchangeType(): ExchangeType {
    return this.exchange === 'main' ? ExchangeType.IDENTITY_PROTECTION : ExchangeType.AGGRESSIVE;
  }

  newCookie(): Buffer {
    return nonZeroRandom(this.ctx.random, COOKIE_LENGTH);
  }

  header(): Header {
    return { initiatorCookie: this.cookies.initiator, responderCookie: this.cookies.responder, exchangeType: this.exchangeType, flags: 0, messageId: 0 };
  }

  /** An unencrypted message of this exchange. */
  plainMessage(payloads: readonly Payload[]): Buffer {
    return encodeMessage({ header: this.header(), payloads });
  }

  errorContext(messageId = 0): ExchangeErrorContext {
    return { exchange: this.exchange, role: this.role, peer: this.remote, cookies: this.cookies, messageId };
  }

  requireSuite(): ProtectionSuite {
    if (!this.suite) throw new Error('no suite negotiated yet');
    return this.suite;
  }

  /** Split a datagram and check it belongs here (cookies; the responder cookie once known). */
  split(datagram: Buffer): SplitMessage {
    let split: SplitMessage;
    try {
      split = splitMessage(datagram);
    } catch (e) {
      if (e instanceof WireError) drop(`malformed message: ${e.message}`, e.notify);
      throw e;
    }
    // A responder learns the initiator cookie from the first message.
    if (this.role === 'responder' && this.cookies.initiator.every((b) => b === 0)) this.cookies = { ...this.cookies, initiator: split.header.initiatorCookie };
    if (!split.header.initiatorCookie.equals(this.cookies.initiator)) drop('initiator cookie does not match', NotifyType.INVALID_COOKIE);
    const known = this.cookies.responder.some((b) => b !== 0);
    if (known && !split.header.responderCookie.equals(this.cookies.responder)) drop('responder cookie does not match', NotifyType.INVALID_COOKIE);
    return split;
  }

  /** The header of a phase-1 message of this exchange: message ID 0, encrypted only when `encrypted`. */
  checkPhase1Header(split: SplitMessage, encrypted: boolean | 'either'): void {
    if (split.header.exchangeType !== this.exchangeType) drop(`unexpected exchange type ${split.header.exchangeType}`);
    if (split.header.messageId !== 0) drop('phase-1 message with a non-zero message ID', NotifyType.INVALID_MESSAGE_ID);
    const isEncrypted = (split.header.flags & Flag.ENCRYPTION) !== 0;
    if (encrypted !== 'either' && isEncrypted !== encrypted) drop(encrypted ? 'message should be encrypted' : 'message should not be encrypted');
  }

  /** Decode an unencrypted body; malformed input is dropped (or refused when nothing else can follow). */
  decodePlain(split: SplitMessage, onError: 'drop' | 'refuse'): Payload[] {
    try {
      return decodeBody(split, split.body);
    } catch (e) {
      if (!(e instanceof WireError)) throw e;
      if (onError === 'refuse') refuse(e.notify, `malformed message: ${e.message}`);
      drop(`malformed message: ${e.message}`, e.notify);
    }
  }

  keyExchangePayload(group: DhGroup): KeyExchangePayload {
    this.dhPair = this.ctx.dh(group);
    return { type: PayloadType.KE, data: this.dhPair.publicValue };
  }

  noncePayload(): NoncePayload {
    return { type: PayloadType.NONCE, data: this.ctx.random(NONCE_LENGTH) };
  }

  /** g^xy from the peer's KE, then SKEYID and friends, and the CBC chain. */
  deriveKeys(peerPublicValue: Buffer): void {
    const suite = this.requireSuite();
    if (!this.dhPair || !this.presharedKey) throw new Error('keys derived before DH and key are known');
    let gxy: Buffer;
    try {
      gxy = this.dhPair.sharedSecret(peerPublicValue);
    } catch (e) {
      if (e instanceof InvalidPublicValueError) refuse(NotifyType.INVALID_KEY_INFORMATION, e.message);
      throw e;
    }
    const own = this.dhPair.publicValue;
    [this.gxi, this.gxr] = this.role === 'initiator' ? [own, peerPublicValue] : [peerPublicValue, own];
    try {
      this.keys = phase1Keys(suite, { presharedKey: this.presharedKey, niB: this.niB, nrB: this.nrB, gxy, cookies: this.cookies });
    } catch (e) {
      // RFC 2409 appendix B: a weak key ends the exchange; a new one derives new keys.
      if (e instanceof WeakKeyError) refuse(undefined, e.message);
      throw e;
    }
    this.crypto = {
      cipher: suite.encryption, hash: suite.hash, encryptionKey: this.keys.encryptionKey, skeyidA: this.keys.skeyidA,
      ivs: phase1Ivs(suite, this.gxi, this.gxr),
    };
  }

  natdPayloads(): Payload[] {
    if (this.dialect === 'none') return [];
    const forced = this.options.forceEncapsulation ? { random: this.ctx.random(HASH_LENGTH[this.requireSuite().hash]) } : undefined;
    return natdPayloads(this.dialect, this.requireSuite().hash, this.cookies, this, forced);
  }

  processNatd(payloads: readonly Payload[]): void {
    if (this.dialect === 'none') return;
    this.nat = detectNat(payloads, this.requireSuite().hash, this.cookies, this) ?? this.nat;
  }

  natDetected(): boolean {
    return natDetected({ dialect: this.dialect, ...this.nat, forced: this.options.forceEncapsulation === true });
  }

  /**
   * RFC 3947 4: with a NAT in the path, IKE moves to UDP 4500. The initiator moves both
   * ports; the responder follows once the initiator's message came in on 4500 (or when the
   * driver did not say where it came in).
   */
  float(arrival?: Arrival): Effect[] {
    if (this.floated || !this.natDetected()) return [];
    if (this.role === 'responder' && arrival && arrival.localPort !== NAT_T_PORT) return [];
    this.floated = true;
    this.local = { ...this.local, port: NAT_T_PORT };
    if (this.role === 'initiator') this.remote = { ...this.remote, port: NAT_T_PORT };
    return [{ kind: 'float-to-nat-t' }];
  }

  /** Follow the peer to the address/port its message came from (its float or a NAT rebinding). */
  observe(arrival: Arrival | undefined): void {
    if (!arrival) return;
    this.remote = arrival.remote;
    this.local = { ...this.local, port: arrival.localPort };
  }

  /** Initiator: all usable suites as the transforms of one proposal (RFC 2409 5, IOS one per policy). */
  offerSa(suites: readonly ProtectionSuite[]): SecurityAssociationPayload {
    const transforms = suites.map((s, i) => suiteTransform(i + 1, s));
    return { type: PayloadType.SA, proposals: [{ number: 1, protocolId: ProtocolId.ISAKMP, spi: Buffer.alloc(0), transforms }] };
  }

  /** Initiator: the responder's answer must be one transform, one we offered. */
  acceptAnswer(sa: SecurityAssociationPayload, offered: readonly ProtectionSuite[]): void {
    const [proposal, ...more] = sa.proposals;
    if (!proposal || more.length > 0 || proposal.protocolId !== ProtocolId.ISAKMP || proposal.transforms.length !== 1) {
      refuse(NotifyType.BAD_PROPOSAL_SYNTAX, 'the answer is not one ISAKMP proposal with one transform');
    }
    this.suite = acceptedSuite(offered, proposal.transforms[0]) ?? refuse(NotifyType.NO_PROPOSAL_CHOSEN, 'the responder chose a transform we did not offer');
  }

  /**
   * Responder: pick a suite from the offer (seed matching rules) with the key found for the
   * peer, and build the answer: the chosen transform echoed in its own proposal.
   */
  chooseOffer(sa: SecurityAssociationPayload, peer: { readonly fqdn?: string }): SecurityAssociationPayload {
    const { config, engine } = this.ctx;
    const match = presharedKeyFor(config, { address: this.remote.address, ...peer });
    const proposals = sa.proposals.filter((p) => p.protocolId === ProtocolId.ISAKMP);
    const choice = chooseSuite(usableSuites(config, engine, match !== undefined), proposals.flatMap((p) => p.transforms));
    if (!match) refuse(NotifyType.NO_PROPOSAL_CHOSEN, `no pre-shared key for peer ${this.remote.address}${peer.fqdn ? ` (${peer.fqdn})` : ''}`);
    if (!choice) refuse(NotifyType.NO_PROPOSAL_CHOSEN, 'no ISAKMP policy matches the offered transforms');
    this.suite = choice.suite;
    const offeredLifetime = readSuiteTransform(choice.transform)?.lifetime;
    this.shorterLifetime = offeredLifetime !== undefined && choice.suite.lifetime < offeredLifetime;
    this.presharedKey = Buffer.from(match.key.key, 'utf8');
    this.saiB = encodeSecurityAssociation(sa);
    const proposal = proposals.find((p) => p.transforms.includes(choice.transform)) as Proposal;
    return { type: PayloadType.SA, proposals: [{ number: proposal.number, protocolId: ProtocolId.ISAKMP, spi: proposal.spi, transforms: [choice.transform] }] };
  }

  /**
   * RESPONDER-LIFETIME for the ISAKMP SA, as IOS sends it when its lifetime is the shorter
   * (seed: the shorter lifetime is used), so both ends expire the SA together.
   */
  responderLifetime(): Payload[] {
    if (!this.shorterLifetime) return [];
    const data = encodeAttributes([basicAttribute(IkeAttribute.LIFE_TYPE, LifeType.SECONDS), numberAttribute(IkeAttribute.LIFE_DURATION, this.requireSuite().lifetime)]);
    return [{
      type: PayloadType.N, doi: Doi.IPSEC, protocolId: ProtocolId.ISAKMP, spi: Buffer.concat([this.cookies.initiator, this.cookies.responder]),
      notifyType: NotifyType.RESPONDER_LIFETIME, data,
    }];
  }

  /** Initiator: adopt a shorter ISAKMP SA lifetime the responder announced. */
  adoptResponderLifetime(payloads: readonly Payload[]): void {
    for (const n of payloadsOf(payloads, PayloadType.N)) {
      if (n.notifyType !== NotifyType.RESPONDER_LIFETIME || n.protocolId !== ProtocolId.ISAKMP) continue;
      let seconds: number | undefined;
      try {
        const attributes = decodeAttributes(n.data, 0);
        const type = attributes.find((a) => a.type === IkeAttribute.LIFE_TYPE);
        const duration = attributes.find((a) => a.type === IkeAttribute.LIFE_DURATION);
        if (type && duration && attributeNumber(type) === LifeType.SECONDS) seconds = attributeNumber(duration);
      } catch (e) {
        if (!(e instanceof WireError)) throw e;
      }
      const suite = this.requireSuite();
      if (seconds !== undefined && seconds > 0 && seconds < suite.lifetime) this.suite = { ...suite, lifetime: seconds };
    }
  }

  /** The NAT-T dialect from a peer's vendor IDs (none when NAT-T is off here). */
  learnDialect(payloads: readonly Payload[]): VendorIdPayload[] {
    const vids = payloadsOf(payloads, PayloadType.VID);
    this.dialect = this.natTraversal ? natTDialect(vids) : 'none';
    return vids;
  }

  idPayload(): IdentificationPayload {
    return { type: PayloadType.ID, identity: this.localId, protocolId: ID_PROTOCOL_UDP, port: IKE_PORT };
  }

  private hashInput(): Phase1HashInput {
    return { gxi: this.gxi, gxr: this.gxr, ckyI: this.cookies.initiator, ckyR: this.cookies.responder, saiB: this.saiB };
  }

  hashI(idii: IdentificationPayload): Buffer {
    return hashI(this.requireSuite().hash, (this.keys as Phase1Keys).skeyid, this.hashInput(), encodeIdentification(idii));
  }

  hashR(idir: IdentificationPayload): Buffer {
    return hashR(this.requireSuite().hash, (this.keys as Phase1Keys).skeyid, this.hashInput(), encodeIdentification(idir));
  }

  ikeSa(now: number): IkeSa {
    const suite = this.requireSuite();
    if (!this.keys || !this.crypto || !this.remoteId) throw new Error('IKE SA requested before phase 1 completed');
    this.outcome = 'established';
    // Literals rather than spreads here: a spread copy keeps its properties in an array of
    // their own beside the object, and a gateway keeps thousands of these SAs.
    const { encryption, hash, authentication, group, lifetime } = suite;
    const { natLocal, natRemote } = this.nat;
    return {
      cookies: this.cookies,
      role: this.role,
      exchange: this.exchange,
      local: this.local,
      remote: this.remote,
      localId: this.localId,
      remoteId: this.remoteId,
      policy: sharedValue({ encryption, hash, authentication, group, lifetime }),
      keys: keptKeys(this.keys),
      ivs: this.crypto.ivs,
      natT: sharedValue({ dialect: this.dialect, natLocal, natRemote, forced: this.options.forceEncapsulation === true }),
      createdAt: now,
      expiresAt: now + suite.lifetime * 1000,
      messageIds: new UsedMessageIds(),
    };
  }

  /** RFC 2408 5: a phase-1 refusal goes out unprotected (the ISAKMP SA is not established, and after a key mismatch the peer could decrypt nothing we protect). */
  notification(notifyType: NotifyType): Buffer {
    return unprotectedNotification(this.cookies, notifyType, this.ctx.random);
  }

  /**
   * A peer's notification during phase 1: an error one ends the exchange. Accepted
   * unprotected (RFC 2408 5: nothing is protected before the SA exists; a forger would need
   * the cookies), or protected when it decrypts and its HASH(1) verifies. Once the SA is up,
   * informational messages belong to receiveInformational().
   */
  peerInformational(split: SplitMessage): Effect[] {
    if (this.outcome === 'established') drop('informational message after phase 1: not for the phase-1 exchange');
    let payloads: Payload[];
    if (split.header.flags & Flag.ENCRYPTION) {
      const crypto = this.crypto ?? drop('encrypted informational before keys exist');
      try {
        payloads = openInformational(crypto, split);
      } catch (e) {
        if (e instanceof WireError) drop(`malformed message: ${e.message}`, e.notify);
        throw e;
      } finally {
        crypto.ivs.forget(split.header.messageId);
      }
    } else {
      payloads = this.decodePlain(split, 'drop');
    }
    const error = payloadsOf(payloads, PayloadType.N).find((n) => isErrorNotify(n.notifyType));
    if (!error) drop('informational message without an error notification');
    this.outcome = 'failed';
    return [{ kind: 'failed', error: new ExchangeError(error.notifyType as NotifyType, `peer refused with ${notifyName(error.notifyType)}`, this.errorContext(split.header.messageId)) }];
  }

  /**
   * Run one receive step: answer a retransmission from the cache, refuse nothing after the
   * exchange ended, and turn faults into effects (the receive path never throws).
   */
  guard(datagram: Buffer, step: () => Effect[]): Effect[] {
    const cached = this.cache.answer(datagram);
    if (cached) return cached.map(send);
    if (this.outcome === 'failed') return [this.ignored('the exchange has failed')];
    try {
      return step();
    } catch (e) {
      return this.faultEffects(e);
    }
  }

  ignored(reason: string, notify?: NotifyType): Effect {
    return { kind: 'ignored', error: new ExchangeError(notify, reason, this.errorContext()) };
  }

  fail(notify: NotifyType | undefined, reason: string, tell: boolean): Effect[] {
    this.outcome = 'failed';
    const error = new ExchangeError(notify, reason, this.errorContext());
    return [...(tell && notify !== undefined ? [send(this.notification(notify))] : []), { kind: 'failed', error }];
  }

  faultEffects(e: unknown): Effect[] {
    if (e instanceof ExchangeFault) {
      if (e.action === 'drop') return [this.ignored(e.message, e.notify)];
      return this.fail(e.notify, e.message, true);
    }
    return this.fail(undefined, `internal error: ${e instanceof Error ? e.message : String(e)}`, false);
  }
}

/** RFC 2407 4.6.3.3 INITIAL-CONTACT, naming the ISAKMP SA by its cookie pair. */
export function initialContact(cookies: CookiePair): Payload {
  return {
    type: PayloadType.N, doi: Doi.IPSEC, protocolId: ProtocolId.ISAKMP,
    spi: Buffer.concat([cookies.initiator, cookies.responder]), notifyType: NotifyType.INITIAL_CONTACT, data: Buffer.alloc(0),
  };
}

/** Whether authenticated payloads carry INITIAL-CONTACT. */
export function hasInitialContact(payloads: readonly Payload[]): boolean {
  return payloadsOf(payloads, PayloadType.N).some((n) => n.notifyType === NotifyType.INITIAL_CONTACT);
}

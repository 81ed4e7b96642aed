import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import type { Config, CryptoMap, CryptoMapEntry } from '../../config/model';
import { armAt, systemClock, type BackendClock } from '../../kernel/backend-clock';
import type { AcquireEvent, ExpireEvent, SadBackend, SaId } from '../../kernel/sad-backend';
import type { DhGroupId, DhKeyPair } from '../crypto/dh-group';
import type { Phase1Context, Phase1Options } from '../exchange/context';
import { generateDhKeyPair, type ExchangeServices } from '../exchange/context';
import { pooledRandomBytes } from '../crypto/random-pool';
import type { Effect, ReceivedNotify } from '../exchange/effects';
import { ExchangeError } from '../exchange/exchange-error';
import { deleteIkeSaMessage, deleteIpsecSaMessage, receiveInformational } from '../exchange/informational';
import { AggressiveModeInitiator, AggressiveModeResponder } from '../exchange/aggressive-mode';
import { MainModeInitiator, MainModeResponder } from '../exchange/main-mode';
import { isErrorNotify, notifyName } from '../exchange/payloads';
import { QuickModeInitiator, QuickModeResponder } from '../exchange/quick-mode';
import { routeDatagram, type Route } from '../exchange/route';
import type { CapabilityOracle } from '../policy/capabilities';
import { entryNamesPeer, responderEntries } from '../policy/crypto-map-lookup';
import { phase1Plan } from '../policy/exchange-mode';
import type { IpsecProtocol } from '../policy/ipsec-transform';
import { phase2Offer } from '../policy/phase2-offer';
import { IKE_PORT, NAT_T_PORT, type Endpoint } from '../sa/endpoint';
import { cookieKey, natDetected, type CookiePair, type IkeSa } from '../sa/ike-sa';
import { withoutKeys, type IpsecSa, type NegotiatedIpsecSa } from '../sa/ipsec-sa';
import { SaTable } from '../sa/sa-table';
import { DuplicateDetector } from '../transport/duplicate-detector';
import { HalfOpenLimiter, type HalfOpenLimits } from '../transport/half-open-limit';
import { openIkeSocket, type IkeDatagram, type IkePort, type IkeSocket, type IkeSocketOptions } from '../transport/ike-socket';
import { DEFAULT_RETRANSMIT, finalLegPolicy, retransmitSpanMs, startRetransmission, type RetransmitPolicy } from '../transport/retransmit';
import type { UdpPeer } from '../transport/udp-endpoint';
import { ConnIds } from './conn-ids';
import { ExchangeSlots, phase1Key, quickKey, type Phase1Machine, type Phase1Slot, type QuickModeRequest, type QuickSlot, type Slot } from './exchange-slots';
import { bundleSpis, flowKey, identityKey } from './flows';
import { IkeDeadlines } from './ike-deadlines';
import { InitiationPacer } from './initiation-pacer';
import { IpsecInstaller, type ReservedSpis } from './ipsec-installer';
import { ipsecSelected, type IpsecSelection } from './ipsec-selection';
import { localAddressFor } from './local-address';
import { desiredPolicies, PolicySync, type PolicyOrigin } from './policy-sync';
import { PortMap } from './port-map';
import { renewalOffer } from './renewal-offer';
import { AutoUpSchedule, type FlowState } from './auto-up';
import { KeyLog } from './key-log';
import { Reqids } from './reqids';
import { spiBuffer } from './sa-specs';
import { SerialQueue } from './serial-queue';

export interface KeyManagerOptions {
  /** The live configuration (read at each decision, so changes apply to the next negotiation). */
  readonly config: () => Readonly<Config>;
  readonly engine: CapabilityOracle;
  readonly backend: SadBackend;
  /** The IKE subsystem's logger; `debug crypto isakmp` lowers its level. */
  readonly log: Logger;
  readonly clock?: BackendClock;
  readonly random?: (length: number) => Buffer;
  readonly dh?: (group: DhGroupId) => DhKeyPair;
  readonly retransmit?: RetransmitPolicy;
  readonly halfOpen?: HalfOpenLimits;
  /**
   * The most phase-1 exchanges we initiate at once (default DEFAULT_INITIATION_LIMIT); within
   * it, InitiationPacer's window says how many now. Further peers wait their turn, so
   * thousands of tunnels wanted at once (a boot, a burst of ACQUIREs) do not all send at once
   * and drown both ends in answers that come too late, then resends.
   */
  readonly initiationLimit?: number;
  /** Where `crypto isakmp key-log` appends IKE SA keys (the daemon: in its config directory). */
  readonly keyLogFile?: string;
  /** Opens the IKE ports (tests pass an in-memory network). */
  readonly openSocket?: (options: IkeSocketOptions) => Promise<IkeSocket>;
}

export interface KeyManagerEvents {
  /** A negotiated bundle is in the kernel, both directions. */
  'ipsec-sa': [sa: IpsecSa];
}

/** Where effects of an exchange go: the peer, how to reach it, and the exchange or SA concerned. */
interface Scope {
  readonly peer: string;
  transmit(bytes: Buffer): void;
  readonly slot?: Slot;
  readonly ikeSa?: IkeSa;
}

/** An IKE port that could not be bound. */
export interface BindFailure {
  readonly port: number;
  readonly error: NodeJS.ErrnoException;
}

/** The most phase-1 initiations at once when the options say nothing; the pacer keeps fewer while they take long. */
export const DEFAULT_INITIATION_LIMIT = 2000;

/** The duplicate detector forgets finished exchanges this often at most (a sweep per minute). */
const PRUNE_INTERVAL_MS = 60_000;

function hexCookies(c: CookiePair): string {
  return `${c.initiator.toString('hex')}/${c.responder.toString('hex')}`;
}

/**
 * The IKE daemon proper: owns the IKE socket, the SA table and the live exchange machines,
 * routes datagrams to them, carries out their effects (sending, SA installation, deletion),
 * retransmits, rekeys before lifetimes run out, and starts negotiations when the kernel asks
 * for an SA. Every event runs as one task of a serial queue, so state is never seen half
 * changed across an await.
 */
export class KeyManager extends EventEmitter<KeyManagerEvents> {
  readonly table = new SaTable();
  readonly backend: SadBackend;
  readonly connIds = new ConnIds();
  /** The live configuration the key manager decides by. */
  readonly config: () => Readonly<Config>;
  private readonly engine: CapabilityOracle;
  private readonly log: Logger;
  private readonly baseLevel: string;
  private debugOn = false;
  private readonly clock: BackendClock;
  private readonly random: (length: number) => Buffer;
  private readonly dh: (group: DhGroupId) => DhKeyPair;
  private readonly retransmitPolicy: RetransmitPolicy;
  /** For a three-message exchange's message 2 (see finalLegPolicy). */
  private readonly finalLegRetransmitPolicy: RetransmitPolicy;
  private readonly openSocket: (options: IkeSocketOptions) => Promise<IkeSocket>;
  private readonly queue: SerialQueue;
  private readonly slots = new ExchangeSlots();
  private readonly duplicates: DuplicateDetector;
  private readonly halfOpen: HalfOpenLimiter;
  private readonly keyLog: KeyLog | undefined;
  private readonly autoUp = new AutoUpSchedule();
  /** Cancels the next auto-up look. */
  private autoUpTimer: (() => void) | undefined;
  /** A keepUp is queued: further pokes until it runs need no other. */
  private autoUpPosted = false;
  private readonly installer: IpsecInstaller;
  private readonly policies: PolicySync;
  private readonly reqids = new Reqids();
  private readonly pacer: InitiationPacer;
  /** Peers (-> our address) whose phase 1 waits for a place in the pacer's window. */
  private readonly phase1Backlog = new Map<string, string>();
  /** Quick Modes waiting for a phase 1 with their peer. */
  private readonly waiting = new Map<string, QuickModeRequest[]>();
  /** Flows being negotiated (queued or in a Quick Mode). */
  private readonly negotiating = new Set<string>();
  /** Per IKE SA: its rekey and expiry, and its NAT keepalive. */
  private readonly ikeDeadlines: IkeDeadlines;
  private readonly rekeyed = new WeakSet<IpsecSa>();
  /** The peer identity (identityKey) each bundle was negotiated with, for INITIAL-CONTACT. */
  private readonly ipsecIdentity = new WeakMap<IpsecSa, string>();
  private readonly sends = new Set<Promise<void>>();
  private readonly onAcquire = (ev: AcquireEvent): void => this.queue.post(() => this.acquired(ev));
  private readonly onExpire = (ev: ExpireEvent): void => this.queue.post(() => this.expired(ev));
  private socket: IkeSocket | undefined;
  private ports = new PortMap(IKE_PORT, NAT_T_PORT);
  private bindAddress = '0.0.0.0';
  private lastPrune = 0;
  private closed = false;
  private closing: Promise<void> | undefined;

  constructor(options: KeyManagerOptions) {
    super();
    this.config = options.config;
    this.engine = options.engine;
    this.backend = options.backend;
    this.log = options.log;
    this.baseLevel = options.log.level;
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? pooledRandomBytes;
    this.dh = options.dh ?? generateDhKeyPair;
    this.retransmitPolicy = options.retransmit ?? DEFAULT_RETRANSMIT;
    this.finalLegRetransmitPolicy = finalLegPolicy(this.retransmitPolicy);
    this.pacer = new InitiationPacer(options.initiationLimit ?? DEFAULT_INITIATION_LIMIT);
    this.openSocket = options.openSocket ?? openIkeSocket;
    this.queue = new SerialQueue((err) => this.log.error({ err: err instanceof Error ? err.stack : String(err) }, 'internal error in the key manager'));
    this.duplicates = new DuplicateDetector({ holdMs: retransmitSpanMs(this.retransmitPolicy), now: () => this.clock.now() });
    // `crypto call admission limit ike in-negotiation-sa`, read at each first message.
    this.halfOpen = new HalfOpenLimiter(() => {
      const configured = this.config().isakmp.inNegotiationSaLimit;
      return configured === undefined ? options.halfOpen ?? {} : { ...options.halfOpen, total: configured };
    });
    this.keyLog = options.keyLogFile !== undefined ? new KeyLog(options.keyLogFile, this.log) : undefined;
    this.ikeDeadlines = new IkeDeadlines(this.clock, {
      rekey: (sa) => this.queue.post(() => this.rekeyIke(sa)),
      expire: (sa) => this.queue.post(() => this.removeIke(sa, true, 'lifetime expired')),
    });
    this.installer = new IpsecInstaller(this.backend, this.log);
    this.policies = new PolicySync(this.backend, this.log);
    this.backend.on('acquire', this.onAcquire);
    this.backend.on('expire', this.onExpire);
  }

  /**
   * Binds the IKE ports. A port that cannot be bound is left out (IKE without NAT-T, say) and
   * returned with its error, for the operator to be told.
   */
  async open(endpoint: { readonly address: string; readonly ikePort: number; readonly natTPort: number }): Promise<BindFailure[]> {
    const failures: BindFailure[] = [];
    this.socket = await this.openSocket({
      address: endpoint.address,
      ikePort: endpoint.ikePort,
      natTPort: endpoint.natTPort,
      onMessage: (d) => {
        if (!this.closed) this.queue.post(() => this.receive(d));
      },
      onError: (err, port) => this.log.error({ port, err: err.message }, 'IKE socket error'),
      onBindError: (error, via) => {
        const port = via === 'ike' ? endpoint.ikePort : endpoint.natTPort;
        failures.push({ port, error });
        this.log.warn({ address: endpoint.address, port, err: error.message }, 'cannot bind IKE port');
      },
      timers: this.clock,
    });
    this.ports = new PortMap(this.socket.ikePort, this.socket.natTPort);
    this.bindAddress = endpoint.address;
    for (const port of [this.socket.ikePort, this.socket.natTPort]) {
      if (!failures.some((f) => f.port === port)) this.log.info({ address: endpoint.address, port }, 'IKE UDP port bound');
    }
    return failures;
  }

  /** The configuration changed: bring the kernel's policies in line with the crypto maps. */
  configChanged(): Promise<void> {
    return this.queue.run(async () => {
      await this.syncPolicies();
      await this.keepUp();
    });
  }

  /** `debug crypto isakmp` / `undebug all`: the IKE logger at debug level, or back to its own. */
  setDebug(on: boolean): void {
    this.debugOn = on;
    const { values } = this.log.levels;
    const base = values[this.baseLevel] ?? values.info;
    this.log.level = on && base > values.debug ? 'debug' : this.baseLevel;
  }

  get debugging(): boolean {
    return this.debugOn;
  }

  /** The key manager's clock (SA lifetimes are counted on it). */
  now(): number {
    return this.clock.now();
  }

  /** The UDP ports in use (for showing peers' ports), or undefined before open(). */
  get boundPorts(): PortMap | undefined {
    return this.socket ? this.ports : undefined;
  }

  /** Phase-1 exchanges in progress, for `show crypto isakmp sa`. */
  phase1Exchanges(): readonly Phase1Slot[] {
    return this.slots.phase1();
  }

  /** Crypto map lines with policies in the kernel, for `show crypto ipsec sa`. */
  policyOrigins(): readonly PolicyOrigin[] {
    return this.policies.origins();
  }

  /** Runs `task` between events, so it sees a settled state (e.g. reading SA counters). */
  inspect<T>(task: () => T | Promise<T>): Promise<T> {
    return this.queue.run(task);
  }

  /** `clear crypto sa ...`: deletes the selected IPsec SAs here and, by Delete, at the peers. */
  clearIpsec(selection: IpsecSelection): Promise<number> {
    return this.queue.run(async () => {
      const chosen = this.table.ipsecSas().filter((sa) => ipsecSelected(sa, selection));
      for (const sa of chosen) await this.removeIpsec(sa, true, 'cleared by the operator');
      return chosen.length;
    });
  }

  /** `clear crypto isakmp [conn-id]`: deletes IKE SAs (and with no ID, negotiations in progress). */
  clearIsakmp(connId?: number): Promise<number> {
    return this.queue.run(async () => {
      const chosen = this.table.ikeSas().filter((sa) => connId === undefined || this.connIds.ikeOf(sa) === connId);
      for (const sa of chosen) await this.removeIke(sa, true, 'cleared by the operator');
      if (connId !== undefined) return chosen.length;
      const negotiating = this.slots.phase1();
      for (const slot of negotiating) await this.settle(slot, slot.machine.cancel('cleared by the operator'));
      return chosen.length + negotiating.length;
    });
  }

  /** Sends Delete for every SA (best effort), removes SAs and policies, closes the ports. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.backend.off('acquire', this.onAcquire);
      this.backend.off('expire', this.onExpire);
      await this.queue.run(async () => {
        this.closed = true;
        this.autoUpTimer?.();
        for (const slot of this.slots.all()) await this.closeSlot(slot);
        this.waiting.clear();
        this.phase1Backlog.clear();
        for (const sa of this.table.ipsecSas()) await this.removeIpsec(sa, true, 'shutting down');
        for (const sa of this.table.ikeSas()) await this.removeIke(sa, true, 'shutting down');
        await this.policies.apply(new Map());
      });
      await Promise.allSettled([...this.sends]);
      await this.socket?.close();
    })();
    return this.closing;
  }

  /** Log fields naming an SA: the peer as on the wire, the cookies. */
  private saFields(sa: IkeSa): Record<string, string> {
    return { peer: this.peerText(sa.remote), cookies: hexCookies(sa.cookies) };
  }

  private errorFields(e: ExchangeError): Record<string, string> {
    const c = e.context;
    return {
      peer: this.peerText(c.peer), cookies: hexCookies(c.cookies), msgid: c.messageId.toString(16), exchange: c.exchange, role: c.role,
      ...(e.notify !== undefined ? { notify: notifyName(e.notify) } : {}),
    };
  }

  private peerText(e: Endpoint): string {
    return `${e.address}:${this.ports.physical(e.port)}`;
  }

  private services(config: Readonly<Config>): ExchangeServices {
    return { config, engine: this.engine, random: this.random, dh: this.dh };
  }

  /** A number in [0, 1) from the injected randomness, to spread rekeys. */
  private jitter(): number {
    return this.random(2).readUInt16BE(0) / 0x10000;
  }

  private async syncPolicies(): Promise<void> {
    await this.policies.apply(desiredPolicies(this.config(), this.engine, this.reqids, this.table.ipsecSas()));
  }

  // ---- the wire -------------------------------------------------------------------------

  private transmit(to: UdpPeer, via: IkePort, bytes: Buffer): void {
    const socket = this.socket;
    if (!socket) {
      this.log.warn({ peer: `${to.address}:${to.port}` }, 'IKE message not sent: the IKE ports are not bound');
      return;
    }
    // Per message: its fields are made only when debugging.
    if (this.log.isLevelEnabled('debug')) this.log.debug({ peer: `${to.address}:${to.port}`, via, bytes: bytes.length }, 'IKE message sent');
    const pending = socket.send(bytes, to, via);
    if (!pending) return;
    // Sent later (a full send buffer) or failed: logged, and waited for before closing.
    const sent: Promise<void> = pending.then(
      () => void this.sends.delete(sent),
      (err: Error) => {
        this.sends.delete(sent);
        this.log.warn({ peer: `${to.address}:${to.port}`, err: err.message }, 'cannot send an IKE message');
      },
    );
    this.sends.add(sent);
  }

  /** Sends under an established IKE SA, on the ports it uses now. */
  private transmitFor(sa: IkeSa, bytes: Buffer): void {
    const { to, via } = this.ports.route(sa.local, sa.remote);
    this.transmit(to, via, bytes);
  }

  private scopeOf(slot: Slot): Scope {
    const transmit = slot.kind === 'phase1'
      ? (bytes: Buffer) => this.transmit(slot.remote, slot.via, bytes)
      : (bytes: Buffer) => this.transmitFor(slot.ikeSa, bytes);
    return { peer: slot.peer, slot, transmit, ...(slot.kind === 'quick' ? { ikeSa: slot.ikeSa } : {}) };
  }

  private async receive(d: IkeDatagram): Promise<void> {
    if (this.closed) return;
    const now = this.clock.now();
    if (now - this.lastPrune >= PRUNE_INTERVAL_MS) {
      this.duplicates.prune();
      this.lastPrune = now;
    }
    const route = routeDatagram(d.message);
    if (this.log.isLevelEnabled('debug')) {
      this.log.debug({ peer: `${d.from.address}:${d.from.port}`, via: d.via, bytes: d.message.length, route: route.kind }, 'IKE message received');
    }
    switch (route.kind) {
      case 'malformed':
        this.log.debug({ peer: d.from.address, err: route.error.message }, 'malformed IKE message dropped');
        return;
      case 'unsupported':
        this.log.debug({ peer: d.from.address, exchangeType: route.exchangeType }, 'IKE message of an unsupported exchange type dropped');
        return;
      case 'phase1-new':
      case 'phase1':
        return this.receivePhase1(route, d);
      default:
        return this.receivePhase2(route, d);
    }
  }

  /** A retransmission of a message already answered gets the same answer; true when handled. */
  private answeredDuplicate(key: string, d: IkeDatagram): boolean {
    const check = this.duplicates.check(key, d.message);
    if (check.kind === 'new') return false;
    if (check.kind === 'resend') this.transmit(d.from, d.via, check.response);
    this.log.debug({ peer: d.from.address }, 'retransmitted IKE message answered from the duplicate cache');
    return true;
  }

  private async receivePhase1(route: Extract<Route, { kind: 'phase1' | 'phase1-new' }>, d: IkeDatagram): Promise<void> {
    const peer = d.from.address;
    const key = phase1Key(peer, route.cookies.initiator);
    if (this.answeredDuplicate(key, d)) return;
    let slot = this.slots.get(key);
    if (!slot) {
      const late = this.table.ikeForPeer(peer).some((sa) => sa.cookies.initiator.equals(route.cookies.initiator));
      if (route.kind === 'phase1' || late) {
        this.log.debug({ peer, cookies: hexCookies(route.cookies) }, 'phase-1 message for no exchange in progress dropped');
        return;
      }
      slot = this.newResponder(route.exchange, key, d);
      if (!slot) return;
    }
    if (slot.kind !== 'phase1') return;
    await this.settle(slot, slot.machine.receive(d.message, this.clock.now(), this.ports.arrival(d)), d);
  }

  private newResponder(exchange: 'main' | 'aggressive', key: string, d: IkeDatagram): Phase1Slot | undefined {
    const config = this.config();
    const peer = d.from.address;
    if (!config.isakmp.enabled) {
      this.log.debug({ peer }, 'IKE is disabled (no crypto isakmp): phase 1 request dropped');
      return undefined;
    }
    const admission = this.halfOpen.admit(key, peer);
    if (!admission.admitted) {
      this.log.warn({ peer, limit: admission.limit }, 'half-open IKE SA limit reached: phase 1 request dropped');
      return undefined;
    }
    const arrival = this.ports.arrival(d);
    const local = localAddressFor(config, this.bindAddress, peer);
    const ctx: Phase1Context = { ...this.services(config), local: { address: local, port: IKE_PORT }, remote: arrival.remote };
    const machine: Phase1Machine = exchange === 'main' ? new MainModeResponder(ctx) : new AggressiveModeResponder(ctx);
    const slot: Phase1Slot = {
      kind: 'phase1', key, peer, local, role: 'responder', exchange, machine, remote: d.from, via: d.via, received: 0, startedAt: this.clock.now(),
    };
    this.slots.add(slot);
    // Debug, as IOS's: the established (or failed) negotiation is what an operator reads at info
    // level. Its text is made only when debugging, as a burst of tunnels makes thousands.
    if (this.log.isLevelEnabled('debug')) this.log.debug({ peer }, `${exchange} mode negotiation requested by ${peer}`);
    return slot;
  }

  private async receivePhase2(route: Extract<Route, { kind: 'quick-mode' | 'informational' }>, d: IkeDatagram): Promise<void> {
    const ikeSa = this.table.ikeByCookies(route.cookies);
    if (!ikeSa) {
      // A notification about a phase 1 still in progress belongs to its machine.
      const phase1 = this.slots.get(phase1Key(d.from.address, route.cookies.initiator));
      if (route.kind === 'informational' && phase1?.kind === 'phase1') {
        await this.settle(phase1, phase1.machine.receive(d.message, this.clock.now(), this.ports.arrival(d)));
      } else {
        this.log.debug({ peer: d.from.address, cookies: hexCookies(route.cookies) }, `${route.kind} message for no IKE SA dropped`);
      }
      return;
    }
    const key = quickKey(route.cookies, route.messageId);
    if (route.kind === 'quick-mode' && this.answeredDuplicate(key, d)) return;
    let slot = this.slots.get(key);
    if (!slot && route.kind === 'quick-mode') slot = await this.newQuickResponder(ikeSa, key);
    if (slot?.kind === 'quick') {
      await this.settle(slot, slot.machine.receive(d.message, this.clock.now()), d);
      return;
    }
    if (route.kind === 'informational') {
      const scope: Scope = { peer: ikeSa.remote.address, ikeSa, transmit: (bytes) => this.transmitFor(ikeSa, bytes) };
      await this.apply(receiveInformational(ikeSa, d.message, this.random), scope);
    }
  }

  private async newQuickResponder(ikeSa: IkeSa, key: string): Promise<QuickSlot | undefined> {
    const config = this.config();
    // Reserve an SPI for every protocol our transform sets use: the offer is still encrypted.
    const protocols = new Set<IpsecProtocol>(config.transformSets.flatMap((s) => s.transforms.map((t) => (t.name.startsWith('ah-') ? 'ah' : 'esp'))));
    let spis: ReservedSpis;
    try {
      spis = await this.installer.reserve(ikeSa.remote.address, ikeSa.local.address, protocols.size > 0 ? [...protocols] : ['esp']);
    } catch (err) {
      this.log.error({ ...this.saFields(ikeSa), err: (err as Error).message }, 'cannot reserve inbound SPIs: Quick Mode request dropped');
      return undefined;
    }
    const machine = new QuickModeResponder({ ...this.services(config), ikeSa, inboundSpi: (p) => reservedSpi(spis, p) });
    const slot: QuickSlot = {
      kind: 'quick', key, peer: ikeSa.remote.address, role: 'responder', ikeSa, machine, spis, used: new Set(), startedAt: this.clock.now(),
    };
    this.slots.add(slot);
    return slot;
  }

  /**
   * The common tail of every step of an exchange: remember an accepted request and our answer
   * (for retransmissions), carry out the effects, then retransmit or close.
   */
  private async settle(slot: Slot, effects: Effect[], d?: IkeDatagram): Promise<void> {
    if (d && !effects.some((e) => e.kind === 'ignored')) {
      if (slot.kind === 'phase1') {
        slot.remote = d.from;
        slot.via = d.via;
        slot.received++;
      }
      this.duplicates.accepted(slot.key, d.message);
      const reply = effects.find((e): e is Extract<Effect, { kind: 'send' }> => e.kind === 'send');
      if (reply) this.duplicates.responded(slot.key, reply.bytes);
    }
    await this.apply(effects, this.scopeOf(slot));
    // A live exchange always has a message out; none means its first message was dropped.
    if (!slot.outcome && slot.machine.retransmission === undefined) slot.outcome = 'failed';
    if (!slot.outcome) {
      this.syncRetransmission(slot);
      return;
    }
    await this.closeSlot(slot);
    if (slot.kind === 'phase1') await this.afterPhase1(slot.peer);
  }

  private syncRetransmission(slot: Slot): void {
    const bytes = slot.machine.retransmission;
    if (slot.retransmit?.bytes === bytes) return;
    slot.retransmit?.handle.cancel();
    slot.retransmit = undefined;
    if (!bytes) return;
    const scope = this.scopeOf(slot);
    const handle = startRetransmission({
      send: (attempt) => {
        if (attempt === 0) return; // the exchange's own send effect carried it
        // Through the queue: an answer that arrived before the timer fired but still waits
        // there is read first and cancels this. Sent straight from the timer, a loaded daemon
        // retransmitted what had been answered, and each copy made more work for both ends.
        this.queue.post(() => {
          if (slot.retransmit?.handle !== handle || handle.finished) return;
          this.log.debug({ peer: slot.peer, attempt }, 'retransmitting an unanswered IKE message');
          scope.transmit(bytes);
        });
      },
      giveUp: () => this.queue.post(() => this.giveUp(slot)),
      policy: this.awaitsFinalMessage(slot) ? this.finalLegRetransmitPolicy : this.retransmitPolicy,
      timers: this.clock,
    });
    slot.retransmit = { bytes, handle };
  }

  /**
   * A responder of Quick or Aggressive Mode waiting for message 3: the initiator sends it only
   * once, so our message 2 is all that can bring it again (see finalLegPolicy).
   */
  private awaitsFinalMessage(slot: Slot): boolean {
    return slot.role === 'responder' && (slot.kind === 'quick' || slot.exchange === 'aggressive');
  }

  private async giveUp(slot: Slot): Promise<void> {
    if (slot.outcome || this.slots.get(slot.key) !== slot) return;
    const reason = `no answer from ${slot.peer} after ${slot.retransmit?.handle.transmissions ?? 0} transmissions`;
    if (slot.kind === 'phase1') return this.settle(slot, slot.machine.cancel(reason));
    const { ikeSa, machine } = slot;
    if (machine instanceof QuickModeInitiator) return this.settle(slot, machine.cancel(reason));
    // Message 2 went out several times and message 1 did not come again: the initiator has
    // message 2 and the SAs, and only its message 3 is lost (one loss, against one per
    // retransmission for the other case).
    const assumed = machine.assumeConfirmed();
    if (assumed.length > 0) {
      this.log.warn({ ...this.saFields(ikeSa), msgid: machine.messageId.toString(16) }, `Quick Mode message 3 from ${slot.peer} never came: installing the SAs it confirms`);
      return this.settle(slot, assumed);
    }
    const context = { exchange: 'quick' as const, role: slot.role, peer: ikeSa.remote, cookies: ikeSa.cookies, messageId: machine.messageId };
    await this.settle(slot, [{ kind: 'failed', error: new ExchangeError(undefined, reason, context) }]);
  }

  private async closeSlot(slot: Slot): Promise<void> {
    slot.retransmit?.handle.cancel();
    slot.retransmit = undefined;
    slot.outcome ??= 'failed';
    if (!this.slots.remove(slot)) return;
    if (slot.kind === 'phase1') {
      this.halfOpen.settle(slot.key);
      if (slot.role === 'initiator' && slot.outcome === 'done') this.pacer.established(this.clock.now() - slot.startedAt, this.slots.initiatingPhase1() + 1);
      if (slot.role === 'initiator' && this.phase1Backlog.size > 0) this.queue.post(() => this.startBacklogged());
      if (slot.outcome === 'failed') this.pokeAutoUp();
      return;
    }
    if (slot.request) this.negotiating.delete(slot.request.flow);
    await this.installer.release(slot.spis, slot.used);
    // A failed negotiation of an auto-up flow is retried (keepUp paces it).
    if (slot.outcome === 'failed') this.pokeAutoUp();
  }

  // ---- effects --------------------------------------------------------------------------

  private async apply(effects: readonly Effect[], scope: Scope): Promise<void> {
    for (const e of effects) {
      switch (e.kind) {
        case 'send': scope.transmit(e.bytes); break;
        case 'float-to-nat-t': this.float(scope); break;
        case 'established':
          this.established(e.ikeSa, scope);
          if (this.config().isakmp.keyLog) await this.keyLog?.append(e.ikeSa);
          break;
        case 'ipsec-sa': await this.installIpsec(e.sa, scope); break;
        case 'failed': this.failed(e.error, scope); break;
        case 'ignored': this.log.debug(this.errorFields(e.error), `IKE message dropped: ${e.error.reason}`); break;
        case 'initial-contact': await this.initialContact(scope, e.ikeCookies); break;
        case 'delete-ike-sa': await this.peerDeletedIke(scope.peer, e.cookies); break;
        case 'delete-ipsec-sa': await this.peerDeletedIpsec(scope.peer, e.protocol, e.outboundSpis); break;
        case 'notify': await this.peerNotified(scope, e.notify); break;
      }
    }
  }

  /** RFC 3947 4: this phase 1 moves to port 4500; an initiator moves the peer's port too. */
  private float(scope: Scope): void {
    const slot = scope.slot;
    if (slot?.kind !== 'phase1') return;
    slot.via = 'nat-t';
    if (slot.role === 'initiator') slot.remote = { address: slot.remote.address, port: this.ports.natTPort };
  }

  private established(sa: IkeSa, scope: Scope): void {
    if (scope.slot) scope.slot.outcome = 'done';
    this.table.addIke(sa);
    this.connIds.assignIke(sa);
    const lifetime = sa.expiresAt - sa.createdAt;
    // The initiator renews at 80-85% of the lifetime, the responder only at 88-93% if the
    // initiator has not: the peers do not both start a phase 1.
    const rekeyAt = sa.createdAt + Math.floor(lifetime * ((sa.role === 'initiator' ? 0.8 : 0.88) + 0.05 * this.jitter()));
    // RFC 3948 4: the side behind the NAT keeps its mapping open.
    const keepalive = this.socket && natDetected(sa.natT) && sa.natT.natLocal ? this.socket.startKeepalive(this.ports.route(sa.local, sa.remote).to) : undefined;
    this.ikeDeadlines.add(sa, rekeyAt, keepalive);
    const suite = `${sa.policy.encryption}/${sa.policy.hash}/group ${sa.policy.group}/${sa.policy.lifetime}s`;
    this.log.info({ ...this.saFields(sa), exchange: sa.exchange, role: sa.role, suite, natT: natDetected(sa.natT) }, `IKE SA with ${sa.remote.address} established`);
  }

  private failed(error: ExchangeError, scope: Scope): void {
    if (scope.slot) scope.slot.outcome = 'failed';
    this.log.error(this.errorFields(error), `negotiation failed: ${error.message}`);
  }

  private async installIpsec(negotiated: NegotiatedIpsecSa, scope: Scope): Promise<void> {
    const slot = scope.slot;
    if (slot?.kind !== 'quick') throw new Error('an IPsec SA came from outside a Quick Mode');
    slot.outcome = 'done';
    // What the key manager keeps: once installed, the backend holds the keys.
    const sa = withoutKeys(negotiated);
    const reqid = this.reqids.of(flowKey(sa.remote.address, sa.localProxy, sa.remoteProxy));
    // Soft expiry (the rekey) at 80-88% (initiator) or 90-95% (responder) of the lifetime:
    // the side that negotiated the SA renews it, and the other one then finds the new SA
    // and does not start a second negotiation.
    const softFraction = sa.role === 'initiator' ? 0.8 + 0.08 * this.jitter() : 0.9 + 0.05 * this.jitter();
    try {
      await this.installer.install(negotiated, { reqid, ports: this.ports, softFraction });
    } catch (err) {
      this.log.error({ ...this.saFields(slot.ikeSa), msgid: sa.messageId.toString(16), err: (err as Error).message }, 'cannot install the negotiated IPsec SAs');
      // The peer holds them now: tell it they are gone.
      this.transmitFor(slot.ikeSa, deleteIpsecSaMessage(slot.ikeSa, sa, this.random));
      return;
    }
    for (const p of sa.protocols) slot.used.add(p.protocol);
    this.table.addIpsec(sa);
    this.ipsecIdentity.set(sa, identityKey(slot.ikeSa.remoteId));
    this.connIds.assignIpsec(sa);
    await this.policies.addSa(this.reqids, sa);
    this.log.info({ ...this.saFields(slot.ikeSa), msgid: sa.messageId.toString(16), spis: bundleSpis(sa), mode: sa.mode, map: sa.map && `${sa.map.tag} ${sa.map.seq}` }, `IPsec SA with ${sa.remote.address} established`);
    this.emit('ipsec-sa', sa);
    // An auto-up flow that is up starts over from the first retry wait when it next goes down
    // (a look over every flow here would make N tunnels coming up cost N^2).
    this.autoUp.up(flowKey(sa.remote.address, sa.localProxy, sa.remoteProxy));
  }

  /**
   * RFC 2407 4.6.3.3: the peer holds no other SA with us. What it negotiated as the same
   * identity from the same address before the exchange that said so goes, without Delete
   * (the peer forgot them). Another identity on that host (charon sends INITIAL-CONTACT with
   * the first IKE SA of each), and what was negotiated meanwhile, stay.
   */
  private async initialContact(scope: Scope, cookies: CookiePair): Promise<void> {
    const fresh = this.table.ikeByCookies(cookies);
    if (!fresh) return;
    const since = scope.slot?.startedAt ?? fresh.createdAt;
    const identity = identityKey(fresh.remoteId);
    const key = cookieKey(cookies);
    const ipsec = this.table.ipsecForPeer(scope.peer)
      .filter((sa) => this.ipsecIdentity.get(sa) === identity && cookieKey(sa.ikeCookies) !== key && sa.createdAt < since);
    const ike = this.table.ikeForPeer(scope.peer)
      .filter((sa) => identityKey(sa.remoteId) === identity && cookieKey(sa.cookies) !== key && sa.createdAt < since);
    // Every first contact says it: only one that removes something is news at info level, and
    // the others' record is made only when debugging.
    const level = ipsec.length + ike.length > 0 ? 'info' : 'debug';
    if (this.log.isLevelEnabled(level)) {
      this.log[level]({ peer: scope.peer, cookies: hexCookies(cookies) },
        `INITIAL-CONTACT from ${scope.peer}: removing its ${ike.length} older IKE and ${ipsec.length} older IPsec SAs`);
    }
    for (const sa of ipsec) await this.removeIpsec(sa, false, 'peer sent INITIAL-CONTACT');
    for (const sa of ike) await this.removeIke(sa, false, 'peer sent INITIAL-CONTACT');
  }

  private async peerDeletedIke(peer: string, cookies: CookiePair): Promise<void> {
    const sa = this.table.ikeByCookies(cookies);
    if (sa && sa.remote.address === peer) await this.removeIke(sa, false, 'deleted by the peer');
  }

  private async peerDeletedIpsec(peer: string, protocol: IpsecProtocol, spis: readonly Buffer[]): Promise<void> {
    for (const spi of spis) {
      const sa = this.table.ipsecByOutboundSpi(protocol, spi);
      if (sa && sa.remote.address === peer) await this.removeIpsec(sa, false, 'deleted by the peer');
    }
  }

  /**
   * A notification outside an exchange. An error naming a Quick Mode's SPI ends that Quick
   * Mode. An error after we resent a Quick Mode's message 2 says the initiator cannot read it
   * any more: it finished the exchange (charon does so), and only its message 3 was lost.
   */
  private async peerNotified(scope: Scope, notify: ReceivedNotify): Promise<void> {
    const name = notifyName(notify.notifyType);
    this.log.info({ peer: scope.peer, notify: name, spi: notify.spi.toString('hex') }, `${scope.peer} sent ${name}`);
    if (!isErrorNotify(notify.notifyType) || !scope.ikeSa) return;
    for (const slot of this.slots.quickUnder(scope.ikeSa)) {
      const { machine } = slot;
      if (machine instanceof QuickModeInitiator) {
        if ([...machine.inboundSpis.values()].some((spi) => spi.equals(notify.spi))) await this.settle(slot, machine.cancel(`peer refused with ${name}`));
      } else if ((slot.retransmit?.handle.transmissions ?? 0) > 1) {
        this.log.warn({ ...this.saFields(scope.ikeSa), msgid: machine.messageId.toString(16) }, `${scope.peer} no longer reads Quick Mode message 2: installing the SAs its lost message 3 confirmed`);
        await this.settle(slot, machine.assumeConfirmed());
      }
    }
  }

  // ---- starting negotiations ------------------------------------------------------------

  /** The kernel (or a ping through the memory backend) needs an SA for a crypto map's traffic. */
  private async acquired(ev: AcquireEvent): Promise<void> {
    const config = this.config();
    const origin = this.policies.originOf(ev.selector);
    if (!config.isakmp.enabled || !origin) {
      this.log.debug({ src: ev.src, dst: ev.dst, reqid: ev.reqid }, 'ACQUIRE not acted on (IKE disabled or no crypto map line)');
      return;
    }
    const request = this.requestFor(config, origin);
    if (!request) return;
    this.log.debug({ peer: origin.peer, map: `${origin.tag} ${origin.seq}` }, 'ACQUIRE: negotiating an IPsec SA');
    await this.requestQuickMode(request);
  }

  /** The Quick Mode a crypto map line calls for (undefined, and a warning, when it cannot be offered). */
  private requestFor(config: Readonly<Config>, origin: PolicyOrigin): QuickModeRequest | undefined {
    const entry = entryOf(config, origin);
    if (!entry) return undefined;
    const result = phase2Offer(config, this.engine, { tag: origin.tag, seq: origin.seq, entry }, origin.line);
    if (!result.ok) {
      this.log.warn({ peer: origin.peer, map: `${origin.tag} ${origin.seq}` }, `cannot negotiate for crypto map ${origin.tag} ${origin.seq}: ${result.reason}`);
      return undefined;
    }
    const { offer } = result;
    return { peer: origin.peer, local: origin.local, offer, flow: flowKey(origin.peer, offer.localProxy, offer.remoteProxy) };
  }

  /**
   * `set auto-up`: every permit line of such an entry, on an interface, has its tunnel up or
   * being negotiated, without waiting for traffic (AutoUpSchedule paces the retries).
   */
  private async keepUp(): Promise<void> {
    this.autoUpTimer?.();
    this.autoUpTimer = undefined;
    const config = this.config();
    // Without auto-up entries there is nothing to keep up, and the walk below is per line.
    if (this.closed || !config.isakmp.enabled || !hasAutoUp(config)) return;
    const requests = new Map<string, QuickModeRequest>();
    for (const origin of this.policies.origins()) {
      if (origin.line.action !== 'permit' || !entryOf(config, origin)?.autoUp) continue;
      const request = this.requestFor(config, origin);
      if (request) requests.set(request.flow, request);
    }
    const states = new Map<string, FlowState>();
    for (const [flow, request] of requests) {
      const up = this.table.ipsecForPeer(request.peer).some((sa) => flowKey(request.peer, sa.localProxy, sa.remoteProxy) === flow);
      states.set(flow, up ? 'up' : this.negotiating.has(flow) ? 'negotiating' : 'down');
    }
    const plan = this.autoUp.plan(states, this.clock.now());
    for (const flow of plan.start) {
      const request = requests.get(flow) as QuickModeRequest;
      this.log.info({ peer: request.peer, map: `${request.offer.ref.tag} ${request.offer.ref.seq}` }, `auto-up: negotiating the tunnel with ${request.peer}`);
      await this.requestQuickMode(request);
    }
    if (plan.nextAt !== undefined) this.autoUpTimer = armAt(this.clock, plan.nextAt, () => this.queue.post(() => this.keepUp()));
  }

  /** An SA came or went, or a negotiation failed: keepUp looks, if any entry has `set auto-up`. */
  private pokeAutoUp(): void {
    if (this.autoUpPosted || !hasAutoUp(this.config())) return;
    this.autoUpPosted = true;
    this.queue.post(() => {
      this.autoUpPosted = false;
      return this.keepUp();
    });
  }

  /** A Quick Mode for a flow: now under the newest IKE SA, or after a phase 1 (one per peer at a time). */
  private async requestQuickMode(request: QuickModeRequest): Promise<void> {
    if (this.negotiating.has(request.flow)) return;
    this.negotiating.add(request.flow);
    const ikeSa = this.table.ikeForPeer(request.peer)[0];
    if (ikeSa) {
      await this.startQuickMode(ikeSa, request);
      return;
    }
    const queue = this.waiting.get(request.peer) ?? [];
    queue.push(request);
    this.waiting.set(request.peer, queue);
    if (this.slots.phase1Count(request.peer) > 0 || this.phase1Backlog.has(request.peer)) return;
    if (this.slots.initiatingPhase1() < this.pacer.window) await this.startPhase1(request.peer, request.local);
    else this.phase1Backlog.set(request.peer, request.local);
  }

  /** Phase 1s that waited for a place in the pacer's window start, oldest first. */
  private async startBacklogged(): Promise<void> {
    for (const [peer, local] of this.phase1Backlog) {
      if (this.closed || this.slots.initiatingPhase1() >= this.pacer.window) return;
      this.phase1Backlog.delete(peer);
      this.dropUnconfigured(peer);
      // Its Quick Modes may have gone meanwhile, or another phase 1 with the peer begun.
      if (this.waiting.has(peer) && this.slots.phase1Count(peer) === 0) await this.startPhase1(peer, local);
    }
  }

  /** Drops a peer's waiting Quick Modes whose crypto map entry the operator removed (or changed) while they waited. */
  private dropUnconfigured(peer: string): void {
    const queue = this.waiting.get(peer);
    if (!queue) return;
    const config = this.config();
    const kept = queue.filter((request) => {
      if (stillConfigured(config, request)) return true;
      this.negotiating.delete(request.flow);
      this.log.info({ peer, map: `${request.offer.ref.tag} ${request.offer.ref.seq}` }, `no negotiation with ${peer}: its crypto map entry went while it waited`);
      return false;
    });
    if (kept.length > 0) this.waiting.set(peer, kept);
    else this.waiting.delete(peer);
  }

  private async startPhase1(peer: string, local: string): Promise<void> {
    const config = this.config();
    const plan = phase1Plan(config, peer);
    // Tell a peer we hold nothing with it (after a reboot) so it drops what it still holds.
    const options: Phase1Options = {
      initialContact: this.table.ikeForPeer(peer).length === 0 && this.table.ipsecForPeer(peer).length === 0 && this.slots.phase1Count(peer) === 0,
    };
    const ctx: Phase1Context = { ...this.services(config), local: { address: local, port: IKE_PORT }, remote: { address: peer, port: IKE_PORT } };
    const machine = plan.mode === 'aggressive' ? new AggressiveModeInitiator(ctx, options) : new MainModeInitiator(ctx, options);
    const effects = machine.start();
    const slot: Phase1Slot = {
      kind: 'phase1', key: phase1Key(peer, machine.cookies.initiator), peer, local, role: 'initiator', exchange: plan.mode, machine,
      remote: { address: peer, port: this.ports.ikePort }, via: 'ike', received: 0, startedAt: this.clock.now(),
    };
    this.slots.add(slot);
    this.log.debug({ peer, cookies: hexCookies(machine.cookies) }, `initiating ${plan.mode} mode with ${peer}`);
    await this.settle(slot, effects);
  }

  /** After a phase 1 with `peer` ended: the Quick Modes waiting for it go, or are dropped. */
  private async afterPhase1(peer: string): Promise<void> {
    if (this.slots.phase1Count(peer) > 0) return;
    const queue = this.waiting.get(peer);
    if (!queue) return;
    this.waiting.delete(peer);
    const ikeSa = this.table.ikeForPeer(peer)[0];
    for (const request of queue) {
      if (ikeSa) await this.startQuickMode(ikeSa, request);
      else {
        this.negotiating.delete(request.flow);
        this.log.warn({ peer, map: `${request.offer.ref.tag} ${request.offer.ref.seq}` }, `no IPsec SA with ${peer}: phase 1 did not complete`);
      }
    }
  }

  private async startQuickMode(ikeSa: IkeSa, request: QuickModeRequest): Promise<void> {
    const protocols = [...new Set(request.offer.proposals.flatMap((p) => p.suites.map((s) => s.protocol)))];
    let spis: ReservedSpis;
    try {
      spis = await this.installer.reserve(ikeSa.remote.address, ikeSa.local.address, protocols);
    } catch (err) {
      this.negotiating.delete(request.flow);
      this.log.error({ ...this.saFields(ikeSa), err: (err as Error).message }, 'cannot reserve inbound SPIs: Quick Mode not started');
      return;
    }
    const machine = new QuickModeInitiator({ ...this.services(this.config()), ikeSa, inboundSpi: (p) => reservedSpi(spis, p) }, request.offer);
    const slot: QuickSlot = {
      kind: 'quick', key: quickKey(ikeSa.cookies, machine.messageId), peer: ikeSa.remote.address, role: 'initiator', ikeSa, machine, spis,
      used: new Set(), request, startedAt: this.clock.now(),
    };
    this.slots.add(slot);
    if (this.log.isLevelEnabled('debug')) this.log.debug({ ...this.saFields(ikeSa), msgid: machine.messageId.toString(16) }, 'starting Quick Mode');
    await this.settle(slot, machine.start());
  }

  // ---- lifetimes and removal --------------------------------------------------------------

  /** A new phase 1 before this IKE SA expires, when it is the newest one and protects something. */
  private async rekeyIke(sa: IkeSa): Promise<void> {
    const peer = sa.remote.address;
    if (this.table.ikeForPeer(peer)[0] !== sa || this.slots.phase1Count(peer) > 0 || this.table.ipsecForPeer(peer).length === 0) return;
    this.log.info(this.saFields(sa), `rekeying the IKE SA with ${peer}`);
    await this.startPhase1(peer, sa.local.address);
  }

  private async expired(ev: ExpireEvent): Promise<void> {
    const sa = this.ipsecOfKernelSa(ev.sa);
    if (!sa) return;
    if (ev.hard) {
      await this.removeIpsec(sa, true, 'lifetime expired');
      return;
    }
    if (this.rekeyed.has(sa)) return;
    this.rekeyed.add(sa);
    const peer = sa.remote.address;
    const flow = flowKey(peer, sa.localProxy, sa.remoteProxy);
    // The peer renewed it first: its new SA is already here.
    if (this.table.ipsecForPeer(peer).some((o) => o.createdAt > sa.createdAt && flowKey(peer, o.localProxy, o.remoteProxy) === flow)) return;
    const offer = renewalOffer(this.config(), this.engine, sa);
    if (!offer) {
      this.log.warn({ peer, map: sa.map && `${sa.map.tag} ${sa.map.seq}` }, `cannot rekey the IPsec SA with ${peer}: its crypto map entry is gone or unusable`);
      return;
    }
    this.log.info({ peer, msgid: sa.messageId.toString(16) }, `rekeying the IPsec SA with ${peer}`);
    await this.requestQuickMode({ peer, local: sa.local.address, offer, flow });
  }

  /** The bundle a kernel SA belongs to (by SPI, checked against its destination). */
  private ipsecOfKernelSa(id: SaId): IpsecSa | undefined {
    const spi = spiBuffer(id.spi);
    const inbound = this.table.ipsecByInboundSpi(id.proto, spi);
    if (inbound && inbound.local.address === id.dst) return inbound;
    const outbound = this.table.ipsecByOutboundSpi(id.proto, spi);
    return outbound && outbound.remote.address === id.dst ? outbound : undefined;
  }

  private async removeIke(sa: IkeSa, tellPeer: boolean, reason: string): Promise<void> {
    if (this.table.ikeByCookies(sa.cookies) !== sa) return;
    if (tellPeer) this.transmitFor(sa, deleteIkeSaMessage(sa, this.random));
    this.table.removeIke(sa.cookies);
    this.ikeDeadlines.remove(sa);
    this.connIds.forgetIke(sa);
    for (const slot of this.slots.quickUnder(sa)) await this.closeSlot(slot);
    this.log.info(this.saFields(sa), `IKE SA with ${sa.remote.address} deleted: ${reason}`);
  }

  private async removeIpsec(sa: IpsecSa, tellPeer: boolean, reason: string): Promise<void> {
    const first = sa.protocols[0];
    if (!first || this.table.ipsecByInboundSpi(first.protocol, first.inbound.spi) !== sa) return;
    if (tellPeer) {
      const ikeSa = this.table.ikeByCookies(sa.ikeCookies) ?? this.table.ikeForPeer(sa.remote.address)[0];
      if (ikeSa) this.transmitFor(ikeSa, deleteIpsecSaMessage(ikeSa, sa, this.random));
    }
    this.table.removeIpsec(sa);
    await this.installer.remove(sa);
    await this.policies.removeSa(this.reqids, sa);
    this.log.info({ peer: sa.remote.address, spis: bundleSpis(sa) }, `IPsec SA with ${sa.remote.address} deleted: ${reason}`);
    // An auto-up tunnel that went down comes up again.
    this.pokeAutoUp();
  }
}

function hasAutoUp(config: Readonly<Config>): boolean {
  return config.cryptoMaps.some((m) => m.entries.some((e) => e.autoUp));
}

/** Crypto map entries by "tag seq", per frozen list of crypto maps (the router's are: built once for each). */
const entryIndexes = new WeakMap<readonly CryptoMap[], Map<string, CryptoMapEntry>>();

function entryOf(config: Readonly<Config>, origin: { readonly tag: string; readonly seq: number }): CryptoMapEntry | undefined {
  if (!Object.isFrozen(config.cryptoMaps)) return config.cryptoMaps.find((m) => m.tag === origin.tag)?.entries.find((e) => e.seq === origin.seq);
  let index = entryIndexes.get(config.cryptoMaps);
  if (!index) {
    index = new Map();
    for (const m of config.cryptoMaps) for (const e of m.entries) index.set(`${m.tag} ${e.seq}`, e);
    entryIndexes.set(config.cryptoMaps, index);
  }
  return index.get(`${origin.tag} ${origin.seq}`);
}

/** Whether the crypto map entry a request came from is still applied and still names its peer. */
function stillConfigured(config: Readonly<Config>, request: QuickModeRequest): boolean {
  const { ref } = request.offer;
  const { dynamic } = ref;
  // Dynamic map entries are few: the responder's lookup decides. Static ones, thousands on a hub, go by the index.
  if (dynamic) return responderEntries(config, request.local, request.peer).some((r) => r.tag === ref.tag && r.seq === ref.seq && r.dynamic?.tag === dynamic.tag && r.dynamic.seq === dynamic.seq);
  const entry = entryOf(config, ref);
  return entry !== undefined && entry.dynamicMap === undefined && config.interfaces.some((i) => i.cryptoMap === ref.tag) && entryNamesPeer(config, entry, request.peer);
}

function reservedSpi(spis: ReservedSpis, protocol: IpsecProtocol): Buffer {
  const spi = spis.spis.get(protocol);
  if (spi === undefined) throw new Error(`no ${protocol} SPI was reserved for this Quick Mode`);
  return spiBuffer(spi);
}

/**
 * Keeps the engine registry in step with the crypto cards the kernel has (`ikegated --card
 * auto`): the algorithm table is read at start, again shortly after every device event that
 * may add or take away a card (hot-plug on the PCI bus, a driver bound or unbound, a module
 * loaded or unloaded), and slowly on a timer in case an event was missed. Each read is
 * classified by proc-crypto.ts; cards that appear are inserted into the registry and cards
 * that are gone are removed, so the registry's insertion and removal events fire on a real
 * hot-plug.
 *
 * A driver registers its algorithms in its probe, after the bus announced the device, and a
 * busy (or emulated) machine may take a while: so a device event is followed by a few reads,
 * further apart each time, and any later event starts that sequence again.
 */
import { systemClock, type BackendClock } from '../kernel/backend-clock';
import { DeviceMonitor, readCryptoTable, type DeviceEvent } from '../native/crypto-discovery';
import type { CryptoEngine } from './engine';
import type { EngineRegistry } from './engine-registry';
import { engineFromProcCrypto } from './proc-crypto';

/** Where the kernel's facts come from; tests give a fake one. */
export interface CryptoDiscoverySource {
  /** The text of /proc/crypto. */
  readTable(): Promise<string>;
  /** Starts delivering device events; the result stops them. */
  watch(onEvents: (events: DeviceEvent[]) => void): { close(): void };
}

export interface DiscoveryLog {
  warn(fields: Record<string, unknown>, message: string): void;
}

export interface DiscoveryOptions {
  clock?: BackendClock;
  log?: DiscoveryLog;
}

/** Reads after a device event, in milliseconds after it (each from the event, not from the previous read). */
export const SETTLE_READS_MS: readonly number[] = [300, 1_000, 3_000, 8_000];
/** The fallback for events the kernel dropped or never sent (a driver loaded by hand). */
export const PERIODIC_RESCAN_MS = 60_000;

/** Buses and objects whose coming and going can add or remove a crypto card. */
const CARD_SUBSYSTEMS = new Set(['pci', 'virtio', 'platform', 'usb', 'module']);
const CARD_ACTIONS = new Set(['add', 'remove', 'bind', 'unbind']);

/** True when the event may change the kernel's set of crypto cards ("overrun": some were lost). */
export function mayChangeCards(e: DeviceEvent): boolean {
  if ('type' in e) return false;
  if (e.action === 'overrun') return true;
  return CARD_ACTIONS.has(e.action) && e.subsystem !== undefined && CARD_SUBSYSTEMS.has(e.subsystem);
}

/** The kernel's own source: /proc/crypto on the threadpool, uevents through the addon. */
export const kernelCryptoSource: CryptoDiscoverySource = {
  readTable: () => readCryptoTable(),
  watch: (onEvents) => new DeviceMonitor(onEvents).unref(),
};

export class KernelCryptoDiscovery {
  private readonly clock: BackendClock;
  private readonly log: DiscoveryLog | undefined;
  /** Cards this discovery put into the registry, by id. */
  private readonly owned = new Map<string, CryptoEngine>();
  private readonly settleTimers: unknown[] = [];
  private periodic: unknown;
  private watcher: { close(): void } | undefined;
  private scanning: Promise<void> | undefined;
  private again = false;
  private closed = false;
  private lastError: string | undefined;

  constructor(private readonly hw: EngineRegistry, private readonly source: CryptoDiscoverySource, options: DiscoveryOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.log = options.log;
  }

  /**
   * Reads the table once (cards present at boot are in the registry when this resolves, so
   * boot-time warnings see them), then watches. Rejects when neither works.
   */
  async start(): Promise<void> {
    this.watcher = this.source.watch((events) => {
      for (const e of events) {
        if ('type' in e) this.log?.warn({ err: e.error.message }, 'device events lost: cards are found by the periodic rescan only');
      }
      if (events.some(mayChangeCards)) this.settle();
    });
    try {
      this.apply(await this.source.readTable());
    } catch (err) {
      this.close();
      throw err;
    }
    this.armPeriodic();
  }

  /** Reads the table now (one read at a time: a request during a read runs once after it). */
  rescan(): Promise<void> {
    if (this.scanning) {
      this.again = true;
      return this.scanning;
    }
    this.scanning = (async () => {
      do {
        this.again = false;
        let table: string;
        try {
          table = await this.source.readTable();
        } catch (err) {
          // Said once per kind of failure: the next read may well work.
          const message = (err as Error).message;
          if (message !== this.lastError) this.log?.warn({ err: message }, 'cannot read the kernel crypto algorithm table');
          this.lastError = message;
          continue;
        }
        this.lastError = undefined;
        this.apply(table);
      } while (this.again && !this.closed);
    })().finally(() => {
      this.scanning = undefined;
    });
    return this.scanning;
  }

  close(): void {
    this.closed = true;
    this.watcher?.close();
    this.watcher = undefined;
    this.cancelSettle();
    if (this.periodic !== undefined) this.clock.clearTimeout(this.periodic);
    this.periodic = undefined;
  }

  private settle(): void {
    this.cancelSettle();
    for (const ms of SETTLE_READS_MS) this.settleTimers.push(this.clock.setTimeout(() => void this.rescan(), ms));
  }

  private cancelSettle(): void {
    for (const t of this.settleTimers.splice(0)) this.clock.clearTimeout(t);
  }

  private armPeriodic(): void {
    this.periodic = this.clock.setTimeout(() => {
      if (this.closed) return;
      void this.rescan().then(() => {
        if (!this.closed) this.armPeriodic();
      });
    }, PERIODIC_RESCAN_MS);
  }

  /** Removes the cards that are gone or changed, then inserts the new and changed ones. */
  private apply(table: string): void {
    if (this.closed) return;
    const found = new Map(engineFromProcCrypto(table).map((e) => [e.id, e]));
    for (const [id, card] of [...this.owned]) {
      const now = found.get(id);
      if (now && sameCapabilities(card, now)) {
        found.delete(id);
        continue;
      }
      this.owned.delete(id);
      this.hw.removeCard(id);
    }
    for (const [id, card] of found) {
      // A card of the same id inserted otherwise (--card PROFILE) stays as it is.
      if (this.hw.engines().some((e) => e.id === id)) continue;
      this.owned.set(id, card);
      this.hw.insertCard(card);
    }
  }
}

function sameCapabilities(a: CryptoEngine, b: CryptoEngine): boolean {
  const same = <T>(x: ReadonlySet<T>, y: ReadonlySet<T>): boolean => x.size === y.size && [...x].every((v) => y.has(v));
  return same(a.ciphers, b.ciphers) && same(a.hashes, b.hashes) && same(a.dhGroups, b.dhGroups) && same(a.asymmetric, b.asymmetric);
}

import type { Logger } from 'pino';
import { createDraft, finishDraft, original, type Draft } from 'immer';
import type { Config } from '../config/model';
import { emptyConfig } from '../config/model';
import type { EngineRegistry } from '../hw/engine-registry';
import type { KeyStore } from '../keys/key-store';
import type { StartupStore } from '../config/startup-store';
import type { KeyManager } from '../ike/key-manager/key-manager';
import type { NetApplier } from '../net/net-applier';

/** What commands reach beyond the configuration. */
export interface RouterServices {
  readonly hw: EngineRegistry;
  readonly keys: KeyStore;
  readonly startup: StartupStore;
  /** IKE: SAs, negotiations and the SA backend, for the operator commands. */
  readonly ike: KeyManager;
  readonly log: Logger;
  /** Product version shown by `show version` and the running-config header. */
  readonly version: string;
  /**
   * The kernel's interfaces and routes, when the daemon runs on a real kernel backend: interface
   * and route commands apply their change there first and are refused if the kernel refuses.
   */
  readonly net?: NetApplier;
}

/**
 * The one configuration every session shares. It is immutable: a command edits a
 * copy-on-write draft (cost proportional to what it changes, not to the config's size), and
 * `commit` swaps the result in only if nobody else committed since the draft was taken, so
 * concurrent sessions never lose each other's changes.
 */
export class Router {
  private current: Config = emptyConfig();
  private generation = 0;
  private readonly listeners = new Set<(text: string) => void>();
  private readonly changeListeners = new Set<(before: Config, after: Config) => void>();

  constructor(readonly services: RouterServices) {
    // `[no] crypto engine accelerator` drives the engine registry (idempotent when unchanged).
    this.onChange((_before, after) => services.hw.setAcceleratorEnabled(after.engineAccelerator));
  }

  get config(): Readonly<Config> {
    return this.current;
  }

  get revision(): number {
    return this.generation;
  }

  /** A private working copy for one command. */
  draft(): Draft<Config> {
    return createDraft(this.current);
  }

  /**
   * Adopt a draft taken at `revision`: 'unchanged' when the command changed nothing,
   * 'conflict' when another session committed meanwhile (the draft is dropped).
   */
  commit(draft: Draft<Config>, revision: number): 'committed' | 'unchanged' | 'conflict' {
    const base = original(draft);
    const next = finishDraft(draft) as Config;
    if (next === base) return 'unchanged';
    if (revision !== this.generation) return 'conflict';
    const before = this.current;
    this.current = next;
    this.generation++;
    for (const l of this.changeListeners) l(before, next);
    return 'committed';
  }

  onChange(listener: (before: Config, after: Config) => void): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  /** A message for every console session (like IOS logging to the console). */
  broadcast(text: string): void {
    for (const l of this.listeners) l(text);
  }

  onBroadcast(listener: (text: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

import type { Logger } from 'pino';
import { createDraft, finishDraft, freeze, original, type Draft } from 'immer';
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
  /** During `inPlace`: the mutable copy every command changes directly. */
  private working: Config | undefined;
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

  /** A private working copy for one command (during `inPlace`, the shared mutable copy). */
  draft(): Draft<Config> {
    return this.working ?? createDraft(this.current);
  }

  /**
   * Runs `fn` (a boot-time load, with no other session) with every command changing one
   * mutable copy of the configuration in place, and adopts the copy once at the end if `fn`
   * returns true and `check(before, after)` resolves. A per-command copy-on-write commit costs
   * as much as the lists it touches, which makes a configuration of N map entries load in N^2;
   * in place it loads in N. A command that fails here may have changed the copy already, so
   * `fn` must answer false then and the caller load again command by command.
   */
  async inPlace(fn: () => Promise<boolean>, check: (before: Config, after: Config) => Promise<void>): Promise<boolean> {
    if (this.working) throw new Error('internal: nested in-place configuration load');
    const before = this.current;
    const working = mutableCopy(before);
    this.working = working;
    try {
      if (!(await fn())) return false;
    } finally {
      this.working = undefined;
    }
    if (this.current !== before) throw new Error('internal: configuration committed during an in-place load');
    await check(before, working);
    this.current = freeze(working, true);
    this.generation++;
    for (const l of this.changeListeners) l(before, this.current);
    return true;
  }

  /**
   * Adopt a draft taken at `revision`: 'unchanged' when the command changed nothing,
   * 'conflict' when another session committed meanwhile (the draft is dropped).
   */
  commit(draft: Draft<Config>, revision: number): 'committed' | 'unchanged' | 'conflict' {
    if (draft === this.working) return 'committed';
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

/** A deep copy of the plain objects and arrays of `value` (other objects, e.g. Buffers, are shared: commands replace them, never change them). */
function mutableCopy<T>(value: T): T {
  if (Array.isArray(value)) return value.map(mutableCopy) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const copy: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) copy[k] = mutableCopy(v);
    return copy as T;
  }
  return value;
}

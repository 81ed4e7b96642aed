import type { Logger } from 'pino';
import type { Config } from '../config/model';
import { emptyConfig } from '../config/model';
import type { EngineRegistry } from '../hw/engine-registry';
import type { KeyStore } from '../keys/key-store';
import type { StartupStore } from '../config/startup-store';

/** What commands reach beyond the configuration. */
export interface RouterServices {
  readonly hw: EngineRegistry;
  readonly keys: KeyStore;
  readonly startup: StartupStore;
  readonly log: Logger;
  /** Product version shown by `show version` and the running-config header. */
  readonly version: string;
}

/**
 * The one configuration every session shares. Commands edit a copy; `commit` swaps it in
 * only if nobody else committed since the copy was taken, so concurrent sessions never
 * lose each other's changes.
 */
export class Router {
  private current: Config = emptyConfig();
  private generation = 0;
  private readonly listeners = new Set<(text: string) => void>();
  private readonly changeListeners = new Set<(before: Config, after: Config) => void>();

  constructor(readonly services: RouterServices) {}

  get config(): Readonly<Config> {
    return this.current;
  }

  get revision(): number {
    return this.generation;
  }

  /** A private working copy for one command. */
  draft(): Config {
    return structuredClone(this.current);
  }

  /** Replace the configuration; false if another session committed since `revision`. */
  commit(next: Config, revision: number): boolean {
    if (revision !== this.generation) return false;
    const before = this.current;
    this.current = next;
    this.generation++;
    for (const l of this.changeListeners) l(before, next);
    return true;
  }

  /** Start over from an empty configuration (boot). */
  reset(): void {
    this.commit(emptyConfig(), this.generation);
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

/**
 * The one place that answers "can the active crypto engine do X?".
 *
 * Semantics:
 * - With no card inserted, or with the accelerator switched off (`no crypto engine
 *   accelerator`), the software engine is active and answers everything.
 * - With the accelerator on and a card present, the card inserted first (still present)
 *   is the active engine. For each class of work (bulk ciphers, HMAC, DH, public key) it
 *   offers, only what it lists is usable: configured methods it lacks are ignored in
 *   negotiation and warned about (the seed's "encryption hardware does not support...").
 * - A class the card offers nothing of at all (virtio-crypto has no HMAC and no DH) stays
 *   on the software engine, rather than making every policy unusable.
 * Further cards are standby engines: listed and shown, never consulted.
 * - Whatever the engine, an IPsec transform whose SAs the kernel SA interface cannot install
 *   (sa-interface.ts) is not negotiable either, and warned about like a method the card lacks.
 */
import { EventEmitter } from 'node:events';
import type { CipherCapability, DhGroup, IkeHash } from '../config/algorithms';
import type { Transform } from '../config/model';
import {
  offersClass, softwareEngine, type AsymmetricAlgorithm, type CapabilityClass, type CryptoEngine,
} from './engine';
import { SA_INTERFACE_NAMES, transformAlgorithms, type SaInterface } from './sa-interface';

export interface EngineRegistryEvents {
  'card-inserted': [card: CryptoEngine];
  'card-removed': [card: CryptoEngine];
  /** After every change of cards or of the accelerator switch, with the active engine. */
  changed: [active: CryptoEngine];
}

export class EngineRegistry extends EventEmitter<EngineRegistryEvents> {
  readonly software: CryptoEngine = softwareEngine();
  private readonly cards: CryptoEngine[] = [];
  private acceleratorEnabled = true;
  private saInterface: SaInterface | undefined;

  /** Adds a hardware engine; emits 'card-inserted' then 'changed'. */
  insertCard(card: CryptoEngine): void {
    if (card.kind !== 'hardware') throw new Error(`engine "${card.id}" is not a hardware card`);
    if (this.cards.some((c) => c.id === card.id)) throw new Error(`card "${card.id}" is already inserted`);
    this.cards.push(card);
    this.emit('card-inserted', card);
    this.emit('changed', this.activeEngine());
  }

  /** Removes a card by id; emits 'card-removed' then 'changed'. Undefined when absent. */
  removeCard(id: string): CryptoEngine | undefined {
    const card = this.cards.find((c) => c.id === id);
    if (!card) return undefined;
    this.cards.splice(this.cards.indexOf(card), 1);
    this.emit('card-removed', card);
    this.emit('changed', this.activeEngine());
    return card;
  }

  /** `crypto engine accelerator` (true, the default) / `no crypto engine accelerator`. */
  setAcceleratorEnabled(enabled: boolean): void {
    if (enabled === this.acceleratorEnabled) return;
    this.acceleratorEnabled = enabled;
    this.emit('changed', this.activeEngine());
  }

  isAcceleratorEnabled(): boolean {
    return this.acceleratorEnabled;
  }

  /** The card doing the work when one is enabled, else the software engine. */
  activeEngine(): CryptoEngine {
    return (this.acceleratorEnabled ? this.cards[0] : undefined) ?? this.software;
  }

  /** Software engine first, then cards in insertion order. */
  engines(): CryptoEngine[] {
    return [this.software, ...this.cards];
  }

  /** The engine that answers for a class of work (see the semantics above). */
  engineFor(cls: CapabilityClass): CryptoEngine {
    const active = this.activeEngine();
    return offersClass(active, cls) ? active : this.software;
  }

  canEncrypt(cap: CipherCapability): boolean {
    return this.engineFor('cipher').ciphers.has(cap);
  }

  canHash(hash: IkeHash): boolean {
    return this.engineFor('hash').hashes.has(hash);
  }

  canDh(group: DhGroup): boolean {
    return this.engineFor('dh').dhGroups.has(group);
  }

  canAsymmetric(alg: AsymmetricAlgorithm): boolean {
    return this.engineFor('asymmetric').asymmetric.has(alg);
  }

  /** The SA backend the negotiated SAs go to (the daemon sets it before the configuration loads). */
  useSaInterface(backend: SaInterface): void {
    this.saInterface = backend;
  }

  /** The kernel SA interface's name ("PF_KEY") when it cannot install SAs of an IPsec transform. */
  refusingSaInterface(t: Readonly<Transform>): string | undefined {
    const backend = this.saInterface;
    return backend?.algorithmProblem?.(transformAlgorithms(t)) === undefined ? undefined : SA_INTERFACE_NAMES[backend.kind];
  }

  canInstall(t: Readonly<Transform>): boolean {
    return this.refusingSaInterface(t) === undefined;
  }
}

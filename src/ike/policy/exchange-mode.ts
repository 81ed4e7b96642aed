import type { Config } from '../../config/model';
import { presharedKeyFor, type PresharedKeyMatch } from './preshared-key';

export type Phase1Mode = 'main' | 'aggressive';

export interface Phase1Plan {
  readonly mode: Phase1Mode;
  /** Undefined when no key is configured for the peer: no pre-share policy can be offered. */
  readonly key: PresharedKeyMatch | undefined;
}

/**
 * How to open phase 1 with a peer (seed, "IKE Main Mode and Aggressive Mode"): main mode by
 * default; aggressive mode when the only key for the peer is one tied to its hostname, which
 * main mode cannot use because the responder must pick the key before it sees any ID.
 */
export function phase1Plan(config: Readonly<Config>, peerAddress: string): Phase1Plan {
  const key = presharedKeyFor(config, { address: peerAddress });
  return { mode: key?.via === 'hostname' ? 'aggressive' : 'main', key };
}

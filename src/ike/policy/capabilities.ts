import type { CipherCapability, DhGroup, IkeHash } from '../../config/algorithms';
import type { Transform } from '../../config/model';

/**
 * The engine questions negotiation asks (src/hw/engine-registry.ts answers them). Methods
 * the active engine cannot do are neither offered nor accepted (seed: "they are ignored
 * whenever an attempt to negotiate with the peer is made").
 */
export interface CapabilityOracle {
  canEncrypt(cap: CipherCapability): boolean;
  canHash(hash: IkeHash): boolean;
  canDh(group: DhGroup): boolean;
  /** Whether the kernel SA interface can install SAs of an IPsec transform (PF_KEY: not esp-sha256-hmac). */
  canInstall(t: Readonly<Transform>): boolean;
}

/** What phase 1 asks: the IKE SA never reaches the kernel. */
export type Phase1CapabilityOracle = Omit<CapabilityOracle, 'canInstall'>;

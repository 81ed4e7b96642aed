import type { CipherCapability, DhGroup, IkeHash } from '../../config/algorithms';

/**
 * The engine questions negotiation asks (src/hw/engine-registry.ts answers them). Methods
 * the active engine cannot do are neither offered nor accepted (seed: "they are ignored
 * whenever an attempt to negotiate with the peer is made").
 */
export interface CapabilityOracle {
  canEncrypt(cap: CipherCapability): boolean;
  canHash(hash: IkeHash): boolean;
  canDh(group: DhGroup): boolean;
}

import { PayloadType } from './constants';
import { decodeOpaque } from './opaque';

/**
 * RFC 3947 3.2 NAT-D: HASH(CKY-I | CKY-R | IP | Port). Peers speaking the NAT-T drafts
 * number it 130, so the type is kept to answer in the dialect they used.
 */
export interface NatDiscoveryPayload {
  readonly type: typeof PayloadType.NAT_D | typeof PayloadType.NAT_D_DRAFT;
  readonly hash: Buffer;
}

export function encodeNatDiscovery(natd: NatDiscoveryPayload): Buffer {
  return natd.hash;
}

export function decodeNatDiscovery(body: Buffer, at: number, type: NatDiscoveryPayload['type']): NatDiscoveryPayload {
  return { type, hash: decodeOpaque(body, at, 'NAT-D hash', 1) };
}

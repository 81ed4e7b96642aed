import { hash, type IkeHash } from '../crypto/hash';
import type { Endpoint } from '../sa/endpoint';
import type { CookiePair } from '../sa/ike-sa';
import { PayloadType, type NatDiscoveryPayload, type Payload } from '../wire';
import { addressBytes, IPV4_LENGTH } from '../wire/ip-address';
import type { NatTDialect } from './vendor-ids';

/** RFC 3947 3.2: HASH(CKY-I | CKY-R | IP | Port) with the negotiated hash. */
export function natdHash(algorithm: IkeHash, cookies: CookiePair, endpoint: Endpoint): Buffer {
  const port = Buffer.alloc(2);
  port.writeUInt16BE(endpoint.port);
  return hash(algorithm, cookies.initiator, cookies.responder, addressBytes(endpoint.address, IPV4_LENGTH), port);
}

function natdType(dialect: NatTDialect): NatDiscoveryPayload['type'] {
  return dialect === 'draft' ? PayloadType.NAT_D_DRAFT : PayloadType.NAT_D;
}

/**
 * Our NAT-D payloads: the peer's address as we send to it first, then our own. With `forced`
 * our own hash is random, so the peer sees a NAT and encapsulates (no real NAT needed).
 */
export function natdPayloads(
  dialect: NatTDialect,
  algorithm: IkeHash,
  cookies: CookiePair,
  ends: { readonly local: Endpoint; readonly remote: Endpoint },
  forced: { readonly random: Buffer } | undefined,
): NatDiscoveryPayload[] {
  const type = natdType(dialect);
  const source = forced ? forced.random : natdHash(algorithm, cookies, ends.local);
  return [{ type, hash: natdHash(algorithm, cookies, ends.remote) }, { type, hash: source }];
}

export interface NatDetection {
  readonly natLocal: boolean;
  readonly natRemote: boolean;
}

/**
 * Compare a peer's NAT-D payloads with what we see: the first names us as the peer sent to
 * us (a mismatch: our address is translated); the others name the peer's source (no match:
 * the peer is translated, or fakes its hash to force encapsulation). Undefined without NAT-D.
 */
export function detectNat(
  payloads: readonly Payload[],
  algorithm: IkeHash,
  cookies: CookiePair,
  ends: { readonly local: Endpoint; readonly remote: Endpoint },
): NatDetection | undefined {
  const natd = payloads.filter((p): p is NatDiscoveryPayload => p.type === PayloadType.NAT_D || p.type === PayloadType.NAT_D_DRAFT);
  if (natd.length < 2) return undefined;
  const [destination, ...sources] = natd;
  const remote = natdHash(algorithm, cookies, ends.remote);
  return {
    natLocal: !destination.hash.equals(natdHash(algorithm, cookies, ends.local)),
    natRemote: !sources.some((s) => s.hash.equals(remote)),
  };
}

import type { DhGroup } from '../../config/algorithms';
import type { IpsecKeys, IpsecTransform } from '../crypto/keymat';
import type { IpsecMode, IpsecProtocol, Lifetime } from '../policy/ipsec-transform';
import type { ProxyId } from '../policy/proxy-id';
import type { CookiePair, Role } from './ike-sa';
import type { Endpoint } from './endpoint';
import { sharedValue } from './shared-values';

/** One direction of one protocol: the SPI its receiver chose. */
export interface IpsecDirection {
  readonly spi: Buffer;
}

/** A direction as Quick Mode made it: with the keys cut for it (RFC 2409 5.5). */
export interface KeyedIpsecDirection extends IpsecDirection {
  readonly keys: IpsecKeys;
}

/** One protocol (ESP or AH) of an SA bundle, both directions. */
export interface IpsecProtocolSa<D extends IpsecDirection = IpsecDirection> {
  readonly protocol: IpsecProtocol;
  /** The RFC 2407 transform ID and the algorithms the keys serve. */
  readonly transformId: number;
  readonly algorithms: IpsecTransform;
  /** Traffic from the peer: our SPI. */
  readonly inbound: D;
  /** Traffic to the peer: the peer's SPI. */
  readonly outbound: D;
}

/**
 * A negotiated IPsec SA bundle, ready for the SadBackend: plain data. `encapsulation` is
 * set when ESP travels in UDP (RFC 3948): the ports the IKE SA floated to.
 */
export interface IpsecSa<D extends IpsecDirection = IpsecDirection> {
  readonly ikeCookies: CookiePair;
  readonly role: Role;
  /** The Quick Mode's message ID. */
  readonly messageId: number;
  readonly local: Endpoint;
  readonly remote: Endpoint;
  readonly protocols: readonly IpsecProtocolSa<D>[];
  readonly mode: IpsecMode;
  readonly encapsulation: { readonly localPort: number; readonly remotePort: number } | undefined;
  readonly lifetime: Lifetime;
  readonly pfsGroup: DhGroup | undefined;
  readonly localProxy: ProxyId;
  readonly remoteProxy: ProxyId;
  /** NAT-OA addresses the peer sent (RFC 3947 5.2), for transport-mode checksum fix-ups. */
  readonly natOriginalAddresses: readonly string[];
  /** The crypto map entry the SA belongs to. */
  readonly map: { readonly tag: string; readonly seq: number } | undefined;
  readonly createdAt: number;
  /** Undefined without a time limit. */
  readonly expiresAt: number | undefined;
}

const NO_ADDRESSES: readonly string[] = Object.freeze([]);

/** A bundle fresh from Quick Mode, with its keys: what goes to the SadBackend. */
export type NegotiatedIpsecSa = IpsecSa<KeyedIpsecDirection>;

/**
 * The bundle as the key manager keeps it once installed: the backend (the kernel) holds the
 * keys, and nothing later (rekey, Delete, show) needs them, so a copy in the process would
 * only cost memory per tunnel.
 */
export function withoutKeys(sa: NegotiatedIpsecSa): IpsecSa {
  // The SPIs share one allocation too: each may be a view keeping a whole datagram alive, or
  // a Buffer with an ArrayBuffer of its own.
  const spis = Buffer.allocUnsafeSlow(sa.protocols.reduce((n, p) => n + p.inbound.spi.length + p.outbound.spi.length, 0));
  let at = 0;
  const kept = (spi: Buffer): Buffer => {
    spi.copy(spis, at);
    at += spi.length;
    return spis.subarray(at - spi.length, at);
  };
  return {
    ...sa,
    // Usually none: one shared empty list rather than one per SA.
    natOriginalAddresses: sa.natOriginalAddresses.length === 0 ? NO_ADDRESSES : sa.natOriginalAddresses,
    lifetime: sharedValue(sa.lifetime),
    // A dynamic map's own side, or a hub's remote network, is the same for many SAs.
    localProxy: sharedValue(sa.localProxy),
    remoteProxy: sharedValue(sa.remoteProxy),
    encapsulation: sa.encapsulation && sharedValue(sa.encapsulation),
    protocols: sa.protocols.map((p) => ({
      protocol: p.protocol, transformId: p.transformId, algorithms: sharedValue(p.algorithms), inbound: { spi: kept(p.inbound.spi) }, outbound: { spi: kept(p.outbound.spi) },
    })),
  };
}

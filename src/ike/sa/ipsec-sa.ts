import type { DhGroup } from '../../config/algorithms';
import type { IpsecKeys, IpsecTransform } from '../crypto/keymat';
import type { IpsecMode, IpsecProtocol, Lifetime } from '../policy/ipsec-transform';
import type { ProxyId } from '../policy/proxy-id';
import type { CookiePair, Role } from './ike-sa';
import type { Endpoint } from './endpoint';

/** One direction of one protocol: the SPI its receiver chose and the keys cut for it. */
export interface IpsecDirection {
  readonly spi: Buffer;
  readonly keys: IpsecKeys;
}

/** One protocol (ESP or AH) of an SA bundle, both directions. */
export interface IpsecProtocolSa {
  readonly protocol: IpsecProtocol;
  /** The RFC 2407 transform ID and the algorithms the keys serve. */
  readonly transformId: number;
  readonly algorithms: IpsecTransform;
  /** Traffic from the peer: our SPI. */
  readonly inbound: IpsecDirection;
  /** Traffic to the peer: the peer's SPI. */
  readonly outbound: IpsecDirection;
}

/**
 * A negotiated IPsec SA bundle, ready for the SadBackend: plain data. `encapsulation` is
 * set when ESP travels in UDP (RFC 3948): the ports the IKE SA floated to.
 */
export interface IpsecSa {
  readonly ikeCookies: CookiePair;
  readonly role: Role;
  /** The Quick Mode's message ID. */
  readonly messageId: number;
  readonly local: Endpoint;
  readonly remote: Endpoint;
  readonly protocols: readonly IpsecProtocolSa[];
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

export function spiKey(protocol: IpsecProtocol, spi: Buffer): string {
  return `${protocol}:${spi.toString('hex')}`;
}

import type { Config } from '../../config/model';
import { dhGroup } from '../crypto/dh';
import type { DhGroupId, DhKeyPair } from '../crypto/dh-group';
import type { CapabilityOracle } from '../policy/capabilities';
import type { IpsecProtocol } from '../policy/ipsec-transform';
import type { Endpoint } from '../sa/endpoint';
import type { IkeSa } from '../sa/ike-sa';

/** What every exchange is given: nothing here reads a clock, a socket or a global RNG. */
export interface ExchangeServices {
  /** The configuration snapshot the negotiation decides by. */
  readonly config: Readonly<Config>;
  /** The active crypto engine's abilities (EngineRegistry fits). */
  readonly engine: CapabilityOracle;
  /** Random octets (cookies, nonces, message IDs, faked NAT-D hashes). */
  readonly random: (length: number) => Buffer;
  /** A fresh Diffie-Hellman key pair of a group. */
  readonly dh: (group: DhGroupId) => DhKeyPair;
}

/** A phase-1 exchange's context: the two ends as the first packet travels (port 500). */
export interface Phase1Context extends ExchangeServices {
  readonly local: Endpoint;
  readonly remote: Endpoint;
}

export interface Phase1Options {
  /** Send and honour the NAT-T vendor IDs and NAT-D payloads (default true). */
  readonly natTraversal?: boolean;
  /** Fake our own NAT-D hash so the peer sees a NAT and both sides encapsulate (charon's encap=yes). */
  readonly forceEncapsulation?: boolean;
  /** Initiator: tell the peer we hold no other SA with it (RFC 2407 4.6.3.3), e.g. after boot. */
  readonly initialContact?: boolean;
}

/**
 * How a datagram reached us: the peer's address and port as seen on the packet, and our port
 * it arrived on (500, or 4500 after the NAT-T float). Phase-1 machines follow the peer there.
 */
export interface Arrival {
  readonly remote: Endpoint;
  readonly localPort: number;
}

/** A Quick Mode's context: the IKE SA it runs under. */
export interface QuickModeContext extends ExchangeServices {
  readonly ikeSa: IkeSa;
  /**
   * An inbound SPI for a protocol, 4 octets, chosen by the SA backend. Synchronous, so the
   * driver allocates ahead (one per protocol is asked at most once per exchange).
   */
  readonly inboundSpi: (protocol: IpsecProtocol) => Buffer;
}

/** The DH factory for production use: fresh keys from the crypto layer. */
export function generateDhKeyPair(group: DhGroupId): DhKeyPair {
  return dhGroup(group).generateKeyPair();
}

import type { Arrival } from '../exchange/context';
import { IKE_PORT, NAT_T_PORT, type Endpoint } from '../sa/endpoint';
import type { IkeDatagram, IkePort } from '../transport/ike-socket';
import type { UdpPeer } from '../transport/udp-endpoint';

/**
 * The exchanges reason in IKE's well-known ports (NAT-D hashes cover them, the float goes to
 * 4500), while a gateway may bind others (tests without root, two daemons on one host). Peers
 * are assumed to use the same pair as we do, so the two views are mapped at the socket's edge;
 * with the default ports the mapping is the identity.
 */
export class PortMap {
  constructor(readonly ikePort: number, readonly natTPort: number) {}

  /** The port the exchanges see for a port on the wire. */
  logical(port: number): number {
    if (port === this.ikePort) return IKE_PORT;
    if (port === this.natTPort) return NAT_T_PORT;
    return port;
  }

  /** The port on the wire for a port the exchanges name. */
  physical(port: number): number {
    if (port === IKE_PORT) return this.ikePort;
    if (port === NAT_T_PORT) return this.natTPort;
    return port;
  }

  /** How a datagram reached us, as the phase-1 machines want it. */
  arrival(d: IkeDatagram): Arrival {
    return { remote: { address: d.from.address, port: this.logical(d.from.port) }, localPort: d.via === 'nat-t' ? NAT_T_PORT : IKE_PORT };
  }

  /** Where to send to reach `remote`, and from which of our ports, for an SA's endpoints. */
  route(local: Endpoint, remote: Endpoint): { to: UdpPeer; via: IkePort } {
    return { to: { address: remote.address, port: this.physical(remote.port) }, via: local.port === NAT_T_PORT ? 'nat-t' : 'ike' };
  }
}

import type { ProxyId } from '../policy/proxy-id';
import type { IpsecSa } from '../sa/ipsec-sa';
import { encodeIdentification, IdType, PayloadType, type Identity } from '../wire';

/** A proxy identity as IOS shows it: (addr/mask/prot/port); a range as start-end in place of addr/mask. */
export function proxyIdent(p: ProxyId): string {
  const id = p.identity;
  let where: string;
  switch (id.idType) {
    case IdType.IPV4_ADDR: where = `${id.address}/255.255.255.255`; break;
    case IdType.IPV4_ADDR_SUBNET: where = `${id.address}/${id.mask}`; break;
    case IdType.IPV4_ADDR_RANGE: where = `${id.start}-${id.end}`; break;
    default: where = JSON.stringify(id);
  }
  return `${where}/${p.protocolId}/${p.port}`;
}

/** A flow between two proxies with a peer: what one IPsec SA bundle (and its rekeys) protects. */
export function flowKey(peer: string, local: ProxyId, remote: ProxyId): string {
  // Joined: kept as a Map key, a template literal's rope would hold its flattened copy besides.
  return [peer, proxyIdent(local), proxyIdent(remote)].join(' ');
}

/** A bundle's SPIs for a log line: "esp in 0x... out 0x...", per protocol. */
export function bundleSpis(sa: IpsecSa): string {
  return sa.protocols.map((p) => `${p.protocol} in 0x${p.inbound.spi.toString('hex')} out 0x${p.outbound.spi.toString('hex')}`).join(', ');
}

/** An identity as a map key: its ID payload body. */
export function identityKey(identity: Identity): string {
  return encodeIdentification({ type: PayloadType.ID, identity, protocolId: 0, port: 0 }).toString('hex');
}

import { isContiguousMask, maskLength, parseIpv4 } from '../../config/ipv4';
import type { AclEntry, AddressSpec } from '../../config/model';
import type { Prefix, Selector } from '../../kernel/sad-backend';
import { PORT_PROTOCOLS } from '../../kernel/selector';
import type { ProxyId } from '../policy/proxy-id';
import { IdType } from '../wire';

/** An ACL address as a prefix; undefined for a non-contiguous wildcard, which no selector can hold. */
export function specPrefix(spec: AddressSpec): Prefix | undefined {
  switch (spec.kind) {
    case 'any': return { address: '0.0.0.0', prefixLength: 0 };
    case 'host': return { address: spec.address, prefixLength: 32 };
    case 'wildcard': {
      const mask = ~(parseIpv4(spec.wildcard) as number) >>> 0;
      return isContiguousMask(mask) ? { address: spec.address, prefixLength: maskLength(mask) } : undefined;
    }
  }
}

/** The traffic of an ACL line, from its source to its destination. */
export function aclSelector(line: AclEntry): Selector | undefined {
  const src = specPrefix(line.source);
  const dst = specPrefix(line.destination);
  return src && dst ? { src, dst } : undefined;
}

function proxyPrefix(proxy: ProxyId): Prefix | undefined {
  const id = proxy.identity;
  if (id.idType === IdType.IPV4_ADDR) return { address: id.address, prefixLength: 32 };
  if (id.idType === IdType.IPV4_ADDR_SUBNET) {
    const mask = parseIpv4(id.mask);
    if (mask !== undefined && isContiguousMask(mask)) return { address: id.address, prefixLength: maskLength(mask) };
  }
  // Address ranges have no prefix form; the SA then goes without a selector of its own.
  return undefined;
}

/** The traffic between two Quick Mode proxies, `from` being the sending side. */
export function proxySelector(from: ProxyId, to: ProxyId): Selector | undefined {
  const src = proxyPrefix(from);
  const dst = proxyPrefix(to);
  if (!src || !dst) return undefined;
  const proto = from.protocolId || to.protocolId;
  if (from.protocolId && to.protocolId && from.protocolId !== to.protocolId) return undefined;
  const selector: Selector = { src, dst };
  if (proto) selector.proto = proto;
  if (proto && PORT_PROTOCOLS.includes(proto)) {
    if (from.port) selector.srcPort = from.port;
    if (to.port) selector.dstPort = to.port;
  }
  return selector;
}

/** The opposite direction of a selector. */
export function reversed(s: Selector): Selector {
  const r: Selector = { src: s.dst, dst: s.src };
  if (s.proto !== undefined) r.proto = s.proto;
  if (s.dstPort !== undefined) r.srcPort = s.dstPort;
  if (s.srcPort !== undefined) r.dstPort = s.srcPort;
  return r;
}

import { formatIpv4, isContiguousMask, parseIpv4 } from '../../config/ipv4';
import type { AddressSpec } from '../../config/model';
import { IdType, type Identity } from '../wire';

/**
 * A Quick Mode client identity (RFC 2409 5.5 IDci/IDcr): the traffic an IPsec SA protects.
 * Crypto ACLs here are `ip` entries, so our own proxies carry protocol 0 and port 0.
 */
export interface ProxyId {
  readonly identity: Identity;
  readonly protocolId: number;
  readonly port: number;
}

/** An inclusive IPv4 range as unsigned 32-bit numbers. */
export interface AddressRange {
  readonly start: number;
  readonly end: number;
}

export function hostProxy(address: string): ProxyId {
  return { identity: { idType: IdType.IPV4_ADDR, address }, protocolId: 0, port: 0 };
}

/**
 * The proxy an ACL address stands for: a host address, or a subnet (any is 0.0.0.0/0).
 * Undefined for a non-contiguous wildcard, which no ID type can carry.
 */
export function aclProxy(spec: AddressSpec): ProxyId | undefined {
  switch (spec.kind) {
    case 'host': return hostProxy(spec.address);
    case 'any': return subnetProxy('0.0.0.0', '0.0.0.0');
    case 'wildcard': {
      const mask = ~(parseIpv4(spec.wildcard) as number) >>> 0;
      if (!isContiguousMask(mask)) return undefined;
      return subnetProxy(spec.address, formatIpv4(mask));
    }
  }
}

function subnetProxy(address: string, mask: string): ProxyId {
  return { identity: { idType: IdType.IPV4_ADDR_SUBNET, address, mask }, protocolId: 0, port: 0 };
}

function subnetRange(address: string, mask: string): AddressRange | undefined {
  const a = parseIpv4(address);
  const m = parseIpv4(mask);
  if (a === undefined || m === undefined || !isContiguousMask(m)) return undefined;
  const start = (a & m) >>> 0;
  return { start, end: (start | ~m) >>> 0 };
}

/** The addresses a proxy covers; undefined for identities that name no IPv4 addresses. */
export function proxyRange(proxy: ProxyId): AddressRange | undefined {
  const id = proxy.identity;
  switch (id.idType) {
    case IdType.IPV4_ADDR: {
      const a = parseIpv4(id.address);
      return a === undefined ? undefined : { start: a, end: a };
    }
    case IdType.IPV4_ADDR_SUBNET: return subnetRange(id.address, id.mask);
    case IdType.IPV4_ADDR_RANGE: {
      const start = parseIpv4(id.start);
      const end = parseIpv4(id.end);
      return start === undefined || end === undefined || start > end ? undefined : { start, end };
    }
    default: return undefined;
  }
}

/** The addresses an ACL address matches; a non-contiguous wildcard is treated by its span. */
export function specRange(spec: AddressSpec): AddressRange {
  switch (spec.kind) {
    case 'any': return { start: 0, end: 0xffffffff };
    case 'host': {
      const a = parseIpv4(spec.address) as number;
      return { start: a, end: a };
    }
    case 'wildcard': {
      const a = parseIpv4(spec.address) as number;
      const w = parseIpv4(spec.wildcard) as number;
      return { start: (a & ~w) >>> 0, end: (a | w) >>> 0 };
    }
  }
}

export function rangeWithin(inner: AddressRange, outer: AddressRange): boolean {
  return inner.start >= outer.start && inner.end <= outer.end;
}

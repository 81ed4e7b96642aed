import type { AclEntry, AddressSpec } from './model';
import { formatIpv4, parseIpv4 } from './ipv4';

/** An ACL address as IOS keeps it: host bits under the wildcard are cleared. */
export function wildcardSpec(address: string, wildcard: string): AddressSpec {
  const w = parseIpv4(wildcard) as number;
  if (w === 0) return { kind: 'host', address: formatIpv4(parseIpv4(address) as number) };
  if (w === 0xffffffff) return { kind: 'any' };
  const a = ((parseIpv4(address) as number) & ~w) >>> 0;
  return { kind: 'wildcard', address: formatIpv4(a), wildcard: formatIpv4(w) };
}

export function addressSpecText(s: AddressSpec): string {
  switch (s.kind) {
    case 'any': return 'any';
    case 'host': return `host ${s.address}`;
    case 'wildcard': return `${s.address} ${s.wildcard}`;
  }
}

/** The entry as typed in configuration and shown by IOS. */
export function aclEntryText(e: AclEntry): string {
  return `${e.action} ${e.protocol} ${addressSpecText(e.source)} ${addressSpecText(e.destination)}`;
}

export function sameEntry(a: AclEntry, b: AclEntry): boolean {
  return aclEntryText(a) === aclEntryText(b);
}

/** A named list (`ip access-list extended NAME`) rather than a numbered one. */
export function isNamedAcl(key: string): boolean {
  return !/^\d+$/.test(key);
}

/** Numbered lists in numeric order, then named ones by name, as IOS lists them. */
export function sortedAcls(acls: Record<string, AclEntry[]>): Array<[string, AclEntry[]]> {
  return Object.entries(acls).sort(([a], [b]) => {
    if (isNamedAcl(a) !== isNamedAcl(b)) return isNamedAcl(a) ? 1 : -1;
    return isNamedAcl(a) ? (a < b ? -1 : a > b ? 1 : 0) : Number(a) - Number(b);
  });
}

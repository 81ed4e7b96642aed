import { maskLength, parseIpv4 } from '../../config/ipv4';
import type { Config, PresharedKey } from '../../config/model';
import { hostNames, namesEqual } from './host-names';

/** A key found for a peer, and how: the seed's two kinds of `crypto isakmp key`. */
export interface PresharedKeyMatch {
  readonly key: PresharedKey;
  readonly via: 'address' | 'hostname';
}

/** The address key whose network holds the peer, the most specific mask winning. */
export function keyByAddress(config: Readonly<Config>, address: string): PresharedKey | undefined {
  const peer = parseIpv4(address);
  if (peer === undefined) return undefined;
  let best: { key: PresharedKey; length: number } | undefined;
  for (const key of config.isakmp.keys) {
    if (key.target.kind !== 'address') continue;
    const mask = parseIpv4(key.target.mask) as number;
    const network = parseIpv4(key.target.address) as number;
    if (((peer & mask) >>> 0) !== network) continue;
    const length = maskLength(mask);
    if (!best || length > best.length) best = { key, length };
  }
  return best?.key;
}

export function keyByHostname(config: Readonly<Config>, name: string): PresharedKey | undefined {
  return config.isakmp.keys.find((k) => k.target.kind === 'hostname' && namesEqual(k.target.hostname, name));
}

/**
 * The key for a peer. A peer that named itself by FQDN (aggressive mode, where the ID comes
 * before any key is needed) gets its hostname key; otherwise the key is searched on the
 * peer's address (seed: "the key is searched on the IP address of the peer"), then through
 * the `ip host` names that map to that address.
 */
export function presharedKeyFor(
  config: Readonly<Config>,
  peer: { readonly address: string; readonly fqdn?: string },
): PresharedKeyMatch | undefined {
  const named = peer.fqdn === undefined ? undefined : keyByHostname(config, peer.fqdn);
  if (named) return { key: named, via: 'hostname' };
  const byAddress = keyByAddress(config, peer.address);
  if (byAddress) return { key: byAddress, via: 'address' };
  for (const name of hostNames(config, peer.address)) {
    const key = keyByHostname(config, name);
    if (key) return { key, via: 'hostname' };
  }
  return undefined;
}

import type { DhGroup, IkeAuth, IkeCipher, IkeHash, TransformName } from './algorithms';

/**
 * The router's configuration: plain data (JSON- and structuredClone-friendly) so a command
 * can work on a copy and the copy replaces the original only when the command succeeds.
 * Absent optional fields mean "the IOS default".
 */
export interface Config {
  hostname: string;
  /** `enable secret`, stored only as a scrypt hash ("$9$salt$hash"). */
  enableSecret?: string;
  domainName?: string;
  /** `ip host NAME A1 [.. A8]`, in entry order. */
  hosts: IpHost[];
  isakmp: IsakmpConfig;
  pubkeyChain: PeerPublicKey[];
  transformSets: TransformSet[];
  /** Extended access lists 100-199, by number (as a string key). */
  accessLists: Record<string, AclEntry[]>;
  cryptoMaps: CryptoMap[];
  dynamicMaps: DynamicMap[];
  interfaces: Interface[];
  /** `ip route PREFIX MASK NEXTHOP`, sorted by prefix, mask, next hop. */
  routes: StaticRoute[];
  localPools: LocalPool[];
  /** `crypto engine accelerator` (default on). */
  engineAccelerator: boolean;
}

export interface IpHost {
  name: string;
  addresses: string[];
}

export interface IsakmpConfig {
  /** `crypto isakmp` / `no crypto isakmp`: IKE is enabled by default. */
  enabled: boolean;
  identity: 'address' | 'dn' | 'hostname';
  /** Sorted by priority. */
  policies: IsakmpPolicy[];
  keys: PresharedKey[];
  /** `crypto isakmp client configuration address-pool local NAME`. */
  clientAddressPool?: string;
  /** `crypto call admission limit ike in-negotiation-sa N`; absent: the built-in (no limit). */
  inNegotiationSaLimit?: number;
  /** `crypto isakmp key-log`: Wireshark's IKEv1 decryption table in the config directory. */
  keyLog?: boolean;
}

export interface IsakmpPolicy {
  priority: number;
  encryption: IkeCipher;
  hash: IkeHash;
  authentication: IkeAuth;
  group: DhGroup;
  lifetime: number;
}

export type PolicyParameters = Omit<IsakmpPolicy, 'priority'>;

/** The default protection suite and the defaults of every configured policy. */
export const DEFAULT_POLICY: Readonly<PolicyParameters> = Object.freeze({
  encryption: 'des',
  hash: 'sha1',
  authentication: 'rsa-sig',
  group: 1,
  lifetime: 86400,
});

export type PresharedKeyTarget =
  | { kind: 'address'; address: string; mask: string }
  | { kind: 'hostname'; hostname: string };

export interface PresharedKey {
  key: string;
  target: PresharedKeyTarget;
  noXauth: boolean;
}

export type KeyUsage = 'general' | 'encryption' | 'signature';

/** A peer's RSA public key entered under `crypto key pubkey-chain rsa`. */
export interface PeerPublicKey {
  kind: 'named' | 'addressed';
  /** The key name (named-key) or the peer address (addressed-key). */
  id: string;
  usage: KeyUsage;
  /** `address A` under a named key. */
  address?: string;
  /** SubjectPublicKeyInfo DER as uppercase hex. */
  keyHex?: string;
}

export interface TransformSet {
  name: string;
  transforms: Transform[];
  mode: 'tunnel' | 'transport';
}

export interface Transform {
  name: TransformName;
  /** esp-aes 128/192/256, esp-gcm 128/256. */
  keyBits?: number;
}

export type AddressSpec =
  | { kind: 'any' }
  | { kind: 'host'; address: string }
  | { kind: 'wildcard'; address: string; wildcard: string };

export interface AclEntry {
  action: 'permit' | 'deny';
  protocol: 'ip';
  source: AddressSpec;
  destination: AddressSpec;
}

/** One entry (sequence) of a crypto map or dynamic map. */
export interface CryptoMapEntry {
  seq: number;
  /** `crypto map TAG SEQ ipsec-isakmp dynamic DMAP`: the entry defers to a dynamic map. */
  dynamicMap?: string;
  peers: string[];
  transformSets: string[];
  /** `match address` ACL number or name. */
  matchAddress?: string;
  /** `set pfs [groupN]`. */
  pfs?: DhGroup;
  lifetimeSeconds?: number;
  lifetimeKilobytes?: number;
  /** `set auto-up`: the tunnel is brought up at boot and kept up. */
  autoUp?: boolean;
}

export interface CryptoMap {
  tag: string;
  /** Sorted by sequence number. */
  entries: CryptoMapEntry[];
  clientConfigInitiate: boolean;
  clientConfigRespond: boolean;
}

export interface DynamicMap {
  tag: string;
  entries: CryptoMapEntry[];
}

export interface Interface {
  /** As IOS spells it (GigabitEthernet0/1, abbreviations expanded) or a Linux device name. */
  name: string;
  address?: { address: string; mask: string };
  cryptoMap?: string;
  /** `shutdown`: administratively down (absent: `no shutdown`). */
  shutdown?: boolean;
}

export interface StaticRoute {
  prefix: string;
  mask: string;
  nextHop: string;
}

export interface LocalPool {
  name: string;
  start: string;
  end: string;
}

/** IOS defaults of an IPsec SA lifetime (`show crypto map`). */
export const DEFAULT_SA_LIFETIME_SECONDS = 3600;
export const DEFAULT_SA_LIFETIME_KILOBYTES = 4608000;

export function emptyConfig(): Config {
  return {
    hostname: 'Router',
    hosts: [],
    isakmp: { enabled: true, identity: 'address', policies: [], keys: [] },
    pubkeyChain: [],
    transformSets: [],
    accessLists: {},
    cryptoMaps: [],
    dynamicMaps: [],
    interfaces: [],
    routes: [],
    localPools: [],
    engineAccelerator: true,
  };
}

/**
 * The kernel facade: one interface over the IPsec SA database (SAD) and security policy
 * database (SPD), implemented by `xfrm` and `pfkey` (native addon, Linux kernel), `userspace`
 * (native ESP datapath over TUN) and `memory` (in-process).
 *
 * The vocabulary is the kernel's, so the native backends translate field by field:
 * - algorithms by their Linux crypto API names ('cbc(aes)', 'hmac(sha256)'); see
 *   kernel-algorithms.ts for the mapping from transform-set names;
 * - an SA is identified by (destination, SPI, protocol), as XFRM's xfrm_usersa_id and
 *   PF_KEY's lookup do; the source is carried too because PF_KEY's DELETE and GET require
 *   both addresses (RFC 2367 address(SD));
 * - inbound SAs are made in two steps, as both kernels require: allocateSpi reserves a
 *   larval SA (XFRM_MSG_ALLOCSPI / SADB_GETSPI) and updateSa installs it (XFRM_MSG_UPDSA /
 *   SADB_UPDATE); outbound SAs, whose SPI the peer chose, are made by addSa;
 * - policies are identified by (selector, direction); the kernel gives each an index, which
 *   ACQUIRE events quote;
 * - lifetimes are counted from the SA's installation; a soft expiry is a rekey hint and
 *   happens once, a hard expiry removes the SA (XFRM_MSG_EXPIRE / SADB_EXPIRE).
 *
 * All operations are asynchronous (the native backends do their syscalls off the event loop
 * and may batch them). Failures reject with a SadError carrying the errno name, the operation
 * and the SA or policy concerned.
 */
import type { EventEmitter } from 'node:events';

export type IpsecProto = 'esp' | 'ah';
export type IpsecMode = 'tunnel' | 'transport';
export type PolicyDir = 'in' | 'out' | 'fwd';
export type BackendKind = 'xfrm' | 'pfkey' | 'userspace' | 'memory';

/** Linux crypto API cipher names usable for ESP; 'rfc4106(gcm(aes))' is AEAD. */
export type KernelCipher = 'cbc(des)' | 'cbc(des3_ede)' | 'cbc(aes)' | 'rfc4106(gcm(aes))' | 'ecb(cipher_null)';
export type KernelIntegrity = 'hmac(md5)' | 'hmac(sha1)' | 'hmac(sha256)' | 'hmac(sha384)' | 'hmac(sha512)';

/** An address prefix: IPv4 or IPv6 text and the number of leading bits that count. */
export interface Prefix {
  address: string;
  prefixLength: number;
}

/**
 * The traffic a policy (or a transport-mode SA) applies to. `proto` is the IP protocol number
 * (1 ICMP, 6 TCP, 17 UDP, ...), any when absent; ports need TCP, UDP or SCTP and mean any
 * when absent.
 */
export interface Selector {
  src: Prefix;
  dst: Prefix;
  proto?: number;
  srcPort?: number;
  dstPort?: number;
}

/** What identifies an SA to both kernels. */
export interface SaId {
  src: string;
  dst: string;
  proto: IpsecProto;
  spi: number;
}

export interface EncryptionAlgorithm {
  name: KernelCipher;
  /** For 'rfc4106(gcm(aes))' the AES key followed by the 4-byte salt (RFC 4106 section 8.1). */
  key: Buffer;
  /** AEAD only: the ICV length, 64, 96 or 128 bits. */
  icvBits?: number;
}

export interface IntegrityAlgorithm {
  name: KernelIntegrity;
  key: Buffer;
  /** The ICV length on the wire: 96 for MD5 and SHA-1, 128/192/256 for SHA-2 (RFC 4868). */
  truncationBits: number;
}

/** Positive limits counted from installation; absent means unlimited. Soft must not exceed hard. */
export interface SaLifetimes {
  softSeconds?: number;
  hardSeconds?: number;
  softBytes?: number;
  hardBytes?: number;
}

/** ESP in UDP (RFC 3948) for NAT traversal: the IKE SA's NAT-T ports. */
export interface UdpEncap {
  type: 'espinudp';
  sport: number;
  dport: number;
  /** NAT-OA: the peer's original address, for transport-mode checksum fixup. */
  originalAddress?: string;
}

export interface SaSpec extends SaId {
  mode: IpsecMode;
  /** Ties the SA to the policy templates that use it. */
  reqid: number;
  /** ESP only, and required there ('ecb(cipher_null)' for esp-null). */
  encryption?: EncryptionAlgorithm;
  /** Required for AH; for ESP absent with an AEAD cipher, otherwise optional. */
  integrity?: IntegrityAlgorithm;
  /** Anti-replay window in packets; 0 turns replay protection off. */
  replayWindow: number;
  lifetimes: SaLifetimes;
  encap?: UdpEncap;
  /** Transport mode: the traffic the SA may carry. */
  selector?: Selector;
}

/** An SA's algorithms without their keys: what a backend may have no way to install. */
export interface SaAlgorithms {
  encryption?: Omit<EncryptionAlgorithm, 'key'>;
  integrity?: Omit<IntegrityAlgorithm, 'key'>;
}

export interface SaCounters {
  bytes: number;
  packets: number;
  /** Installation time, milliseconds since the epoch. */
  addTime: number;
  /** First use, milliseconds since the epoch; absent until a packet used the SA. */
  useTime?: number;
}

export interface SaState {
  spec: SaSpec;
  counters: SaCounters;
  /** What is left of each configured limit (0 once reached); absent where unlimited. */
  remaining: SaLifetimes;
}

export interface AllocateSpiRequest {
  src: string;
  dst: string;
  proto: IpsecProto;
  /** Inclusive range; 256..0xffffffff when absent (1-255 are reserved, RFC 4303). */
  min?: number;
  max?: number;
}

export interface PolicyTemplate {
  proto: IpsecProto;
  mode: IpsecMode;
  /** The SA to use is the one with this reqid (and proto, mode, endpoints). */
  reqid: number;
  /** Tunnel mode: the tunnel endpoints. Transport mode takes them from the packet. */
  src?: string;
  dst?: string;
  /** 'required': no SA, no traffic; 'use': protect when an SA exists, else send in clear. */
  level: 'required' | 'use';
}

/** Policy lifetimes in seconds from installation (positive); absent means unlimited. */
export interface PolicyLifetimes {
  softSeconds?: number;
  hardSeconds?: number;
}

export interface PolicySpec {
  selector: Selector;
  dir: PolicyDir;
  /** 'allow' with no templates lets traffic pass in clear (a bypass policy). */
  action: 'allow' | 'block';
  /** Lower values take precedence, as in XFRM; equal priorities go by installation order. */
  priority: number;
  /** Applied in order (e.g. AH over ESP); empty for block and bypass policies. */
  templates: PolicyTemplate[];
  lifetimes?: PolicyLifetimes;
}

export interface PolicyState {
  spec: PolicySpec;
  /** The kernel's index for the policy, quoted by ACQUIRE events. */
  index: number;
}

/** Outbound traffic matched a policy whose template has no SA: negotiate one. */
export interface AcquireEvent {
  policyIndex: number;
  /** The policy's selector: the identities to propose. */
  selector: Selector;
  proto: IpsecProto;
  mode: IpsecMode;
  reqid: number;
  /** The SA's endpoints: the template's in tunnel mode, the packet's in transport mode. */
  src: string;
  dst: string;
}

export interface ExpireEvent {
  sa: SaId;
  reqid: number;
  /** false: soft limit reached, rekey; true: the SA is gone. */
  hard: boolean;
}

export interface PolicyExpireEvent {
  index: number;
  selector: Selector;
  dir: PolicyDir;
  hard: boolean;
}

export interface SadBackendEvents {
  acquire: [event: AcquireEvent];
  expire: [event: ExpireEvent];
  'policy-expire': [event: PolicyExpireEvent];
}

export interface SadBackend extends EventEmitter<SadBackendEvents> {
  readonly kind: BackendKind;
  /**
   * Why SAs with these algorithms cannot be installed through this backend whatever their
   * keys, or undefined when they can; negotiation leaves such transforms out. A backend
   * without it installs whatever the spec checks accept.
   */
  algorithmProblem?(algorithms: SaAlgorithms): string | undefined;

  /** Reserves an unused SPI for (dst, proto) as a larval SA, to be installed by updateSa. */
  allocateSpi(request: AllocateSpiRequest): Promise<number>;
  /** Installs a new SA; EEXIST when (dst, spi, proto) is taken, larval SAs included. */
  addSa(spec: SaSpec): Promise<void>;
  /**
   * Installs a larval SA from allocateSpi. On an installed SA, as in both kernels, only the
   * lifetimes (still counted from installation) and the ports of an existing encapsulation
   * change (a NAT mapping moved); algorithms, keys, mode and reqid stay. ESRCH when there is
   * no such SA.
   */
  updateSa(spec: SaSpec): Promise<void>;
  /** Removes an SA, larval or installed, without an expire event; ESRCH when absent. */
  deleteSa(id: SaId): Promise<void>;
  /** ESRCH when absent; larval SAs are not visible. */
  getSa(id: SaId): Promise<SaState>;
  /** Installed SAs; larval ones are not listed. */
  listSas(): Promise<SaState[]>;
  /** Removes every SA (of one protocol when given), larval ones included. */
  flushSas(proto?: IpsecProto): Promise<void>;

  /** Installs a policy and returns its index; EEXIST when (selector, dir) has one. */
  addPolicy(spec: PolicySpec): Promise<number>;
  /** Replaces the policy of (selector, dir), keeping its index, or adds it. */
  updatePolicy(spec: PolicySpec): Promise<number>;
  /** ENOENT when (selector, dir) has no policy. */
  deletePolicy(selector: Selector, dir: PolicyDir): Promise<void>;
  listPolicies(): Promise<PolicyState[]>;
  flushPolicies(): Promise<void>;

  /** Releases timers, sockets and handles; the backend is unusable afterwards. */
  close(): Promise<void>;
}

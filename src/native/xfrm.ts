/**
 * Typed access to the addon's XFRM netlink classes (native/src/xfrm_*.cc). The vocabulary is
 * the kernel's: protocols, modes and directions by name, lifetimes as xfrm_lifetime_cfg,
 * counters as xfrm_lifetime_cur (times in seconds since the epoch). src/kernel/xfrm-backend.ts
 * maps the SadBackend's specs onto these.
 *
 * Requests are coalesced (request-batcher.ts) and each batch goes to the kernel in as few
 * sendmsg calls as the socket buffers allow.
 */
import { addonWith } from './addon';
import { isKernelError, type KernelError } from './kernel-error';
import { KernelMonitor, type NativeMonitor } from './kernel-monitor';
import { KernelSocket } from './kernel-socket';
import type { NativeExecutor } from './request-batcher';

export type XfrmProto = 'esp' | 'ah' | 'comp';
export type XfrmMode = 'transport' | 'tunnel' | 'beet';
export type XfrmDir = 'in' | 'out' | 'fwd';

export interface XfrmPrefix {
  address: string;
  prefixLength: number;
}

/** Ports match exactly unless a mask is given; the family follows the addresses. */
export interface XfrmSelector {
  src: XfrmPrefix;
  dst: XfrmPrefix;
  /** IP protocol; absent (0) matches any. */
  proto?: number;
  srcPort?: number;
  srcPortMask?: number;
  dstPort?: number;
  dstPortMask?: number;
  ifindex?: number;
}

/** Absent limits are unlimited. */
export interface XfrmLifetime {
  softBytes?: number;
  hardBytes?: number;
  softPackets?: number;
  hardPackets?: number;
  softAddSeconds?: number;
  hardAddSeconds?: number;
  softUseSeconds?: number;
  hardUseSeconds?: number;
}

/** xfrm_lifetime_cur: times in seconds since the epoch, useTime 0 until first use. */
export interface XfrmCurrent {
  bytes: number;
  packets: number;
  addTime: number;
  useTime: number;
}

export interface XfrmAlgorithm {
  /** Linux crypto API name: 'cbc(aes)', 'hmac(sha256)', 'rfc4106(gcm(aes))'. */
  name: string;
  key: Buffer;
}

export interface XfrmEncap {
  type: 'espinudp';
  sport: number;
  dport: number;
  originalAddress?: string;
}

/** What to install (NEWSA/UPDSA); the kernel's replies add `current` and `stats`. */
export interface XfrmSaInput {
  src: string;
  dst: string;
  proto: XfrmProto;
  spi: number;
  mode: XfrmMode;
  reqid?: number;
  /** Packets; above 255 it travels as XFRMA_REPLAY_ESN_VAL (at most 4096). */
  replayWindow?: number;
  flags?: number;
  selector?: XfrmSelector;
  crypt?: XfrmAlgorithm;
  auth?: XfrmAlgorithm & { truncationBits: number };
  aead?: XfrmAlgorithm & { icvBits: number };
  encap?: XfrmEncap;
  lifetime?: XfrmLifetime;
}

/** An SA as the kernel reports it. `proto` and `mode` are numbers for kinds ikegate does not make. */
export interface XfrmSa extends Omit<XfrmSaInput, 'proto' | 'mode'> {
  proto: XfrmProto | number;
  mode: XfrmMode | number;
  reqid: number;
  replayWindow: number;
  flags: number;
  lifetime: XfrmLifetime;
  current: XfrmCurrent;
  stats: { replayWindow: number; replay: number; integrityFailed: number };
}

export interface XfrmTemplateInput {
  proto: XfrmProto;
  mode: XfrmMode;
  reqid?: number;
  spi?: number;
  /** Tunnel endpoints; transport templates take them from the packet. */
  src?: string;
  dst?: string;
  /** true: use an SA when there is one, else pass in clear ("level use"). */
  optional?: boolean;
}

export interface XfrmTemplate extends Omit<XfrmTemplateInput, 'proto' | 'mode'> {
  proto: XfrmProto | number;
  mode: XfrmMode | number;
  reqid: number;
  optional: boolean;
}

export interface XfrmPolicyInput {
  selector: XfrmSelector;
  dir: XfrmDir;
  action?: 'allow' | 'block';
  priority?: number;
  /** 0 or absent: the kernel chooses. */
  index?: number;
  flags?: number;
  lifetime?: XfrmLifetime;
  templates?: XfrmTemplateInput[];
}

export interface XfrmPolicy {
  selector: XfrmSelector;
  dir: XfrmDir | number;
  action: 'allow' | 'block' | number;
  priority: number;
  index: number;
  flags: number;
  /** 'sub' policies (CONFIG_XFRM_SUB_POLICY) are another table; ikegate makes 'main' ones. */
  type: 'main' | 'sub';
  lifetime: XfrmLifetime;
  current: { addTime: number; useTime: number };
  templates: XfrmTemplate[];
}

export type XfrmPolicyId = { dir: XfrmDir; selector: XfrmSelector; index?: undefined } | { dir: XfrmDir; index: number };

/** ALLOCSPI: a larval SA with a free SPI from [min, max]. */
export interface XfrmSpiRequest {
  src: string;
  dst: string;
  proto: XfrmProto;
  min: number;
  max: number;
  reqid?: number;
  mode?: XfrmMode;
}

/** What identifies an SA to XFRM. */
export interface XfrmSaId {
  dst: string;
  spi: number;
  proto: XfrmProto;
}

export type XfrmRequest =
  | ({ op: 'allocspi' } & XfrmSpiRequest)
  | { op: 'newsa'; sa: XfrmSaInput }
  | { op: 'updsa'; sa: XfrmSaInput }
  | ({ op: 'delsa' } & XfrmSaId)
  | ({ op: 'getsa' } & XfrmSaId)
  | { op: 'dumpsa' }
  | { op: 'flushsa'; proto?: XfrmProto }
  | { op: 'newpolicy'; policy: XfrmPolicyInput }
  | { op: 'updpolicy'; policy: XfrmPolicyInput }
  | ({ op: 'delpolicy' } & XfrmPolicyId)
  | ({ op: 'getpolicy' } & XfrmPolicyId)
  | { op: 'dumppolicy' }
  | { op: 'flushpolicy' };

/**
 * What each operation resolves with. A policy install resolves with the policy's index, from
 * the kernel's announcement of it (XFRMNLGRP_POLICY, listened to while the install is
 * answered), or with undefined if that was lost (an overrun socket): then GETPOLICY tells.
 */
export interface XfrmReplies {
  allocspi: XfrmSa;
  newsa: undefined;
  updsa: undefined;
  delsa: undefined;
  getsa: XfrmSa;
  dumpsa: XfrmSa[];
  flushsa: undefined;
  newpolicy: number | undefined;
  updpolicy: number | undefined;
  delpolicy: undefined;
  getpolicy: XfrmPolicy;
  dumppolicy: XfrmPolicy[];
  flushpolicy: undefined;
}
export type XfrmOp = keyof XfrmReplies;
export type XfrmReply = XfrmReplies[XfrmOp];

/** A kernel refusal or a failed system call; `operation` is the netlink message (XFRM_MSG_NEWSA). */
export type XfrmError = KernelError;
export const isXfrmError = isKernelError;

export type XfrmEvent =
  | {
      type: 'acquire';
      /** The out policy the packet met, with all its templates. */
      policy: XfrmPolicy;
      /** The template the missing SA is for; absent only if the kernel's message had none that fits. */
      template?: XfrmTemplate;
      /** The SA's endpoints: the template's in tunnel mode, the packet's in transport mode. */
      src: string;
      dst: string;
      proto: XfrmProto | number;
      /** The packet's flow as a host-to-host selector. */
      selector: XfrmSelector;
      seq: number;
    }
  | { type: 'expire'; hard: boolean; sa: XfrmSa }
  | { type: 'polexpire'; hard: boolean; policy: XfrmPolicy }
  /** The kernel dropped events because the socket's queue was full (ENOBUFS). */
  | { type: 'overrun' }
  /** Polling the socket failed; no more events will come. */
  | { type: 'error'; error: XfrmError };

export interface XfrmOptions {
  /** A network namespace file (/run/netns/NAME): use that namespace's XFRM tables. */
  netns?: string;
}

interface XfrmAddon {
  XfrmSocket: new (options?: XfrmOptions) => NativeExecutor<XfrmRequest, XfrmReply>;
  XfrmMonitor: new (options: XfrmOptions & { groups?: Array<'acquire' | 'expire'> }, onEvents: (events: XfrmEvent[]) => void) => NativeMonitor;
}

const xfrmAddon = (): XfrmAddon => addonWith<XfrmAddon>(['XfrmSocket', 'XfrmMonitor'], 'XFRM support');

/** A request socket. Its methods resolve with the kernel's reply or reject with an XfrmError. */
export class XfrmSocket extends KernelSocket<XfrmRequest, XfrmReplies> {
  constructor(options: XfrmOptions = {}) {
    super(new (xfrmAddon().XfrmSocket)(options), 'XFRM');
  }

  /** Many requests, in order; each settles alone, so the result holds replies and errors side by side. */
  batch(requests: readonly XfrmRequest[]): Promise<Array<XfrmReply | XfrmError>> {
    return Promise.all(requests.map((r) => this.batcher.enqueue(r).catch((e: XfrmError) => e)));
  }

  allocSpi(r: XfrmSpiRequest): Promise<XfrmSa> {
    return this.request({ op: 'allocspi', ...r });
  }
  newSa(sa: XfrmSaInput): Promise<undefined> {
    return this.request({ op: 'newsa', sa });
  }
  updSa(sa: XfrmSaInput): Promise<undefined> {
    return this.request({ op: 'updsa', sa });
  }
  delSa(id: XfrmSaId): Promise<undefined> {
    return this.request({ op: 'delsa', ...id });
  }
  getSa(id: XfrmSaId): Promise<XfrmSa> {
    return this.request({ op: 'getsa', ...id });
  }
  dumpSa(): Promise<XfrmSa[]> {
    return this.request({ op: 'dumpsa' });
  }
  flushSa(proto?: XfrmProto): Promise<undefined> {
    return this.request(proto === undefined ? { op: 'flushsa' } : { op: 'flushsa', proto });
  }
  /** Resolves with the policy's index (undefined: not announced, see XfrmReplies). */
  newPolicy(policy: XfrmPolicyInput): Promise<number | undefined> {
    return this.request({ op: 'newpolicy', policy });
  }
  /** Resolves with the policy's index, kept when it replaced one (undefined: not announced). */
  updPolicy(policy: XfrmPolicyInput): Promise<number | undefined> {
    return this.request({ op: 'updpolicy', policy });
  }
  delPolicy(id: XfrmPolicyId): Promise<undefined> {
    return this.request({ op: 'delpolicy', ...id });
  }
  getPolicy(id: XfrmPolicyId): Promise<XfrmPolicy> {
    return this.request({ op: 'getpolicy', ...id });
  }
  dumpPolicy(): Promise<XfrmPolicy[]> {
    return this.request({ op: 'dumppolicy' });
  }
  flushPolicy(): Promise<undefined> {
    return this.request({ op: 'flushpolicy' });
  }
}

/** XFRM's multicast events (ACQUIRE, SA and policy expiry), read on Node's own loop. */
export class XfrmMonitor extends KernelMonitor {
  constructor(onEvents: (events: XfrmEvent[]) => void, options: XfrmOptions & { groups?: Array<'acquire' | 'expire'> } = {}) {
    super(new (xfrmAddon().XfrmMonitor)(options, onEvents));
  }
}

/**
 * Typed access to the addon's PF_KEY v2 classes (native/src/pfkey_*.cc; RFC 2367 with the
 * Linux/KAME extensions of <linux/pfkeyv2.h>). The vocabulary is PF_KEY's: SA types, SADB
 * algorithm numbers (src/kernel/pfkey-specs.ts maps the kernel's crypto names onto them),
 * sadb_lifetime fields, ipsecrequest levels. Requests are coalesced as XFRM's are
 * (request-batcher.ts); a batch goes to the kernel in sendmmsg calls of many messages.
 */
import { addonWith } from './addon';
import { isKernelError, type KernelError } from './kernel-error';
import { KernelMonitor, type NativeMonitor } from './kernel-monitor';
import { KernelSocket } from './kernel-socket';
import type { NativeExecutor } from './request-batcher';

export type PfkeySatype = 'esp' | 'ah';
/** 'any' (IPSEC_MODE_ANY) is what GETSPI without SADB_X_EXT_SA2 means. */
export type PfkeyMode = 'any' | 'transport' | 'tunnel';
export type PfkeyDir = 'in' | 'out' | 'fwd';
/** 'unique' is the level whose reqid the kernel keeps; 'use' lets traffic pass without an SA. */
export type PfkeyLevel = 'default' | 'use' | 'require' | 'unique';

/** sadb_lifetime: 0 or absent is no limit. Linux counts packets in `allocations`. */
export interface PfkeyLifetime {
  allocations?: number;
  bytes?: number;
  addSeconds?: number;
  useSeconds?: number;
}

export interface PfkeyAlgorithm {
  /** SADB_AALG_* / SADB_EALG_* / SADB_X_EALG_* number. */
  id: number;
  /** Absent: no key extension (af_key wants one on ESP SAs, of zero bits for SADB_EALG_NULL). */
  key?: Buffer;
}

export interface PfkeyNatT {
  /** UDP_ENCAP_ESPINUDP (2). */
  type: number;
  sport: number;
  dport: number;
}

export interface PfkeySaInput {
  satype: PfkeySatype;
  spi: number;
  src: string;
  dst: string;
  /** With mode (SADB_X_EXT_SA2) the reqid goes too. */
  mode?: PfkeyMode;
  reqid?: number;
  /** sadb_sa_replay: a u8. */
  replay?: number;
  flags?: number;
  auth?: PfkeyAlgorithm;
  encrypt?: PfkeyAlgorithm;
  hard?: PfkeyLifetime;
  soft?: PfkeyLifetime;
  natt?: PfkeyNatT;
}

/** An SA as the kernel reports it; `current` counts from installation (seconds since the epoch). */
export interface PfkeySa extends Omit<PfkeySaInput, 'satype' | 'mode'> {
  satype: PfkeySatype | 'unspec' | number;
  mode?: PfkeyMode | number;
  reqid: number;
  replay: number;
  state: 'larval' | 'mature' | 'dying' | 'dead' | number;
  flags: number;
  current?: { packets: number; bytes: number; addTime: number; useTime: number };
}

export interface PfkeyPrefix {
  address: string;
  prefixLength: number;
  /** 0 or absent: any port. */
  port?: number;
}

export interface PfkeyRequestInput {
  proto: PfkeySatype;
  mode: PfkeyMode;
  level?: PfkeyLevel;
  reqid?: number;
  /** Tunnel endpoints; required in tunnel mode. */
  src?: string;
  dst?: string;
}

export interface PfkeyPolicyInput {
  src: PfkeyPrefix;
  dst: PfkeyPrefix;
  /** Upper-layer protocol; absent is any (IPSEC_ULPROTO_ANY). */
  proto?: number;
  dir: PfkeyDir;
  type?: 'ipsec' | 'none' | 'discard';
  priority?: number;
  id?: number;
  hard?: PfkeyLifetime;
  soft?: PfkeyLifetime;
  requests?: PfkeyRequestInput[];
}

export interface PfkeyPolicy extends Omit<PfkeyPolicyInput, 'dir' | 'type' | 'requests'> {
  dir: PfkeyDir | number;
  type: 'ipsec' | 'none' | 'discard' | number;
  id: number;
  priority: number;
  requests: Array<Omit<PfkeyRequestInput, 'proto' | 'mode' | 'level'> & { proto: PfkeySatype | number; mode: PfkeyMode | number; level: PfkeyLevel | number; reqid: number }>;
}

/** What identifies an SA to PF_KEY: both addresses (address(SD) in RFC 2367), the SPI and the type. */
export interface PfkeySaId {
  satype: PfkeySatype;
  src: string;
  dst: string;
  spi: number;
}

export interface PfkeySpiRequest {
  satype: PfkeySatype;
  src: string;
  dst: string;
  min: number;
  max: number;
  mode?: PfkeyMode;
  reqid?: number;
}

export type PfkeyRequest =
  | ({ op: 'getspi' } & PfkeySpiRequest)
  | { op: 'add'; sa: PfkeySaInput }
  | { op: 'update'; sa: PfkeySaInput }
  | ({ op: 'delete' } & PfkeySaId)
  | ({ op: 'get' } & PfkeySaId)
  | { op: 'dump'; satype?: PfkeySatype }
  | { op: 'flush'; satype?: PfkeySatype }
  | { op: 'spdadd'; policy: PfkeyPolicyInput }
  | { op: 'spdupdate'; policy: PfkeyPolicyInput }
  | { op: 'spddelete'; policy: PfkeyPolicyInput }
  | { op: 'spdget'; id: number }
  | { op: 'spddump' }
  | { op: 'spdflush' };

/** SPDADD and SPDUPDATE resolve with the policy's index (sadb_x_policy_id) as installed. */
export interface PfkeyReplies {
  getspi: PfkeySa;
  add: undefined;
  update: undefined;
  delete: undefined;
  get: PfkeySa;
  dump: PfkeySa[];
  flush: undefined;
  spdadd: number;
  spdupdate: number;
  spddelete: undefined;
  spdget: PfkeyPolicy;
  spddump: PfkeyPolicy[];
  spdflush: undefined;
}
export type PfkeyOp = keyof PfkeyReplies;
export type PfkeyReply = PfkeyReplies[PfkeyOp];

/** A kernel refusal (sadb_msg_errno) or a failed system call; `operation` is the message type (SADB_ADD). */
export type PfkeyError = KernelError;
export const isPfkeyError = isKernelError;

export interface PfkeySupportedAlgorithm {
  id: number;
  ivLength: number;
  minBits: number;
  maxBits: number;
}

export type PfkeyEvent =
  | {
      type: 'acquire';
      satype: PfkeySatype | 'unspec' | number;
      /** The kernel's ACQUIRE sequence number. */
      seq: number;
      /** The SA's endpoints: the template's in tunnel mode, the packet's in transport mode. */
      src: string;
      dst: string;
      /** The policy the packet met; Linux sends no template with it. */
      policyId: number;
      dir: PfkeyDir | number;
    }
  | { type: 'expire'; hard: boolean; sa: PfkeySa }
  /** The answer to the monitor's SADB_REGISTER: what the kernel can do for the SA type. */
  | { type: 'register'; satype: PfkeySatype | 'unspec' | number; auth: PfkeySupportedAlgorithm[]; encrypt: PfkeySupportedAlgorithm[] }
  /** The kernel dropped messages because the socket's queue was full (ENOBUFS). */
  | { type: 'overrun' }
  /** Polling the socket failed; no more events will come. */
  | { type: 'error'; error: PfkeyError };

export interface PfkeyOptions {
  /** A network namespace file (/run/netns/NAME): use that namespace's SAD and SPD. */
  netns?: string;
}

/** A message as the addon reads it back (pfkeyDecode). */
export interface PfkeyDecoded {
  type: number;
  satype: number;
  errno: number;
  seq: number;
  pid: number;
  sa?: PfkeySa;
  policy?: PfkeyPolicy;
  event?: PfkeyEvent;
}

type NativePfkeySocket = NativeExecutor<PfkeyRequest, PfkeyReply>;

interface PfkeyAddon {
  PfkeySocket: new (options?: PfkeyOptions) => NativePfkeySocket;
  PfkeyMonitor: new (socket: NativePfkeySocket, onEvents: (events: PfkeyEvent[]) => void, options: { satypes?: PfkeySatype[] }) => NativeMonitor;
  pfkeyEncode(request: PfkeyRequest): Buffer;
  pfkeyDecode(message: Buffer): PfkeyDecoded;
}

const pfkeyAddon = (): PfkeyAddon => addonWith<PfkeyAddon>(['PfkeySocket', 'PfkeyMonitor'], 'PF_KEY support');

/** The message a request sends (sequence number and pid 0): the codec, without a socket. */
export function pfkeyEncode(request: PfkeyRequest): Buffer {
  return pfkeyAddon().pfkeyEncode(request);
}

/** A PF_KEY message as ikegate reads it. */
export function pfkeyDecode(message: Buffer): PfkeyDecoded {
  return pfkeyAddon().pfkeyDecode(message);
}

/** A request socket. Its methods resolve with the kernel's reply or reject with a PfkeyError. */
export class PfkeySocket extends KernelSocket<PfkeyRequest, PfkeyReplies> {
  /** What a PfkeyMonitor listens on. */
  readonly native: NativePfkeySocket;

  constructor(options: PfkeyOptions = {}) {
    const native = new (pfkeyAddon().PfkeySocket)(options);
    super(native, 'PF_KEY');
    this.native = native;
  }

  getSpi(r: PfkeySpiRequest): Promise<PfkeySa> {
    return this.request({ op: 'getspi', ...r });
  }
  add(sa: PfkeySaInput): Promise<undefined> {
    return this.request({ op: 'add', sa });
  }
  update(sa: PfkeySaInput): Promise<undefined> {
    return this.request({ op: 'update', sa });
  }
  delete(id: PfkeySaId): Promise<undefined> {
    return this.request({ op: 'delete', ...id });
  }
  get(id: PfkeySaId): Promise<PfkeySa> {
    return this.request({ op: 'get', ...id });
  }
  dump(): Promise<PfkeySa[]> {
    return this.request({ op: 'dump' });
  }
  flush(satype?: PfkeySatype): Promise<undefined> {
    return this.request(satype === undefined ? { op: 'flush' } : { op: 'flush', satype });
  }
  /** Resolves with the policy's index. */
  spdAdd(policy: PfkeyPolicyInput): Promise<number> {
    return this.request({ op: 'spdadd', policy });
  }
  /** Resolves with the policy's index, kept when it replaced one. */
  spdUpdate(policy: PfkeyPolicyInput): Promise<number> {
    return this.request({ op: 'spdupdate', policy });
  }
  spdDelete(policy: PfkeyPolicyInput): Promise<undefined> {
    return this.request({ op: 'spddelete', policy });
  }
  spdGet(id: number): Promise<PfkeyPolicy> {
    return this.request({ op: 'spdget', id });
  }
  spdDump(): Promise<PfkeyPolicy[]> {
    return this.request({ op: 'spddump' });
  }
  spdFlush(): Promise<undefined> {
    return this.request({ op: 'spdflush' });
  }
}

/**
 * A PfkeySocket registered for ACQUIRE and EXPIRE, which arrive with the REGISTER answers on
 * Node's own loop. The socket's requests and its events share the one PF_KEY socket: Linux
 * copies every SA and policy change to every PF_KEY socket, so a second one would receive the
 * replies of every bulk install again.
 */
export class PfkeyMonitor extends KernelMonitor {
  constructor(socket: PfkeySocket, onEvents: (events: PfkeyEvent[]) => void, options: { satypes?: PfkeySatype[] } = {}) {
    super(new (pfkeyAddon().PfkeyMonitor)(socket.native, onEvents, options));
  }
}

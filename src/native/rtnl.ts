/**
 * Typed access to the addon's rtnetlink class (native/src/rtnl_*.cc): links and their admin
 * state, IPv4 addresses, IPv4 routes. The vocabulary is the kernel's (ifindex, IFF_* flags,
 * IF_OPER_* states, RTPROT_, RT_SCOPE_ and RTN_ numbers); src/net/ maps router configuration
 * onto it. Each request runs on the libuv threadpool, in the order it was made.
 */
import { addonWith } from './addon';
import { isKernelError, type KernelError } from './kernel-error';

/** IFF_UP: administratively up; IFF_LOWER_UP: the device has carrier. */
export const IFF_UP = 0x1;
export const IFF_LOOPBACK = 0x8;
export const IFF_LOWER_UP = 0x10000;
/** IF_OPER_* (RFC 2863 operational states, as the kernel numbers them). */
export const IF_OPER_UNKNOWN = 0;
export const IF_OPER_UP = 6;
export const RT_TABLE_MAIN = 254;

export interface RtnlLink {
  index: number;
  name: string;
  flags: number;
  operState: number;
  mtu: number;
}

export interface RtnlAddress {
  index: number;
  address: string;
  prefixLength: number;
  scope: number;
}

export interface RtnlRoute {
  table: number;
  protocol: number;
  scope: number;
  type: number;
  destination: string;
  prefixLength: number;
  gateway?: string;
  /** Output interface index, when the route has one. */
  index?: number;
}

/** A static IPv4 route of the main table through a gateway. */
export interface RtnlRouteSpec {
  destination: string;
  prefixLength: number;
  gateway: string;
}

export interface RtnlAddressSpec {
  index: number;
  address: string;
  prefixLength: number;
}

type RtnlRequest =
  | { op: 'links' | 'addresses' | 'routes' }
  | { op: 'setlink'; index: number; up: boolean }
  | ({ op: 'newaddr' | 'deladdr' } & RtnlAddressSpec)
  | ({ op: 'newroute' | 'delroute' } & RtnlRouteSpec);

/** A kernel refusal; `operation` is the message type (RTM_NEWROUTE). */
export type RtnlError = KernelError;
export const isRtnlError = isKernelError;

interface NativeRtnlSocket {
  execute(request: RtnlRequest): Promise<unknown>;
  close(): void;
}

type RtnlSocketClass = new (options?: { netns?: string }) => NativeRtnlSocket;

const nativeClass = (): RtnlSocketClass => addonWith<{ RtnlSocket: RtnlSocketClass }>(['RtnlSocket'], 'RtnlSocket').RtnlSocket;

/** One rtnetlink request socket, in this network namespace or in `netns` (/run/netns/NAME). */
export class RtnlSocket {
  private readonly native: NativeRtnlSocket;

  constructor(options: { netns?: string } = {}) {
    const Socket = nativeClass();
    this.native = new Socket(options.netns === undefined ? {} : { netns: options.netns });
  }

  links(): Promise<RtnlLink[]> {
    return this.native.execute({ op: 'links' }) as Promise<RtnlLink[]>;
  }

  /** IPv4 addresses of every link. */
  addresses(): Promise<RtnlAddress[]> {
    return this.native.execute({ op: 'addresses' }) as Promise<RtnlAddress[]>;
  }

  /** IPv4 routes of every table (filter on `table`). */
  routes(): Promise<RtnlRoute[]> {
    return this.native.execute({ op: 'routes' }) as Promise<RtnlRoute[]>;
  }

  async setLinkUp(index: number, up: boolean): Promise<void> {
    await this.native.execute({ op: 'setlink', index, up });
  }

  /** Adds or replaces (idempotent). */
  async addAddress(spec: RtnlAddressSpec): Promise<void> {
    await this.native.execute({ op: 'newaddr', ...spec });
  }

  async deleteAddress(spec: RtnlAddressSpec): Promise<void> {
    await this.native.execute({ op: 'deladdr', ...spec });
  }

  /** Appends beside any other route to the same prefix (EEXIST only for the very same route). */
  async addRoute(spec: RtnlRouteSpec): Promise<void> {
    await this.native.execute({ op: 'newroute', ...spec });
  }

  async deleteRoute(spec: RtnlRouteSpec): Promise<void> {
    await this.native.execute({ op: 'delroute', ...spec });
  }

  close(): void {
    this.native.close();
  }
}

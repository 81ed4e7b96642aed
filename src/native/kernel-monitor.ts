/** What the addon's event monitors (XFRM multicast, registered PF_KEY) share: a handle on Node's loop. */
export interface NativeMonitor {
  close(): void;
  ref(): void;
  unref(): void;
}

export abstract class KernelMonitor {
  protected constructor(private readonly native: NativeMonitor) {}

  /** Like a socket's unref(): an idle monitor alone does not keep the process running. */
  unref(): this {
    this.native.unref();
    return this;
  }

  ref(): this {
    this.native.ref();
    return this;
  }

  close(): void {
    this.native.close();
  }
}

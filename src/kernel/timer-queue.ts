/**
 * Many one-shot timers on one host timer: a min-heap of deadlines. A gateway with N tunnels
 * holds several deadlines per tunnel (IKE SA rekey and expiry, each IPsec SA's lifetimes);
 * a host timer object each costs more heap than the deadline itself.
 */

/** The host's timer facility (Node's by default; tests drive their own). */
export interface TimerHost {
  /** Monotonic milliseconds. */
  now(): number;
  set(fire: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const nodeHost: TimerHost = {
  now: () => performance.now(),
  set: (fire, ms) => setTimeout(fire, ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** A pending deadline; `fire` is dropped once it has fired or been cancelled. */
export interface TimerEntry {
  readonly due: number;
  readonly seq: number;
  fire: (() => void) | undefined;
}

/** setTimeout's longest delay (about 24.8 days); the host timer is re-armed after it. */
const MAX_DELAY = 0x7fffffff;
/** Cancelled entries stay in the heap until due; past this many (and half the heap) it is rebuilt. */
const COMPACT_AT = 1024;

export class TimerQueue {
  private heap: TimerEntry[] = [];
  private seq = 0;
  private cancelled = 0;
  private handle: unknown;
  private armedDue = Infinity;

  constructor(private readonly host: TimerHost = nodeHost) {}

  /** Calls `fire` after `ms` (timers due at the same time fire in the order they were added). */
  add(fire: () => void, ms: number): TimerEntry {
    const entry: TimerEntry = { due: this.host.now() + Math.max(0, ms), seq: this.seq++, fire };
    this.push(entry);
    this.arm();
    return entry;
  }

  /** The entry will not fire; cancelling one that fired or was cancelled does nothing. */
  cancel(entry: TimerEntry): void {
    if (!entry.fire) return;
    entry.fire = undefined;
    this.cancelled++;
    if (this.cancelled >= COMPACT_AT && this.cancelled * 2 > this.heap.length) this.compact();
    this.arm();
  }

  /** Deadlines not yet fired nor cancelled. */
  get size(): number {
    return this.heap.length - this.cancelled;
  }

  private readonly run = (): void => {
    this.handle = undefined;
    this.armedDue = Infinity;
    try {
      const now = this.host.now();
      for (let top = this.heap[0]; top && top.due <= now; top = this.heap[0]) {
        this.pop();
        const fire = top.fire;
        if (!fire) {
          this.cancelled--;
          continue;
        }
        top.fire = undefined;
        fire();
      }
    } finally {
      // Also after a callback threw: the others still fire, on the next turn.
      this.arm();
    }
  };

  /** The host timer set for the earliest live deadline, or none. */
  private arm(): void {
    while (this.heap[0] && !this.heap[0].fire) {
      this.pop();
      this.cancelled--;
    }
    const first = this.heap[0];
    const due = first ? first.due : Infinity;
    if (due === this.armedDue) return;
    if (this.handle !== undefined) this.host.clear(this.handle);
    this.handle = undefined;
    this.armedDue = due;
    if (first) this.handle = this.host.set(this.run, Math.min(Math.max(0, due - this.host.now()), MAX_DELAY));
  }

  private compact(): void {
    const live = this.heap.filter((e) => e.fire);
    this.heap = [];
    this.cancelled = 0;
    for (const e of live) this.push(e);
  }

  private static before(a: TimerEntry, b: TimerEntry): boolean {
    return a.due < b.due || (a.due === b.due && a.seq < b.seq);
  }

  private push(entry: TimerEntry): void {
    const h = this.heap;
    let i = h.push(entry) - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!TimerQueue.before(entry, h[parent] as TimerEntry)) break;
      h[i] = h[parent] as TimerEntry;
      i = parent;
    }
    h[i] = entry;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop() as TimerEntry;
    if (h.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const child = r < h.length && TimerQueue.before(h[r] as TimerEntry, h[l] as TimerEntry) ? r : l;
      if (!TimerQueue.before(h[child] as TimerEntry, last)) break;
      h[i] = h[child] as TimerEntry;
      i = child;
    }
    h[i] = last;
  }
}

/**
 * Many one-shot deadlines on one host timer: a min-heap. A gateway with N tunnels holds
 * several deadlines per tunnel (IKE SA rekey and expiry, each IPsec SA's lifetimes); a host
 * timer object each costs more heap than the deadline itself.
 *
 * The heap is kept in parallel arrays (due time, insertion number, item), so a deadline costs
 * three array slots and the fields of its item; a DeadlineQueue hands due items to one
 * function, so an item needs no callback of its own either. Cancelled and rescheduled entries
 * stay in the heap until due (an entry is live while its number is the item's `seq`).
 *
 * The host timer is only moved earlier. When the deadline it was set for is cancelled it stays
 * (unless nothing is left), fires early and is set again for the next live deadline: most
 * deadlines are retransmission timeouts cancelled by the answer, and moving the host timer on
 * each of those cost a clear and a set of a Node timer per IKE message.
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

/** What a DeadlineQueue keeps on an item: set by the queue only. */
export interface Deadline {
  /** The number of its live heap entry; 0 when not queued. */
  seq: number;
}

/** setTimeout's longest delay (about 24.8 days); the host timer is re-armed after it. */
const MAX_DELAY = 0x7fffffff;
/** Dead entries stay in the heap until due; past this many (and half the heap) it is rebuilt. */
const COMPACT_AT = 1024;

export class DeadlineQueue<T extends Deadline> {
  private dues: number[] = [];
  private seqs: number[] = [];
  private items: T[] = [];
  private lastSeq = 0;
  private dead = 0;
  private handle: unknown;
  private armedDue = Infinity;

  constructor(
    private readonly onDue: (item: T) => void,
    private readonly host: TimerHost = nodeHost,
  ) {}

  /**
   * `onDue(item)` after `ms` (items due at the same time come in the order they were
   * scheduled); scheduling a queued item again moves its deadline.
   */
  schedule(item: T, ms: number): void {
    if (item.seq !== 0) this.dead++;
    // A whole millisecond, rounded up (never early): a small integer is stored in the array
    // itself, where a fraction would make the array one of boxed numbers.
    const due = Math.ceil(this.host.now() + Math.max(0, ms));
    item.seq = ++this.lastSeq;
    this.push(due, item.seq, item);
    this.maybeCompact();
    if (due < this.armedDue) this.arm();
  }

  /** The item will not come due; cancelling one that is not queued does nothing. */
  cancel(item: T): void {
    if (item.seq === 0) return;
    item.seq = 0;
    this.dead++;
    if (this.size === 0) this.clear();
    else this.maybeCompact();
  }

  /** Items queued. */
  get size(): number {
    return this.items.length - this.dead;
  }

  private readonly run = (): void => {
    this.handle = undefined;
    this.armedDue = Infinity;
    try {
      const now = this.host.now();
      while (this.items.length > 0 && (this.dues[0] as number) <= now) {
        const item = this.items[0] as T;
        const live = item.seq === this.seqs[0];
        this.pop();
        if (!live) {
          this.dead--;
          continue;
        }
        item.seq = 0;
        this.onDue(item);
      }
    } finally {
      // Also after a callback threw: the others still fire, on the next turn.
      this.arm();
    }
  };

  private liveTop(): boolean {
    return (this.items[0] as T).seq === this.seqs[0];
  }

  /** The host timer set for the earliest live deadline, or none. */
  private arm(): void {
    while (this.items.length > 0 && !this.liveTop()) {
      this.pop();
      this.dead--;
    }
    const due = this.items.length > 0 ? (this.dues[0] as number) : Infinity;
    if (due === this.armedDue) return;
    if (this.handle !== undefined) this.host.clear(this.handle);
    this.handle = undefined;
    this.armedDue = due;
    if (due !== Infinity) this.handle = this.host.set(this.run, Math.min(Math.max(0, due - this.host.now()), MAX_DELAY));
  }

  /** Nothing live is left: no entries, and no host timer to keep the process waiting. */
  private clear(): void {
    this.dues = [];
    this.seqs = [];
    this.items = [];
    this.dead = 0;
    this.arm();
  }

  private maybeCompact(): void {
    if (this.dead < COMPACT_AT || this.dead * 2 <= this.items.length) return;
    const [dues, seqs, items] = [this.dues, this.seqs, this.items];
    this.dues = [];
    this.seqs = [];
    this.items = [];
    this.dead = 0;
    items.forEach((item, i) => {
      if (item.seq === seqs[i]) this.push(dues[i] as number, item.seq, item);
    });
  }

  private before(i: number, due: number, seq: number): boolean {
    const d = this.dues[i] as number;
    return d < due || (d === due && (this.seqs[i] as number) < seq);
  }

  private set(i: number, due: number, seq: number, item: T): void {
    this.dues[i] = due;
    this.seqs[i] = seq;
    this.items[i] = item;
  }

  private move(from: number, to: number): void {
    this.set(to, this.dues[from] as number, this.seqs[from] as number, this.items[from] as T);
  }

  private push(due: number, seq: number, item: T): void {
    let i = this.items.length;
    this.items.push(item);
    this.dues.push(due);
    this.seqs.push(seq);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.before(parent, due, seq)) break;
      this.move(parent, i);
      i = parent;
    }
    this.set(i, due, seq, item);
  }

  private pop(): void {
    const item = this.items.pop() as T;
    const due = this.dues.pop() as number;
    const seq = this.seqs.pop() as number;
    const n = this.items.length;
    if (n === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const child = r < n && this.before(r, this.dues[l] as number, this.seqs[l] as number) ? r : l;
      if (!this.before(child, due, seq)) break;
      this.move(child, i);
      i = child;
    }
    this.set(i, due, seq, item);
  }
}

/** A pending callback of a TimerQueue. */
export interface TimerEntry extends Deadline {
  readonly fire: () => void;
}

/** Deadlines as callbacks, for callers that have no item of their own to queue. */
export class TimerQueue {
  private readonly queue: DeadlineQueue<TimerEntry>;

  constructor(host: TimerHost = nodeHost) {
    this.queue = new DeadlineQueue<TimerEntry>((entry) => entry.fire(), host);
  }

  /** Calls `fire` after `ms` (timers due at the same time fire in the order they were added). */
  add(fire: () => void, ms: number): TimerEntry {
    const entry: TimerEntry = { seq: 0, fire };
    this.queue.schedule(entry, ms);
    return entry;
  }

  /** The entry will not fire; cancelling one that fired or was cancelled does nothing. */
  cancel(entry: TimerEntry): void {
    this.queue.cancel(entry);
  }

  /** Deadlines not yet fired nor cancelled. */
  get size(): number {
    return this.queue.size;
  }
}

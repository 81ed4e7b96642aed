/**
 * A clock that moves only when told: `advance(ms)` runs every timer that falls due, in
 * deadline order (ties in scheduling order), including timers those timers set.
 * Fits the kernel's BackendClock and the transport's Timers.
 */
export class FakeClock {
  private time: number;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; fire: () => void }>();

  constructor(start = Date.UTC(2024, 0, 1)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fire: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, ms), fire });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Timers still waiting. */
  get pending(): number {
    return this.timers.size;
  }

  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let due: [number, { at: number; fire: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= end && (!due || entry[1].at < due[1].at)) due = entry;
      if (!due) break;
      this.timers.delete(due[0]);
      this.time = due[1].at;
      due[1].fire();
    }
    this.time = end;
  }
}

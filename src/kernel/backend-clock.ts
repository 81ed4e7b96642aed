import { TimerQueue, type TimerEntry, type TimerHost } from './timer-queue';

/** Time as the in-process backends see it; tests inject a fake one to run lifetimes instantly. */
export interface BackendClock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(fire: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** The process's deadlines (SA lifetimes, rekeys: several per tunnel) share one Node timer. */
const timers = new TimerQueue();

export const systemClock: BackendClock = {
  now: () => Date.now(),
  setTimeout: (fire, ms) => timers.add(fire, ms),
  clearTimeout: (handle) => timers.cancel(handle as TimerEntry),
};

/** A clock as the host of a DeadlineQueue: deadlines in the clock's time, on its timers. */
export function clockHost(clock: BackendClock): TimerHost {
  return { now: () => clock.now(), set: (fire, ms) => clock.setTimeout(fire, ms), clear: (handle) => clock.clearTimeout(handle) };
}

/** setTimeout's longest delay (about 24.8 days); longer waits are done in steps. */
const MAX_DELAY = 0x7fffffff;

/** Calls `fire` once `clock.now()` reaches `at`; returns the cancel function. */
export function armAt(clock: BackendClock, at: number, fire: () => void): () => void {
  let handle: unknown;
  const step = (): void => {
    const wait = at - clock.now();
    if (wait <= 0) fire();
    else handle = clock.setTimeout(step, Math.min(wait, MAX_DELAY));
  };
  handle = clock.setTimeout(step, Math.min(Math.max(0, at - clock.now()), MAX_DELAY));
  return () => clock.clearTimeout(handle);
}

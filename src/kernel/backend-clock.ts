/** Time as the in-process backends see it; tests inject a fake one to run lifetimes instantly. */
export interface BackendClock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(fire: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: BackendClock = {
  now: () => Date.now(),
  setTimeout: (fire, ms) => setTimeout(fire, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

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

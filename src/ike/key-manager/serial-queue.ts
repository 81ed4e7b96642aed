/**
 * Runs tasks one at a time, in the order they were posted. The key manager's state (exchange
 * machines, SA table, backend) is touched only from inside tasks, so an await in the middle
 * of one (a backend call) never lets another event see half-done work.
 */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly onError: (err: unknown) => void) {}

  /** Queue a task and wait for its result; a task must never wait for another queued task. */
  run<T>(task: () => T | Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.then(() => undefined, () => undefined);
    return result;
  }

  /** Queue a task nobody waits for; its failure goes to the error handler. */
  post(task: () => void | Promise<void>): void {
    this.run(task).catch(this.onError);
  }
}

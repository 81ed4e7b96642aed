/** A running console transport. */
export interface ConsoleHandle {
  /**
   * Resolves with an exit code when the console is over: for stdio, when its session ends
   * (end of input, `exit`, Ctrl-D); for a serial tty, only when the device fails or closes.
   */
  readonly done: Promise<number>;
  /** Stops the console (restores the terminal); `done` then resolves with 0. */
  close(): void;
}

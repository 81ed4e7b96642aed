/**
 * What a console transport (stdio, serial tty, unix control socket) needs from a CLI
 * session. Transports own bytes and line editing; the session owns modes and commands.
 */
export interface ExecResult {
  /** Text the command printed, each line ended by "\n" (may be empty). */
  output: string;
  /** False when the command was rejected (invalid, incomplete, ambiguous, failed). */
  ok: boolean;
  /** True when the session ended (e.g. `exit` from user EXEC). */
  ended: boolean;
}

export interface ConsoleSession {
  /** Current prompt, e.g. "Router(config-isakmp)#", or "Password: " while a secret is awaited. */
  prompt(): string;
  /** Run one input line (a command, or the answer to a pending question). */
  execute(line: string): Promise<ExecResult>;
  /** Tab completion: full replacement lines for `line` (one = unique completion). */
  complete(line: string): string[];
  /** Context help for a line ending in "?" (the "?" already removed), as printed text. */
  help(line: string): string;
  /** True while the next line is a secret (password): do not echo it, keep it out of history. */
  readonly awaitingSecret: boolean;
  /** Asynchronous console messages (warnings on card insertion, ...). Returns an unsubscribe. */
  onMessage(listener: (text: string) => void): () => void;
  close(): void;
}

export interface SessionOptions {
  /** Interactive terminal (TTY): enables confirmation questions. */
  interactive: boolean;
  /** Start in privileged EXEC (control socket: the socket's 0600 mode is the authentication). */
  privileged: boolean;
}

export interface SessionFactory {
  openSession(options: SessionOptions): ConsoleSession;
}

import type { ConsoleSession, ExecResult } from './session-api';

/**
 * The session as the line consoles drive it. Completion and help are asynchronous so the
 * same console code serves a local ConsoleSession and a remote one behind the control socket.
 */
export interface LineSession {
  prompt(): string;
  readonly awaitingSecret: boolean;
  execute(line: string): Promise<ExecResult>;
  complete(line: string): Promise<string[]>;
  help(line: string): Promise<string>;
  onMessage(listener: (text: string) => void): () => void;
  close(): void;
}

/** Adapts an in-process CLI session. */
export function localLineSession(session: ConsoleSession): LineSession {
  return {
    prompt: () => session.prompt(),
    get awaitingSecret() {
      return session.awaitingSecret;
    },
    execute: (line) => session.execute(line),
    complete: async (line) => session.complete(line),
    help: async (line) => session.help(line),
    onMessage: (listener) => session.onMessage(listener),
    close: () => session.close(),
  };
}

/** Runs a line, turning a thrown error into a rejected command so a console never dies of it. */
export async function executeSafely(session: LineSession, line: string): Promise<ExecResult> {
  try {
    return await session.execute(line);
  } catch (err) {
    return { output: `% ${errorText(err)}\n`, ok: false, ended: false };
  }
}

/** Help text, or the error as a console line when the session failed to produce it. */
export async function helpSafely(session: LineSession, line: string): Promise<string> {
  try {
    return await session.help(line);
  } catch (err) {
    return `% ${errorText(err)}\n`;
  }
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Async messages and outputs must end their line before a prompt is drawn after them. */
export function endWithNewline(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}

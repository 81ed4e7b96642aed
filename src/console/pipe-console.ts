import * as readline from 'node:readline';
import type { ConsoleHandle } from './console-handle';
import { endWithNewline, errorText, executeSafely, helpSafely, type LineSession } from './line-session';
import { PRESS_RETURN } from './tty-console';

export interface PipeConsoleOptions {
  /** Serial console: `exit` brings back "Press RETURN to get started" and a new session. */
  persistent: boolean;
  /** Stop at the first rejected command and finish with exit code 1. */
  exitOnError: boolean;
}

type SessionOutcome = 'ended' | 'end-of-input' | 'failed';

/**
 * Drives sessions from a script, as a serial line would show it: prompt, the line echoed
 * after it (never a secret answer), then the output. A line ending in "?" shows help.
 * Lines are read one at a time after the previous one has run, so output stays in order.
 */
export function runPipeConsole(
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
  openSession: () => Promise<LineSession>,
  options: PipeConsoleOptions,
): ConsoleHandle {
  const rl = readline.createInterface({ input, terminal: false, crlfDelay: Infinity });
  const lines = rl[Symbol.asyncIterator]();
  let closed = false;
  let waiting: LineSession | undefined;
  const write = (text: string): void => {
    if (text !== '') output.write(text);
  };

  const readLine = async (session: LineSession): Promise<string | undefined> => {
    waiting = session;
    const next = await lines.next();
    waiting = undefined;
    return next.done || closed ? undefined : next.value;
  };

  const runSession = async (session: LineSession): Promise<SessionOutcome> => {
    for (;;) {
      write(session.prompt());
      const line = await readLine(session);
      if (line === undefined) {
        write('\n');
        return 'end-of-input';
      }
      const secret = session.awaitingSecret;
      write(`${secret ? '' : line}\n`);
      const asked = line.trimEnd();
      if (!secret && asked.endsWith('?')) {
        write(endWithNewline(await helpSafely(session, asked.slice(0, -1))));
        continue;
      }
      const result = await executeSafely(session, line);
      write(result.output);
      if (!result.ok && options.exitOnError) return 'failed';
      if (result.ended) return 'ended';
    }
  };

  const main = async (): Promise<number> => {
    for (;;) {
      const session = await openSession();
      const unsubscribe = session.onMessage((text) => {
        // At a prompt: the message gets its own line, then the prompt comes back.
        write(waiting === session ? `\n${endWithNewline(text)}${session.prompt()}` : endWithNewline(text));
      });
      const outcome = await runSession(session).finally(() => {
        unsubscribe();
        session.close();
      });
      if (outcome === 'failed') return 1;
      if (outcome === 'end-of-input' || !options.persistent || closed) return 0;
      write(PRESS_RETURN);
      const anyLine = await lines.next();
      if (anyLine.done || closed) return 0;
    }
  };

  const done = main()
    .catch((err: unknown) => {
      write(`% ${errorText(err)}\n`);
      return 1;
    })
    .then((code) => new Promise<number>((resolve) => output.write('', () => resolve(code))))
    .finally(() => {
      closed = true;
      rl.close();
    });
  return {
    done,
    close: () => {
      closed = true;
      rl.close();
    },
  };
}

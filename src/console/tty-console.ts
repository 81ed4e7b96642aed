import * as readline from 'node:readline';
import type { ConsoleHandle } from './console-handle';
import { toReadlineCompletion } from './completion';
import { executeEndKey } from './end-key';
import { KeyFilter } from './key-filter';
import { endWithNewline, errorText, executeSafely, helpSafely, type LineSession } from './line-session';
import type { ExecResult } from './session-api';

/** A terminal input: process.stdin or a tty.ReadStream on a serial device. */
export interface TtyInput extends NodeJS.ReadableStream {
  setRawMode?(mode: boolean): unknown;
}

export interface TtyConsoleOptions {
  /** Serial console: `exit` brings back "Press RETURN to get started", Ctrl-D never ends it. */
  persistent: boolean;
}

/** What a router's console shows after its session ends, until RETURN is pressed. */
export const PRESS_RETURN = '\n\n\nPress RETURN to get started.\n\n';

/** Drives sessions on a terminal with line editing, history, Tab, "?" help and Ctrl-Z. */
export function runTtyConsole(
  input: TtyInput,
  output: NodeJS.WritableStream,
  openSession: () => Promise<LineSession>,
  options: TtyConsoleOptions,
): ConsoleHandle {
  const tty = new TtyConsole(input, output, openSession, options);
  return { done: tty.done, close: () => tty.finish(0) };
}

class TtyConsole {
  readonly done: Promise<number>;
  private resolveDone: (code: number) => void = () => undefined;
  private session: LineSession | undefined;
  private unsubscribe: (() => void) | undefined;
  /** The line being run; the key filter holds further input until it settles. */
  private running: Promise<void> = Promise.resolve();
  private busy = false;
  private waitingForReturn = false;
  private endKeyPressed = false;
  private closed = false;
  private readonly filter: KeyFilter;
  private readonly rl: readline.Interface;

  constructor(
    private readonly input: TtyInput,
    private readonly output: NodeJS.WritableStream,
    private readonly openSession: () => Promise<LineSession>,
    private readonly options: TtyConsoleOptions,
  ) {
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
    this.filter = new KeyFilter(
      {
        hidden: () => this.waitingForReturn || (this.session?.awaitingSecret ?? false),
        hiddenLine: (text) => this.onHiddenLine(text),
        help: () => this.onHelp(),
        endKey: () => this.onEndKey(),
        idle: () => this.running,
      },
      { ctrlDEnds: !options.persistent },
    );
    // readline only sets raw mode on a stream that has setRawMode, and the filter has none.
    input.setRawMode?.(true);
    input.pipe(this.filter);
    this.rl = readline.createInterface({
      input: this.filter,
      output,
      terminal: true,
      historySize: 256,
      completer: (line: string, callback: (err: null, result: readline.CompleterResult) => void) =>
        this.complete(line, callback),
    });
    this.rl.on('line', (line) => this.onLine(line));
    this.rl.on('SIGINT', () => this.onInterrupt());
    this.rl.on('close', () => {
      if (this.closed) return;
      this.write('\n');
      this.finish(0);
    });
    this.run(() => this.startSession());
  }

  finish(code: number): void {
    if (this.closed) return;
    this.closed = true;
    this.dropSession();
    this.rl.close();
    this.input.unpipe(this.filter);
    this.input.setRawMode?.(false);
    this.input.pause();
    this.resolveDone(code);
  }

  private run(work: () => Promise<void>): void {
    this.busy = true;
    const step = this.running.then(work).catch((err: unknown) => {
      this.write(`% ${errorText(err)}\n`);
      this.finish(1);
    });
    this.running = step;
    void step.finally(() => {
      if (this.running === step) this.busy = false;
    });
  }

  private async startSession(): Promise<void> {
    const session = await this.openSession();
    if (this.closed) {
      session.close();
      return;
    }
    this.session = session;
    this.unsubscribe = session.onMessage((text) => this.onMessage(text));
    this.showPrompt();
  }

  private dropSession(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.session?.close();
    this.session = undefined;
  }

  private showPrompt(): void {
    if (this.closed || !this.session) return;
    this.rl.setPrompt(this.session.prompt());
    this.rl.prompt();
  }

  private onLine(line: string): void {
    const endKey = this.endKeyPressed;
    this.endKeyPressed = false;
    this.run(async () => {
      const session = this.session;
      if (!session) return;
      this.afterResult(endKey ? await executeEndKey(session, line) : await executeSafely(session, line));
    });
  }

  private onHiddenLine(text: string): void {
    if (this.waitingForReturn) {
      this.waitingForReturn = false;
      this.run(() => this.startSession());
      return;
    }
    // The answer was not echoed, so Enter has not moved to a new line yet.
    this.write('\n');
    this.run(async () => {
      const session = this.session;
      if (session) this.afterResult(await executeSafely(session, text));
    });
  }

  private afterResult(result: ExecResult): void {
    this.write(result.output);
    if (!result.ended) {
      this.showPrompt();
      return;
    }
    this.dropSession();
    if (!this.options.persistent) {
      this.finish(0);
      return;
    }
    this.write(PRESS_RETURN);
    this.rl.setPrompt('');
    this.waitingForReturn = true;
  }

  private async onHelp(): Promise<void> {
    const session = this.session;
    if (!session || this.closed) return;
    const line = this.rl.line;
    this.rl.write(null, { ctrl: true, name: 'e' });
    this.write('?\n');
    const text = await helpSafely(session, line);
    if (this.closed) return;
    this.write(endWithNewline(text));
    // Redraw the prompt with the typed line kept, as IOS does after help.
    this.rl.prompt(true);
  }

  private onEndKey(): void {
    if (!this.session || this.closed) return;
    this.rl.write(null, { ctrl: true, name: 'e' });
    this.write('^Z');
    this.endKeyPressed = true;
    // Enter through readline so the typed line is taken (and kept in history) as usual.
    this.rl.write(null, { name: 'return' });
  }

  private onInterrupt(): void {
    this.rl.write(null, { ctrl: true, name: 'e' });
    this.rl.write(null, { ctrl: true, name: 'u' });
  }

  private onMessage(text: string): void {
    if (this.closed) return;
    if (this.busy) {
      this.write(endWithNewline(text));
      return;
    }
    readline.clearLine(this.output, 0);
    readline.cursorTo(this.output, 0);
    this.write(endWithNewline(text));
    this.rl.prompt(true);
  }

  private complete(line: string, callback: (err: null, result: readline.CompleterResult) => void): void {
    const session = this.session;
    if (!session) {
      callback(null, [[], line]);
      return;
    }
    session.complete(line).then(
      (candidates) => callback(null, toReadlineCompletion(line, candidates)),
      () => callback(null, [[], line]),
    );
  }

  private write(text: string): void {
    if (text !== '') this.output.write(text);
  }
}

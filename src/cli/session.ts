import type { ConsoleSession, ExecResult, SessionOptions } from '../console/session-api';
import type { Config } from '../config/model';
import { hardwareWarnings } from '../config/hardware-warnings';
import type { Command, CommandContext, Question } from './command';
import type { CommandTable } from './command-table';
import { CliError } from './cli-error';
import type { Args, MatchResult } from './grammar';
import { CONFIG_SUBMODES, GrammarMode, ModeFrame, promptFor } from './modes';
import type { Router } from './router';
import { acceptKeyStringLine } from './key-string-input';

/** Where a session's input comes from, for the log. */
export interface SessionSource {
  kind: 'stdio' | 'tty' | 'control' | 'startup-config';
  id?: string;
}

/**
 * One operator's session: its mode stack, pending question and output. Each command works
 * on a copy of the configuration; only a successful command replaces the live one, so a
 * rejected command changes nothing (not even the mode).
 */
export class CliSession implements ConsoleSession {
  private frames: ModeFrame[];
  private question: Question | undefined;
  private readonly listeners = new Set<(text: string) => void>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly router: Router,
    private readonly table: CommandTable,
    private readonly options: SessionOptions & { source: SessionSource; startIn?: ModeFrame[] },
  ) {
    this.frames = options.startIn ?? (options.privileged ? [{ mode: 'user' }, { mode: 'exec' }] : [{ mode: 'user' }]);
    this.unsubscribe = router.onBroadcast((text) => this.emit(text));
  }

  get awaitingSecret(): boolean {
    return this.question?.secret ?? false;
  }

  get mode(): ModeFrame | undefined {
    return this.frames[this.frames.length - 1];
  }

  prompt(): string {
    if (this.question) return this.question.prompt;
    const top = this.mode;
    return top ? promptFor(this.router.config.hostname, top) : '';
  }

  async execute(line: string): Promise<ExecResult> {
    const out: string[] = [];
    const promptWidth = this.prompt().length;
    const ok = await this.runLine(line, out, promptWidth);
    return { output: out.map((l) => `${l}\n`).join(''), ok, ended: this.frames.length === 0 };
  }

  complete(line: string): string[] {
    const top = this.mode;
    if (!top || top.mode === 'config-pubkey' || this.question) return [];
    return this.table.grammar(top.mode).complete(line);
  }

  help(line: string): string {
    const top = this.mode;
    if (!top || top.mode === 'config-pubkey' || this.question) return '';
    const r = this.table.grammar(top.mode).help(line);
    switch (r.kind) {
      case 'next': {
        const width = Math.max(0, ...r.entries.map(([t]) => t.length));
        return r.entries.map(([t, h]) => (h ? `  ${t.padEnd(width)}  ${h}` : `  ${t}`).trimEnd() + '\n').join('');
      }
      case 'words':
        return `${r.words.join('  ')}\n`;
      case 'invalid':
        return `${' '.repeat(this.prompt().length + r.column)}^\n% Invalid input detected at '^' marker.\n`;
      case 'ambiguous':
        return `% Ambiguous command: "${r.text}"\n`;
    }
  }

  onMessage(listener: (text: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.unsubscribe();
    this.listeners.clear();
  }

  private emit(text: string): void {
    for (const l of this.listeners) l(text);
  }

  private async runLine(line: string, out: string[], promptWidth: number): Promise<boolean> {
    const question = this.question;
    if (question) {
      this.question = undefined;
      return this.invoke(out, promptWidth, (ctx) => question.answer(ctx, line));
    }
    const top = this.mode;
    if (!top) return false;
    if (top.mode === 'config-pubkey') {
      return this.invoke(out, promptWidth, (ctx) => acceptKeyStringLine(ctx, top, line));
    }
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('!')) return true;

    let match = this.table.grammar(top.mode).match(line);
    let toConfig = false;
    if (match.kind !== 'ok' && CONFIG_SUBMODES.includes(top.mode)) {
      // IOS: a global command typed in a sub-mode leaves the sub-mode and runs.
      const global = this.table.grammar('config').match(line);
      if (global.kind === 'ok') {
        match = global;
        toConfig = true;
      }
    }
    if (match.kind !== 'ok') {
      out.push(...describeMismatch(match, promptWidth));
      return false;
    }
    this.log(line, match.command, match.args);
    const { command, args } = match;
    return this.invoke(out, promptWidth, (ctx) => command.run(ctx, args), toConfig);
  }

  private log(line: string, command: Command, args: Args): void {
    let shown = line.trim();
    for (const [name, value] of args.list()) {
      if (command.secret?.includes(name)) shown = shown.split(value).join('<redacted>');
    }
    this.router.services.log.info({ source: this.options.source, command: shown }, 'command');
  }

  /** Run `fn` on a draft configuration and frame stack; adopt both only if it succeeds. */
  private async invoke(
    out: string[],
    promptWidth: number,
    fn: (ctx: CommandContext) => void | Promise<void>,
    toConfig = false,
  ): Promise<boolean> {
    const revision = this.router.revision;
    const before = this.router.config;
    const draft = this.router.draft();
    let frames = [...this.frames];
    if (toConfig) frames = frames.slice(0, frames.findIndex((f) => f.mode === 'config') + 1);
    let question: Question | undefined;
    const ctx = this.context(draft, () => frames, (f) => (frames = f), out, (q) => (question = q), promptWidth);
    try {
      await fn(ctx);
    } catch (err) {
      if (err instanceof CliError) {
        out.push(`% ${err.message}`);
        if (err.leaveMode) this.frames = this.frames.slice(0, -1);
        return false;
      }
      this.router.services.log.error({ err }, 'command failed');
      out.push(`% Internal error: ${(err as Error).message}`);
      return false;
    }
    if (JSON.stringify(draft) !== JSON.stringify(before)) {
      if (!this.router.commit(draft, revision)) {
        out.push('% Configuration was changed by another session meanwhile; command not applied');
        return false;
      }
      out.push(...newWarnings(before, draft, this.router));
    }
    this.frames = frames;
    this.question = question;
    return true;
  }

  private context(
    draft: Config,
    frames: () => ModeFrame[],
    setFrames: (f: ModeFrame[]) => void,
    out: string[],
    setQuestion: (q: Question) => void,
    promptWidth: number,
  ): CommandContext {
    const ctx: CommandContext = {
      config: draft,
      get frame() {
        return frames()[frames().length - 1] as ModeFrame;
      },
      services: this.router.services,
      interactive: this.options.interactive,
      enter: (frame) => setFrames([...frames(), frame]),
      replaceFrame: (frame) => setFrames([...frames().slice(0, -1), frame]),
      leave: (how) => {
        const f = frames();
        if (how === 'exit') setFrames(f.slice(0, -1));
        else if (how === 'user') setFrames([{ mode: 'user' }]);
        else if (how === 'logout') setFrames([]);
        else setFrames(f.slice(0, f.findIndex((x) => x.mode === 'exec') + 1));
      },
      print: (line = '') => {
        out.push(...line.split('\n'));
      },
      // Output so far goes out with the progress line, keeping the order the operator sees.
      progress: (line) => this.emit([...out.splice(0), line].join('\n')),
      ask: (q) => setQuestion(q),
      runExec: async (line, column) => {
        const m = this.table.grammar('exec').match(line);
        if (m.kind === 'invalid') out.push(`${' '.repeat(promptWidth + column + m.column)}^`);
        if (m.kind !== 'ok') throw new CliError(mismatchMessage(m));
        const sub: CommandContext = {
          ...ctx,
          frame: { mode: 'exec' },
          enter: () => undefined,
          replaceFrame: () => undefined,
          leave: () => undefined,
        };
        await m.command.run(sub, m.args);
      },
    };
    return ctx;
  }
}

function describeMismatch(m: Exclude<MatchResult<Command>, { kind: 'ok' }>, promptWidth: number): string[] {
  switch (m.kind) {
    case 'invalid':
      return [`${' '.repeat(promptWidth + m.column)}^`, "% Invalid input detected at '^' marker."];
    default:
      return [`% ${mismatchMessage(m)}`];
  }
}

export function mismatchMessage(m: Exclude<MatchResult<Command>, { kind: 'ok' }>): string {
  switch (m.kind) {
    case 'invalid': return "Invalid input detected at '^' marker.";
    case 'incomplete': return 'Incomplete command.';
    case 'ambiguous': return `Ambiguous command: "${m.text}"`;
    case 'empty': return 'Incomplete command.';
  }
}

/** Hardware warnings that the command just caused (IOS warns at entry). */
function newWarnings(before: Readonly<Config>, after: Config, router: Router): string[] {
  const old = new Set(hardwareWarnings(before, router.services.hw));
  return hardwareWarnings(after, router.services.hw).filter((w) => !old.has(w));
}

export type { GrammarMode };

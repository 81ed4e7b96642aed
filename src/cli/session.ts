import type { ConsoleSession, ExecResult, SessionOptions } from '../console/session-api';
import type { Config } from '../config/model';
import type { Command, CommandContext, Question } from './command';
import type { CommandTable } from './command-table';
import { CliError } from './cli-error';
import type { Args, Grammar, MatchResult } from './grammar';
import { CONFIG_MODES, CONFIG_SUBMODES, GrammarMode, ModeFrame, promptFor } from './modes';
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
  /** The line being run (for messages quoting it). */
  private typed = '';
  private readonly listeners = new Set<(text: string) => void>();
  private readonly unsubscribe: () => void;

  constructor(
    private readonly router: Router,
    private readonly table: CommandTable,
    private readonly options: SessionOptions & {
      source: SessionSource;
      startIn?: ModeFrame[];
    },
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
    const doRest = this.doCommandRest(top.mode, line);
    if (doRest !== undefined) {
      return this.table.grammar('exec').complete(line.slice(doRest)).map((c) => `${line.slice(0, doRest)}${c}`);
    }
    for (const mode of this.grammarModes()) {
      const r = this.table.grammar(mode).complete(line);
      if (r.length > 0) return r;
    }
    return [];
  }

  help(line: string): string {
    const top = this.mode;
    if (!top || top.mode === 'config-pubkey' || this.question) return '';
    let r: ReturnType<Grammar<Command>['help']>;
    let offset = 0;
    const doRest = this.doCommandRest(top.mode, line);
    if (doRest !== undefined) {
      r = this.table.grammar('exec').help(line.slice(doRest));
      offset = doRest;
    } else {
      // Like command execution, help falls back to the enclosing modes when the current
      // mode cannot make sense of the line (IOS: `crypto isakmp ?` in a sub-mode).
      const results = this.grammarModes().map((mode) => this.table.grammar(mode).help(line));
      r = results.reduce((best, x) => (progress(x) > progress(best) ? x : best));
    }
    switch (r.kind) {
      case 'next': {
        const width = Math.max(0, ...r.entries.map(([t]) => t.length));
        return r.entries.map(([t, h]) => (h ? `  ${t.padEnd(width)}  ${h}` : `  ${t}`).trimEnd() + '\n').join('');
      }
      case 'words':
        return `${r.words.join('  ')}\n`;
      case 'invalid':
        return `${' '.repeat(this.prompt().length + offset + r.column)}^\n% Invalid input detected at '^' marker.\n`;
      case 'ambiguous':
        return `% Ambiguous command: "${line.slice(0, offset)}${r.text}"\n`;
    }
  }

  /** The grammar modes a line may be read in: the current one, then the enclosing config modes (IOS fallback). */
  private grammarModes(): GrammarMode[] {
    const out: GrammarMode[] = [];
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const mode = (this.frames[i] as ModeFrame).mode;
      if (mode === 'config-pubkey') return out;
      out.push(mode);
      if (!CONFIG_SUBMODES.includes(mode)) break;
    }
    return out;
  }

  /**
   * For `do <exec command>` in a config mode: where the exec command starts in `line`, once
   * `do` and a space have been typed (help and completion then follow the EXEC grammar).
   */
  private doCommandRest(mode: GrammarMode, line: string): number | undefined {
    if (!CONFIG_MODES.includes(mode)) return undefined;
    const m = /^(\s*(\S+)\s+)/.exec(line);
    if (!m) return undefined;
    const first = (m[2] as string).toLowerCase();
    if (first !== 'do' && this.table.grammar(mode).complete(first).join() !== 'do ') return undefined;
    return (m[1] as string).length;
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
    this.typed = line;
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

    // IOS: a line the sub-mode does not know is tried in the enclosing modes (up to global
    // configuration); if one accepts it, the session leaves the inner modes and runs it there.
    const modes = this.grammarModes();
    let match = this.table.grammar(top.mode).match(line);
    let depth = this.frames.length;
    if (match.kind !== 'ok') {
      let reported: MatchResult<Command> = match;
      for (let i = 1; i < modes.length; i++) {
        const m = this.table.grammar(modes[i] as GrammarMode).match(line);
        if (m.kind === 'ok') {
          match = m;
          depth = this.frames.length - i;
          break;
        }
        if (progress(m) > progress(reported)) reported = m;
      }
      if (match.kind !== 'ok') match = reported;
    }
    if (match.kind !== 'ok') {
      out.push(...describeMismatch(match as Exclude<MatchResult<Command>, { kind: 'ok' }>, promptWidth));
      return false;
    }
    this.log(line, match.command, match.args);
    const { command, args } = match;
    return this.invoke(out, promptWidth, (ctx) => command.run(ctx, args), depth);
  }

  private log(line: string, command: Command, args: Args): void {
    let shown = line;
    // Replace each secret word where it was typed (by column, quotes included), right to
    // left so earlier columns stay valid.
    const secrets = args.list().filter(([name]) => command.secret?.includes(name)).sort((a, b) => b[2] - a[2]);
    for (const [, , column] of secrets) {
      const raw = /^("[^"]*"|\S+)/.exec(shown.slice(column));
      const length = raw ? (raw[1] as string).length : 0;
      shown = `${shown.slice(0, column)}<redacted>${shown.slice(column + length)}`;
    }
    this.router.services.log.info({ source: this.options.source, command: shown.trim() }, 'command');
  }

  /** Run `fn` on a draft configuration and frame stack; adopt both only if it succeeds. */
  private async invoke(
    out: string[],
    promptWidth: number,
    fn: (ctx: CommandContext) => void | Promise<void>,
    depth = this.frames.length,
  ): Promise<boolean> {
    const revision = this.router.revision;
    const draft = this.router.draft();
    // depth < frames: the command was found in an enclosing mode, which it runs in.
    let frames = this.frames.slice(0, depth);
    let question: Question | undefined;
    const ctx = this.context(draft, () => frames, (f) => (frames = f), out, (q) => (question = q), promptWidth);
    try {
      // A synchronous command must not yield here: another session could commit meanwhile
      // and this one would be refused for nothing. Only commands that really wait can race.
      const pending = fn(ctx);
      if (pending instanceof Promise) await pending;
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
    const outcome = this.router.commit(draft, revision);
    if (outcome === 'conflict') {
      out.push('% Configuration was changed by another session meanwhile; command not applied');
      return false;
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
        // Not push(...lines): a long show output would overflow the call stack.
        for (const l of line.split('\n')) out.push(l);
      },
      // Output so far goes out with the progress line, keeping the order the operator sees.
      progress: (line) => this.emit([...out.splice(0), line].join('\n')),
      ask: (q) => setQuestion(q),
      runExec: async (line, column) => {
        const m = this.table.grammar('exec').match(line);
        if (m.kind === 'invalid') out.push(`${' '.repeat(promptWidth + column + m.column)}^`);
        // IOS quotes the whole typed line up to the ambiguous word ("do c").
        if (m.kind === 'ambiguous') throw new CliError(mismatchMessage({ ...m, text: `${this.typed.slice(0, column)}${m.text}`.trim() }));
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

/**
 * How far the grammar got with a line: a word it could not read at all scores its column;
 * anything else (incomplete, ambiguous, accepted, help) read every word.
 */
function progress(r: { kind: string; column?: number }): number {
  return r.kind === 'invalid' ? (r.column as number) : Number.MAX_SAFE_INTEGER;
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


export type { GrammarMode };

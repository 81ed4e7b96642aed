import { parseSyntax, SyntaxItem, Token } from './syntax';
import { KEYWORD_HELP } from './keyword-help';
import { parseIpv4 } from '../config/ipv4';

/** What the grammar needs to know of a command; the CLI layer adds handlers. */
export interface CommandSpec {
  syntax: string;
  /** Help for keywords (by text) and variables (by capture name) of this command. */
  help?: Record<string, string>;
  /** Captures whose values are secrets (redacted when the command is logged). */
  secret?: readonly string[];
}

export interface GrammarNode<C extends CommandSpec> {
  readonly token: Token;
  readonly capture: string | undefined;
  readonly help: string;
  readonly next: GrammarNode<C>[];
  readonly ends: C[];
}

export interface Word {
  text: string;
  column: number;
}

/** A captured value: name, value, column of its word. */
export type Capture = readonly [string, string, number];

/** Values a matched command line carries to its handler. */
export class Args {
  constructor(
    private readonly captures: ReadonlyArray<Capture>,
    private readonly keywords: ReadonlySet<string>,
  ) {}
  get(name: string): string | undefined {
    return this.captures.find(([k]) => k === name)?.[1];
  }
  str(name: string): string {
    const v = this.get(name);
    if (v === undefined) throw new Error(`internal: no argument "${name}"`);
    return v;
  }
  num(name: string): number {
    return Number(this.str(name));
  }
  all(name: string): string[] {
    return this.captures.filter(([k]) => k === name).map(([, v]) => v);
  }
  /** Column where the capture's word starts in the command line. */
  column(name: string): number | undefined {
    return this.captures.find(([k]) => k === name)?.[2];
  }
  /** Every capture, for logging with secrets redacted. */
  list(): ReadonlyArray<Capture> {
    return this.captures;
  }
  /** True when this keyword was typed (unique-prefix abbreviations count, by full name). */
  has(keyword: string): boolean {
    return this.keywords.has(keyword);
  }
}

export type MatchResult<C extends CommandSpec> =
  | { kind: 'ok'; command: C; args: Args; words: Word[] }
  | { kind: 'empty' }
  | { kind: 'invalid'; column: number }
  | { kind: 'incomplete' }
  | { kind: 'ambiguous'; text: string };

interface State<C extends CommandSpec> {
  node: GrammarNode<C> | undefined; // undefined: at the root
  captures: Capture[];
  keywords: string[];
  /** Words matched by a loose WORD/LINE token: fewer wins a tie between commands. */
  loose: number;
  /** A LINE token took the rest of the input. */
  rest: boolean;
}

type Strength = 'exact' | 'partial' | 'typed' | 'loose';

/** One mode's commands compiled into a graph walked word by word (an NFA). */
export class Grammar<C extends CommandSpec> {
  private readonly roots: GrammarNode<C>[] = [];
  private readonly commands: C[] = [];

  add(command: C): void {
    const items = parseSyntax(command.syntax);
    const frontier = this.compile(items, [undefined], command);
    if (frontier.includes(undefined)) throw new Error(`syntax "${command.syntax}": may be empty`);
    for (const n of frontier) (n as GrammarNode<C>).ends.push(command);
    this.commands.push(command);
  }

  list(): readonly C[] {
    return this.commands;
  }

  private compile(
    items: SyntaxItem[],
    preds: Array<GrammarNode<C> | undefined>,
    command: C,
    altCapture?: string,
  ): Array<GrammarNode<C> | undefined> {
    let frontier = preds;
    for (const item of items) {
      if (item.type === 'optional') {
        frontier = unique([...frontier, ...this.compile(item.body, frontier, command)]);
      } else if (item.type === 'alternatives') {
        const outs = item.options.flatMap((seq) => this.compile(seq, frontier, command, item.capture));
        frontier = unique(outs);
      } else {
        const capture = item.capture ?? (item.token.kind === 'keyword' ? altCapture : undefined);
        let prev = frontier;
        const chain: GrammarNode<C>[] = [];
        for (let i = 0; i < item.repeat; i++) {
          const node = this.node(item.token, capture, command);
          for (const p of prev) {
            if (p?.token.kind === 'line') throw new Error(`syntax "${command.syntax}": LINE must be the last item`);
            (p ? p.next : this.roots).push(node);
          }
          chain.push(node);
          prev = [node];
        }
        frontier = chain;
      }
    }
    return frontier;
  }

  private node(token: Token, capture: string | undefined, command: C): GrammarNode<C> {
    const key = token.kind === 'keyword' ? token.text : capture;
    const help = (key !== undefined ? command.help?.[key] : undefined) ??
      (token.kind === 'keyword' ? KEYWORD_HELP[token.text] : undefined) ?? '';
    return { token, capture, help, next: [], ends: [] };
  }

  match(line: string): MatchResult<C> {
    const words = splitWords(line);
    if (words.length === 0) return { kind: 'empty' };
    let states: State<C>[] = [{ node: undefined, captures: [], keywords: [], loose: 0, rest: false }];
    for (const word of words) {
      const r = this.step(states, word, line);
      if (r === 'ambiguous') {
        return { kind: 'ambiguous', text: line.slice(0, word.column + word.text.length).trim() };
      }
      if (r.length === 0) return { kind: 'invalid', column: word.column };
      states = r;
    }
    let best: { state: State<C>; command: C } | undefined;
    for (const s of states) {
      const command = s.node?.ends[0];
      if (command === undefined) continue;
      if (!best || s.loose < best.state.loose) best = { state: s, command };
    }
    if (!best) return { kind: 'incomplete' };
    return {
      kind: 'ok',
      command: best.command,
      args: new Args(best.state.captures, new Set(best.state.keywords)),
      words,
    };
  }

  private step(states: State<C>[], word: Word, line: string): State<C>[] | 'ambiguous' {
    const found: Array<{ from: State<C>; node: GrammarNode<C>; strength: Strength }> = [];
    const carried: State<C>[] = [];
    for (const from of states) {
      if (from.rest) {
        carried.push(from);
        continue;
      }
      for (const node of this.children(from.node)) {
        const strength = matchToken(node.token, word.text);
        if (strength) found.push({ from, node, strength });
      }
    }
    const hasExact = found.some((f) => f.strength === 'exact');
    let usable = found.filter((f) => !(hasExact && f.strength === 'partial'));
    const partialTexts = new Set(
      usable.filter((f) => f.strength === 'partial').map((f) => (f.node.token as { text: string }).text),
    );
    if (partialTexts.size > 1) {
      const others = usable.filter((f) => f.strength !== 'partial');
      if (others.length === 0) return 'ambiguous';
      usable = others;
    }
    return [
      ...carried,
      ...usable.map(({ from, node, strength }) => {
        const isLine = node.token.kind === 'line';
        const value = isLine ? line.slice(word.column).trim() : valueOf(node.token, word.text);
        return {
          node,
          captures: node.capture !== undefined ? [...from.captures, [node.capture, value, word.column] as const] : from.captures,
          keywords: node.token.kind === 'keyword' ? [...from.keywords, node.token.text] : from.keywords,
          loose: from.loose + (strength === 'loose' ? 1 : 0),
          rest: isLine,
        };
      }),
    ];
  }

  private children(node: GrammarNode<C> | undefined): GrammarNode<C>[] {
    return node ? node.next : this.roots;
  }

  /**
   * Context help for the text before a "?": when it ends in a space, the next tokens with
   * their help (and <cr> when the command may end here); otherwise the keywords completing
   * the last partial word.
   */
  help(line: string): { kind: 'next'; entries: Array<[string, string]> } | { kind: 'words'; words: string[] } | Exclude<MatchResult<C>, { kind: 'ok' | 'empty' | 'incomplete' }> {
    const trailingSpace = line === '' || /\s$/.test(line);
    const words = splitWords(line);
    const complete = trailingSpace ? words : words.slice(0, -1);
    const walked = this.walk(complete, line);
    if (!Array.isArray(walked)) return walked;
    if (trailingSpace) {
      const entries = new Map<string, string>();
      let canEnd = false;
      for (const s of walked) {
        if (s.rest || (s.node?.ends.length ?? 0) > 0) canEnd = true;
        if (s.rest) continue;
        for (const n of this.children(s.node)) {
          const shown = display(n.token);
          if (!entries.has(shown)) entries.set(shown, n.help);
        }
      }
      const sorted = [...entries].sort(([a], [b]) => sortKey(a).localeCompare(sortKey(b)));
      if (canEnd) sorted.push(['<cr>', '']);
      return { kind: 'next', entries: sorted };
    }
    const partial = (words[words.length - 1] as Word).text.toLowerCase();
    const out = new Set<string>();
    for (const s of walked) {
      if (s.rest) continue;
      for (const n of this.children(s.node)) {
        // IOS: "policy 1?" answers "<1-10000>"; a keyword is listed when it extends the word.
        if (n.token.kind === 'keyword' ? n.token.text.startsWith(partial) : mayBegin(n.token, partial)) out.add(display(n.token));
      }
    }
    if (out.size === 0) return { kind: 'invalid', column: (words[words.length - 1] as Word).column };
    return { kind: 'words', words: [...out].sort((a, b) => sortKey(a).localeCompare(sortKey(b))) };
  }

  /** Tab completion: full lines completing the last partial keyword. */
  complete(line: string): string[] {
    const words = splitWords(line);
    if (words.length === 0 || /\s$/.test(line)) return [];
    const last = words[words.length - 1] as Word;
    const walked = this.walk(words.slice(0, -1), line);
    if (!Array.isArray(walked)) return [];
    const partial = last.text.toLowerCase();
    const kws = new Set<string>();
    for (const s of walked) {
      for (const n of this.children(s.node)) {
        if (n.token.kind === 'keyword' && n.token.text.startsWith(partial)) kws.add(n.token.text);
      }
    }
    const head = line.slice(0, last.column);
    return [...kws].sort().map((k) => `${head}${k} `);
  }

  private walk(words: Word[], line: string): State<C>[] | { kind: 'invalid'; column: number } | { kind: 'ambiguous'; text: string } {
    let states: State<C>[] = [{ node: undefined, captures: [], keywords: [], loose: 0, rest: false }];
    for (const word of words) {
      const r = this.step(states, word, line);
      if (r === 'ambiguous') return { kind: 'ambiguous', text: line.slice(0, word.column + word.text.length).trim() };
      if (r.length === 0) return { kind: 'invalid', column: word.column };
      states = r;
    }
    return states;
  }

  /** Every node, for checks such as "each keyword has help". */
  *nodes(): Generator<GrammarNode<C>> {
    const seen = new Set<GrammarNode<C>>();
    const pending = [...this.roots];
    while (pending.length) {
      const n = pending.pop() as GrammarNode<C>;
      if (seen.has(n)) continue;
      seen.add(n);
      yield n;
      pending.push(...n.next);
    }
  }
}

function matchToken(token: Token, text: string): Strength | undefined {
  const lower = text.toLowerCase();
  switch (token.kind) {
    case 'keyword':
      if (token.text === lower) return 'exact';
      return token.text.startsWith(lower) ? 'partial' : undefined;
    case 'range': {
      if (!/^\d{1,10}$/.test(text)) return undefined;
      const n = Number(text);
      return n >= token.lo && n <= token.hi ? 'typed' : undefined;
    }
    case 'ipv4':
      return parseIpv4(text) !== undefined ? 'typed' : undefined;
    case 'word':
    case 'line':
      return 'loose';
  }
}

/** Could a word being typed still become this variable (for help on a partial word)? */
function mayBegin(token: Token, partial: string): boolean {
  switch (token.kind) {
    case 'range': return /^\d{1,10}$/.test(partial);
    case 'ipv4': return /^\d{1,3}(\.\d{0,3}){0,3}$/.test(partial);
    default: return true;
  }
}

function valueOf(token: Token, text: string): string {
  switch (token.kind) {
    case 'keyword': return token.text;
    case 'range': return String(Number(text));
    default: return text;
  }
}

function display(token: Token): string {
  switch (token.kind) {
    case 'keyword': return token.text;
    case 'range': return `<${token.lo}-${token.hi}>`;
    case 'ipv4': return 'A.B.C.D';
    case 'word': return 'WORD';
    case 'line': return 'LINE';
  }
}

/** IOS lists variables (<..>, A.B.C.D, WORD) before keywords. */
function sortKey(shown: string): string {
  return /^[a-z0-9]/.test(shown) ? `1${shown}` : `0${shown}`;
}

function unique<T>(xs: T[]): T[] {
  return [...new Set(xs)];
}

/** Split a command line into words with their columns; "double quotes" group a word. */
export function splitWords(line: string): Word[] {
  const out: Word[] = [];
  const re = /"([^"]*)"|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(line)) !== null) {
    out.push({ text: m[1] ?? (m[2] as string), column: m.index });
  }
  return out;
}

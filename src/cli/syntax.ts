/**
 * The command syntax mini-language. Commands are declared as data, e.g.
 *   "crypto isakmp policy prio:<1-10000>"
 *   "encryption cipher:{des|3des|aes [bits:{128|192|256}]}"
 *   "ip host name:WORD addr:A.B.C.D*8"
 * Items: keyword, <lo-hi> number range, A.B.C.D (IPv4), WORD (one word), LINE (rest of
 * line), {a|b c} alternatives of sequences, [a b] optional sequence. `name:` before an
 * item captures what it matched (for alternatives: the keyword chosen). `*N` after a
 * captured variable repeats it 1..N times.
 */

export type Token =
  | { kind: 'keyword'; text: string }
  | { kind: 'range'; lo: number; hi: number }
  | { kind: 'ipv4' }
  | { kind: 'word' }
  | { kind: 'line' };

export type SyntaxItem =
  | { type: 'token'; token: Token; capture?: string; repeat: number }
  | { type: 'optional'; body: SyntaxItem[] }
  | { type: 'alternatives'; options: SyntaxItem[][]; capture?: string };

export function parseSyntax(src: string): SyntaxItem[] {
  const tokens = lex(src);
  let pos = 0;

  const peek = (): string | undefined => tokens[pos];
  const take = (): string => {
    const t = tokens[pos++];
    if (t === undefined) throw new Error(`syntax "${src}": unexpected end`);
    return t;
  };

  function sequence(stop: Set<string>): SyntaxItem[] {
    const items: SyntaxItem[] = [];
    while (peek() !== undefined && !stop.has(peek() as string)) items.push(item());
    return items;
  }

  function item(): SyntaxItem {
    let capture: string | undefined;
    let t = take();
    const colon = /^([a-zA-Z][\w-]*):$/.exec(t);
    if (colon) {
      capture = colon[1];
      t = take();
    }
    if (t === '[') {
      const body = sequence(new Set([']']));
      if (take() !== ']') throw new Error(`syntax "${src}": missing ]`);
      if (capture) throw new Error(`syntax "${src}": capture on [ ] is not supported; capture inside`);
      return { type: 'optional', body };
    }
    if (t === '{') {
      const options: SyntaxItem[][] = [];
      for (;;) {
        options.push(sequence(new Set(['|', '}'])));
        const sep = take();
        if (sep === '}') break;
        if (sep !== '|') throw new Error(`syntax "${src}": expected | or }`);
      }
      return { type: 'alternatives', options, ...(capture ? { capture } : {}) };
    }
    const rep = /^(.*)\*(\d+)$/.exec(t);
    const body = rep ? (rep[1] as string) : t;
    const repeat = rep ? Number(rep[2]) : 1;
    if (rep && !capture) throw new Error(`syntax "${src}": repeated item needs a capture`);
    if (repeat < 1) throw new Error(`syntax "${src}": repeat count must be at least 1`);
    return { type: 'token', token: tokenOf(body, src), repeat, ...(capture ? { capture } : {}) };
  }

  const items = sequence(new Set());
  if (pos !== tokens.length) throw new Error(`syntax "${src}": trailing input`);
  return items;
}

function tokenOf(text: string, src: string): Token {
  const range = /^<(\d+)-(\d+)>$/.exec(text);
  if (range) {
    const lo = Number(range[1]);
    const hi = Number(range[2]);
    if (lo > hi) throw new Error(`syntax "${src}": empty range "${text}"`);
    return { kind: 'range', lo, hi };
  }
  if (text === 'A.B.C.D') return { kind: 'ipv4' };
  if (text === 'WORD') return { kind: 'word' };
  if (text === 'LINE') return { kind: 'line' };
  if (/^[a-z0-9][a-z0-9.-]*$/.test(text)) return { kind: 'keyword', text };
  throw new Error(`syntax "${src}": bad item "${text}"`);
}

function lex(src: string): string[] {
  const out: string[] = [];
  const re = /\s*([[\]{}|]|[a-zA-Z][\w-]*:|[^\s[\]{}|]+)/y;
  let end = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(src)) !== null) {
    out.push(m[1] as string);
    end = re.lastIndex;
  }
  if (src.slice(end).trim() !== '') throw new Error(`syntax "${src}": cannot lex`);
  return out;
}

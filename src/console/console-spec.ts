/** The `--console` flag of ikegated: stdio, tty:PATH or none. */
export type ConsoleSpec = { kind: 'stdio' } | { kind: 'tty'; path: string } | { kind: 'none' };

export function parseConsoleSpec(text: string): ConsoleSpec {
  if (text === 'stdio' || text === 'none') return { kind: text };
  if (text.startsWith('tty:') && text.length > 'tty:'.length) return { kind: 'tty', path: text.slice('tty:'.length) };
  throw new Error(`--console must be stdio, tty:PATH or none, not "${text}"`);
}

import type { CompleterResult } from 'node:readline';

/**
 * Turns the session's full replacement lines into readline's shape (candidates for the word
 * being typed, and that word), so readline fills a unique completion and lists several as
 * words, like IOS does. Candidates that do not extend the words before it cannot be shown
 * by readline and are left out.
 */
export function toReadlineCompletion(line: string, candidates: string[]): CompleterResult {
  const wordStart = line.search(/\S*$/);
  const before = line.slice(0, wordStart);
  const words = candidates.filter((c) => c.startsWith(before)).map((c) => c.slice(wordStart));
  return [words, line.slice(wordStart)];
}

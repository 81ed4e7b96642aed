import type { ExecResult } from './session-api';
import { executeSafely, type LineSession } from './line-session';

/** Configuration modes show a parenthesised mode name: "R1(config)#", "R1(cfg-crypto-trans)#". */
export function isConfigPrompt(prompt: string): boolean {
  return /\([^()]+\)#\s*$/.test(prompt);
}

/**
 * Ctrl-Z as IOS does it: the typed line is run first, then "end" leaves configuration mode.
 * Outside configuration mode (or when the line asked a question) nothing more is run.
 */
export async function executeEndKey(session: LineSession, typed: string): Promise<ExecResult> {
  let output = '';
  let ok = true;
  if (typed.trim() !== '') {
    const first = await executeSafely(session, typed);
    if (first.ended || session.awaitingSecret) return first;
    output = first.output;
    ok = first.ok;
  }
  if (!isConfigPrompt(session.prompt())) return { output, ok, ended: false };
  const end = await executeSafely(session, 'end');
  return { output: output + end.output, ok: ok && end.ok, ended: end.ended };
}

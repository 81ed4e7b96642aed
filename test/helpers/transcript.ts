import type { CliSession } from '../../src/cli/session';

export interface Step {
  line: string;
  /** The prompt the line was typed at. */
  prompt: string;
  output: string;
  ok: boolean;
  ended: boolean;
  /** The prompt after the line ran. */
  after: string;
}

/** Run lines one by one in `session`, recording prompts around each. */
export async function drive(session: CliSession, ...lines: string[]): Promise<Step[]> {
  const steps: Step[] = [];
  for (const line of lines) {
    const prompt = session.prompt();
    const r = await session.execute(line);
    steps.push({ line, prompt, output: r.output, ok: r.ok, ended: r.ended, after: session.prompt() });
  }
  return steps;
}

/** Run lines and throw (with the transcript) unless every one succeeds. */
export async function driveOk(session: CliSession, ...lines: string[]): Promise<Step[]> {
  const steps = await drive(session, ...lines);
  const bad = steps.find((s) => !s.ok);
  if (bad) throw new Error(`"${bad.line}" at ${bad.prompt} failed:\n${bad.output}`);
  return steps;
}

/** The console transcript: prompt, typed line, output, as a terminal shows it. */
export function transcript(steps: Step[]): string {
  return steps.map((s) => `${s.prompt}${s.line}\n${s.output}`).join('');
}

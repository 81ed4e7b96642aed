import type { Router } from './router';
import type { CommandTable } from './command-table';
import { CliSession } from './session';

export interface LoadProblem {
  line: number;
  text: string;
  /** The error as the console would print it, without the caret line. */
  message: string;
}

/**
 * Run a saved configuration through the CLI in global configuration mode, as IOS does at
 * boot: a line that fails is reported with its number and the rest still loads.
 */
export async function loadConfigText(router: Router, table: CommandTable, text: string): Promise<LoadProblem[]> {
  const session = new CliSession(router, table, {
    interactive: false,
    privileged: true,
    source: { kind: 'startup-config' },
    startIn: [{ mode: 'user' }, { mode: 'exec' }, { mode: 'config' }],
  });
  const problems: LoadProblem[] = [];
  try {
    const lines = text.split(/\r?\n/);
    for (const [i, line] of lines.entries()) {
      if (line.trim() === 'end') break;
      const r = await session.execute(line);
      if (!r.ok) {
        const message = r.output.split('\n').filter((l) => l.startsWith('%')).join(' ') || '% rejected';
        problems.push({ line: i + 1, text: line, message });
      }
    }
  } finally {
    session.close();
  }
  return problems;
}

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
 * A configuration without errors loads in one in-place pass (linear in its size; interfaces
 * and routes reach the kernel at the end); one with an error, or that the kernel refuses, is
 * loaded again command by command so each problem is reported on its line and changes nothing.
 */
export async function loadConfigText(router: Router, table: CommandTable, text: string): Promise<LoadProblem[]> {
  const lines = text.split(/\r?\n/);
  const net = router.services.net;
  const clean = await router.inPlace(
    async () => (await runLines(router, table, lines, true)).length === 0,
    async (before, after) => {
      await net?.apply(before, after);
    },
  ).catch(() => false);
  return clean ? [] : runLines(router, table, lines, false);
}

async function runLines(router: Router, table: CommandTable, lines: readonly string[], stopAtProblem: boolean): Promise<LoadProblem[]> {
  const session = new CliSession(router, table, {
    interactive: false,
    privileged: true,
    source: { kind: 'startup-config' },
    startIn: [{ mode: 'user' }, { mode: 'exec' }, { mode: 'config' }],
  });
  const problems: LoadProblem[] = [];
  try {
    for (const [i, line] of lines.entries()) {
      if (line.trim() === 'end') break;
      const r = await session.execute(line);
      if (!r.ok) {
        const message = r.output.split('\n').filter((l) => l.startsWith('%')).join(' ') || '% rejected';
        problems.push({ line: i + 1, text: line, message });
        if (stopAtProblem) break;
      }
    }
  } finally {
    session.close();
  }
  return problems;
}

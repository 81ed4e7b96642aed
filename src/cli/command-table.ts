import type { Command } from './command';
import { Grammar } from './grammar';
import type { GrammarMode } from './modes';

/** Every command, compiled into one grammar per mode. */
export class CommandTable {
  private readonly grammars = new Map<GrammarMode, Grammar<Command>>();

  constructor(commands: readonly Command[]) {
    for (const c of commands) {
      for (const mode of c.modes) this.grammar(mode).add(c);
    }
  }

  grammar(mode: GrammarMode): Grammar<Command> {
    let g = this.grammars.get(mode);
    if (!g) {
      g = new Grammar<Command>();
      this.grammars.set(mode, g);
    }
    return g;
  }

  modes(): GrammarMode[] {
    return [...this.grammars.keys()];
  }
}

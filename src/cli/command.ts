import type { Args, CommandSpec } from './grammar';
import type { Config } from '../config/model';
import type { GrammarMode, ModeFrame } from './modes';
import type { RouterServices } from './router';

/** A question put to the operator; the answer arrives as the session's next input line. */
export interface Question {
  prompt: string;
  secret: boolean;
  answer(ctx: CommandContext, line: string): void | Promise<void>;
}

export interface CommandContext {
  /** A working copy of the configuration: it replaces the live one only if the command succeeds. */
  readonly config: Config;
  /** The mode the command runs in (for sub-mode commands: which policy, map, interface...). */
  readonly frame: ModeFrame;
  readonly services: RouterServices;
  /** True on an interactive terminal: confirmation questions are asked only there. */
  readonly interactive: boolean;
  /** Enter a sub-mode (pushes a frame). */
  enter(frame: ModeFrame): void;
  /**
   * Leave modes: 'exit' pops one frame, 'end' returns to privileged EXEC, 'user' drops to
   * user EXEC, 'logout' ends the session.
   */
  leave(how: 'exit' | 'end' | 'user' | 'logout'): void;
  /** Replace the innermost frame (e.g. key-string lines collected so far). */
  replaceFrame(frame: ModeFrame): void;
  /** A line of output. */
  print(line?: string): void;
  /** Show a line at once (progress of a long operation), before the command completes. */
  progress(line: string): void;
  /** Ask the operator; the session's next line goes to `question.answer`. */
  ask(question: Question): void;
  /** Run an EXEC command line from a config mode (`do`); `column` places the error caret. */
  runExec(line: string, column: number): Promise<void>;
}

export interface Command extends CommandSpec {
  readonly modes: readonly GrammarMode[];
  run(ctx: CommandContext, args: Args): void | Promise<void>;
}

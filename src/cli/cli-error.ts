/** A rejected command: its message is printed after "% " and nothing is changed. */
export class CliError extends Error {
  override readonly name = 'CliError';

  /** `leaveMode`: the failure still ends the current sub-mode (e.g. a bad key-string at `quit`). */
  constructor(message: string, readonly leaveMode = false) {
    super(message);
  }
}

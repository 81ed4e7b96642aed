import * as path from 'node:path';
import { readFileIfExists, writeFileAtomic } from '../persist/atomic-file';

/** startup-config in the config directory, replaced atomically by `write memory`. */
export class StartupStore {
  readonly file: string;

  constructor(readonly dir: string) {
    this.file = path.join(dir, 'startup-config');
  }

  read(): Promise<string | undefined> {
    return readFileIfExists(this.file);
  }

  /** Pre-shared keys live in it, so it is readable by root only. */
  write(text: string): Promise<void> {
    return writeFileAtomic(this.file, text, 0o600);
  }
}

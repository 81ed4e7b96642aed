import { readFileSync, existsSync } from 'node:fs';
import * as path from 'node:path';

/** The package version, read from the package.json above this file (src/ or dist/src/). */
function findVersion(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'package.json');
    if (existsSync(candidate)) return (JSON.parse(readFileSync(candidate, 'utf8')) as { version: string }).version;
    if (path.dirname(dir) === dir) throw new Error('package.json not found above ' + __dirname);
  }
}

export const VERSION = findVersion();

import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * `mkdir -p` one level at a time. Node 20's `{ recursive: true }` spins forever when a parent
 * refuses new entries with ENOENT (e.g. under /proc); this throws that error instead.
 * Only directories it creates get `mode`.
 */
export function makeDirsSync(dir: string, mode: number): void {
  const missing: string[] = [];
  for (let d = path.resolve(dir); !fs.existsSync(d); d = path.dirname(d)) {
    missing.unshift(d);
    if (path.dirname(d) === d) break;
  }
  for (const d of missing) {
    try {
      fs.mkdirSync(d, { mode });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

/** The asynchronous makeDirsSync. */
export async function makeDirs(dir: string, mode: number): Promise<void> {
  const missing: string[] = [];
  for (let d = path.resolve(dir); !(await exists(d)); d = path.dirname(d)) {
    missing.unshift(d);
    if (path.dirname(d) === d) break;
  }
  for (const d of missing) {
    try {
      await fs.promises.mkdir(d, { mode });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.promises.lstat(p);
    return true;
  } catch {
    return false;
  }
}

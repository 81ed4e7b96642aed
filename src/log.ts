import * as fs from 'node:fs';
import * as path from 'node:path';
import pino, { Logger, DestinationStream } from 'pino';
import { LogFileWriter } from './log-file';
import { makeDirsSync } from './persist/make-dirs';

/**
 * Property names redacted from every log record, at its top level or one level down (as a
 * pino redact path would say: 'key' and '*.key'): secrets never reach logs. The IKE ones
 * (pre-shared key, SKEYID and its children, cipher and HMAC keys) are never logged on purpose;
 * these catch a record that carries an SA object by mistake.
 */
export const SECRET_KEYS: ReadonlySet<string> = new Set([
  'key', 'psk', 'secret', 'password', 'keyString', 'privateKey', 'privatePem', 'presharedKey', 'keys',
  'skeyid', 'skeyidD', 'skeyidA', 'skeyidE', 'encryptionKey', 'integrityKey',
]);

const CENSOR = '<redacted>';

function plainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !Buffer.isBuffer(v);
}

/** `o` with its secret properties censored, copied only when it has one (the caller's object is never changed). */
function censorSecrets(o: Record<string, unknown>, deeper: boolean): Record<string, unknown> {
  let out = o;
  for (const k of Object.keys(o)) {
    const v = o[k];
    const censored = SECRET_KEYS.has(k) ? CENSOR : deeper && plainObject(v) ? censorSecrets(v, false) : v;
    if (censored === v) continue;
    if (out === o) out = { ...o };
    out[k] = censored;
  }
  return out;
}

/**
 * A record with its secrets censored. A look-up per property: pino's path-based redact cost
 * more than the rest of a record's logging together with a tunnel's few records each.
 */
export function redactSecrets(record: Record<string, unknown>): Record<string, unknown> {
  return censorSecrets(record, true);
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Root logger writing JSON to `dest` (stderr or a log file, never a console stream). */
export function createRootLogger(level: LogLevel, dest: DestinationStream = pino.destination(2)): Logger {
  return pino({ level, formatters: { log: redactSecrets }, base: { name: 'ikegated' } }, dest);
}

/**
 * The `--log-file` destination, opened now so that a bad path is one clear startup error
 * ("cannot open log file PATH: EISDIR") rather than an asynchronous crash or silently lost
 * logs. A later write error (disk full) is told once on stderr; the daemon keeps running.
 */
export function openLogFile(file: string): DestinationStream {
  let fd: number;
  try {
    makeDirsSync(path.dirname(file), 0o750);
    fd = fs.openSync(file, 'a', 0o640);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new Error(`cannot open log file ${file}: ${e.code ?? e.message}`);
  }
  const dest = new LogFileWriter(fd);
  // The records of the last turn before exit (a crash included) still reach the file.
  process.on('exit', () => dest.flushSync());
  let told = false;
  dest.on('error', (err: Error) => {
    if (told) return;
    told = true;
    process.stderr.write(`ikegated: cannot write log file ${file} (${err.message}); logs are being lost\n`);
  });
  return dest;
}

export type { Logger };

import * as fs from 'node:fs';
import * as path from 'node:path';
import pino, { Logger, DestinationStream } from 'pino';
import { makeDirsSync } from './persist/make-dirs';

/**
 * Paths redacted from every log record: secrets never reach logs. The IKE ones (pre-shared
 * key, SKEYID and its children, cipher and HMAC keys) are never logged on purpose; these
 * catch a record that carries an SA object by mistake.
 */
export const REDACT_PATHS = [
  'key', '*.key', 'psk', '*.psk', 'secret', '*.secret', 'password', '*.password',
  'keyString', '*.keyString', 'privateKey', '*.privateKey', 'privatePem', '*.privatePem',
  'presharedKey', '*.presharedKey', 'keys', '*.keys', 'skeyid', '*.skeyid', 'skeyidD', '*.skeyidD',
  'skeyidA', '*.skeyidA', 'skeyidE', '*.skeyidE', 'encryptionKey', '*.encryptionKey', 'integrityKey', '*.integrityKey',
];

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Root logger writing JSON to `dest` (stderr or a log file, never a console stream). */
export function createRootLogger(level: LogLevel, dest: DestinationStream = pino.destination(2)): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '<redacted>' }, base: { name: 'ikegated' } }, dest);
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
  const dest = pino.destination({ fd, sync: false });
  let told = false;
  dest.on('error', (err: Error) => {
    if (told) return;
    told = true;
    process.stderr.write(`ikegated: cannot write log file ${file} (${err.message}); logs are being lost\n`);
  });
  return dest;
}

export type { Logger };

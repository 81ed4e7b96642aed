import pino, { Logger, DestinationStream } from 'pino';

/** Paths redacted from every log record: secrets never reach logs. */
export const REDACT_PATHS = [
  'key', '*.key', 'psk', '*.psk', 'secret', '*.secret', 'password', '*.password',
  'keyString', '*.keyString', 'privateKey', '*.privateKey', 'privatePem', '*.privatePem',
];

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Root logger writing JSON to `dest` (stderr or a log file, never a console stream). */
export function createRootLogger(level: LogLevel, dest: DestinationStream = pino.destination(2)): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '<redacted>' }, base: { name: 'ikegated' } }, dest);
}

export type { Logger };

#!/usr/bin/env -S node --openssl-legacy-provider
import './jit-tuning';
import { parseDaemonArgs, UsageError, USAGE } from '../daemon-options';
import { startDaemon } from '../daemon';

async function main(): Promise<number> {
  let options;
  try {
    options = parseDaemonArgs(process.argv.slice(2));
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`ikegated: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  if (options === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const daemon = await startDaemon(options, { stdout: process.stdout, notice: (l) => process.stderr.write(`${l}\n`) });
  const stop = (): void => {
    void daemon.close().then(() => exitAfterFlush(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  return daemon.done;
}

/** Exit only once piped stdout has taken everything (process.exit would cut it short). */
function exitAfterFlush(code: number): void {
  process.stdout.write('', () => process.exit(code));
}

main().then(
  exitAfterFlush,
  (err: Error) => {
    process.stderr.write(`ikegated: ${err.message}\n`);
    process.exit(1);
  },
);

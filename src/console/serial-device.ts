import * as fs from 'node:fs';
import * as tty from 'node:tty';
import type { TtyInput } from './tty-console';

/** A console device (e.g. /dev/ttyS0) opened for reading and writing. */
export interface SerialDevice {
  readonly input: TtyInput;
  readonly output: NodeJS.WritableStream;
  /** A real terminal: line editing applies. Otherwise the device is driven like a pipe. */
  readonly isTTY: boolean;
  close(): void;
}

/** Opens an existing device (never creates a file); throws "cannot open console device PATH: CODE". */
export function openSerialDevice(path: string): SerialDevice {
  // O_NOCTTY: the daemon must not adopt its console as controlling terminal (no SIGHUP on hangup).
  const flags = fs.constants.O_RDWR | fs.constants.O_NOCTTY;
  const readFd = openDevice(path, flags);
  let writeFd: number;
  try {
    // Each stream owns and closes its own descriptor.
    writeFd = openDevice(path, flags);
  } catch (err) {
    fs.closeSync(readFd);
    throw err;
  }
  if (tty.isatty(readFd)) {
    const input = new tty.ReadStream(readFd);
    const output = new tty.WriteStream(writeFd);
    return { input, output, isTTY: true, close: () => closeBoth(input, output) };
  }
  const input = fs.createReadStream(path, { fd: readFd });
  const output = fs.createWriteStream(path, { fd: writeFd });
  return { input, output, isTTY: false, close: () => closeBoth(input, output) };
}

function openDevice(path: string, flags: number): number {
  try {
    return fs.openSync(path, flags);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new Error(`cannot open console device ${path}: ${e.code ?? e.message}`);
  }
}

function closeBoth(input: NodeJS.ReadableStream & { destroy(): void }, output: { destroy(): void }): void {
  input.destroy();
  output.destroy();
}

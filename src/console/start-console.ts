import type { ConsoleHandle } from './console-handle';
import type { ConsoleSpec } from './console-spec';
import { localLineSession, type LineSession } from './line-session';
import { runPipeConsole } from './pipe-console';
import { openSerialDevice } from './serial-device';
import type { SessionFactory } from './session-api';
import { runTtyConsole, type TtyInput } from './tty-console';

export interface StdioConsoleOptions {
  /** Pipe input only: stop at the first rejected command, exit code 1. */
  exitOnError: boolean;
  /** Lines shown before the first prompt (boot messages), each ended by "\n". */
  banner?: string;
  input?: TtyInput & { isTTY?: boolean };
  output?: NodeJS.WritableStream;
}

/**
 * The console on the daemon's stdin/stdout: a terminal gets line editing, a pipe is run as a
 * script. `done` resolves with the daemon's exit code once the session is over.
 */
export function startStdioConsole(factory: SessionFactory, options: StdioConsoleOptions): ConsoleHandle {
  const input = options.input ?? process.stdin;
  const output = options.output ?? process.stdout;
  const interactive = input.isTTY === true;
  const open = async (): Promise<LineSession> =>
    localLineSession(factory.openSession({ interactive, privileged: false }));
  if (options.banner) output.write(options.banner);
  const handle = interactive
    ? runTtyConsole(input, output, open, { persistent: false })
    : runPipeConsole(input, output, open, { persistent: false, exitOnError: options.exitOnError });
  return failOnStreamError(handle, input, output);
}

/**
 * The console on a serial device. Like a router's console port it outlives its sessions:
 * `done` resolves only if the device fails or is closed, and the daemon should keep running.
 */
export function startSerialConsole(factory: SessionFactory, path: string, banner?: string): ConsoleHandle {
  const device = openSerialDevice(path);
  const open = async (): Promise<LineSession> =>
    localLineSession(factory.openSession({ interactive: device.isTTY, privileged: false }));
  // Through the device's own stream (a terminal turns "\n" into "\r\n"), before any prompt.
  if (banner) device.output.write(banner);
  const handle = device.isTTY
    ? runTtyConsole(device.input, device.output, open, { persistent: true })
    : runPipeConsole(device.input, device.output, open, { persistent: true, exitOnError: false });
  const guarded = failOnStreamError(handle, device.input, device.output);
  return { done: guarded.done.finally(() => device.close()), close: guarded.close };
}

/** Starts the console named by `--console`; undefined for `none`. Throws if a device cannot be opened. */
export function startConsole(
  spec: ConsoleSpec,
  factory: SessionFactory,
  options: { exitOnError: boolean; banner?: string; output?: NodeJS.WritableStream },
): ConsoleHandle | undefined {
  switch (spec.kind) {
    case 'stdio':
      return startStdioConsole(factory, options);
    case 'tty':
      return startSerialConsole(factory, spec.path, options.banner);
    case 'none':
      return undefined;
  }
}

/** A broken stream (hangup, EIO, EPIPE) ends the console with code 1 instead of crashing the daemon. */
function failOnStreamError(
  handle: ConsoleHandle,
  input: NodeJS.ReadableStream,
  output: NodeJS.WritableStream,
): ConsoleHandle {
  let failed = false;
  const fail = (): void => {
    failed = true;
    handle.close();
  };
  input.on('error', fail);
  output.on('error', fail);
  const done = handle.done.then((code) => (failed ? 1 : code));
  return { done, close: handle.close };
}

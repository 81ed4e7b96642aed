import { getSystemErrorMap, parseArgs } from 'node:util';
import { ControlClient } from './control-client';
import { BUILTIN_CONTROL_PATH, defaultControlPath } from './control-path';
import { errorText } from './line-session';
import { runPipeConsole } from './pipe-console';
import { RemoteSession } from './remote-session';
import { runTtyConsole, type TtyInput } from './tty-console';

export interface ClientIo {
  stdin: TtyInput & { isTTY?: boolean };
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

export const USAGE = `Usage: ikegate [-c COMMAND]... [--control PATH]

Without -c, opens a console on the running ikegated (privileged EXEC).
  -c, --command COMMAND  run COMMAND; repeat to run several in one session. Prints their
                         output; exit status 1 if any command was rejected.
      --control PATH     control socket of ikegated
                         (default: $IKEGATE_CONTROL, else ${BUILTIN_CONTROL_PATH})
  -h, --help             show this help
Exit status 2: ikegated could not be reached or the connection was lost.
`;

/** The `ikegate` program; resolves with its exit status. */
export async function runIkegate(argv: string[], io: ClientIo): Promise<number> {
  let values: { command?: string[]; control?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        command: { type: 'string', short: 'c', multiple: true },
        control: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    io.stderr.write(`% ${errorText(err)}\n${USAGE}`);
    return 2;
  }
  if (values.help === true) {
    io.stdout.write(USAGE);
    return 0;
  }
  const controlPath = values.control ?? defaultControlPath(io.env);
  let client: ControlClient;
  try {
    client = await ControlClient.connect(controlPath);
  } catch (err) {
    io.stderr.write(`% cannot reach ikegated at ${controlPath}: ${socketErrorText(err)}\n`);
    return 2;
  }
  try {
    const commands = values.command ?? [];
    return commands.length > 0 ? await runCommands(client, commands, io) : await runConsole(client, io);
  } catch (err) {
    io.stderr.write(`% ${errorText(err)}\n`);
    return 2;
  } finally {
    client.close();
  }
}

/** Like `vtysh -c`: outputs only; a rejected command is shown as typed so its caret lines up. */
async function runCommands(client: ControlClient, commands: string[], io: ClientIo): Promise<number> {
  const session = await RemoteSession.open(client, false);
  let status = 0;
  for (const command of commands) {
    const prompt = session.prompt();
    const result = await session.execute(command);
    if (!result.ok) {
      status = 1;
      io.stdout.write(`${prompt}${command}\n`);
    }
    io.stdout.write(result.output);
    if (result.ended) break;
  }
  return status;
}

async function runConsole(client: ControlClient, io: ClientIo): Promise<number> {
  const interactive = io.stdin.isTTY === true;
  const session = await RemoteSession.open(client, interactive);
  const open = async (): Promise<RemoteSession> => session;
  const handle = interactive
    ? runTtyConsole(io.stdin, io.stdout, open, { persistent: false })
    : runPipeConsole(io.stdin, io.stdout, open, { persistent: false, exitOnError: false });
  let lost = false;
  client.onClose(() => {
    if (session.finished) return;
    lost = true;
    handle.close();
  });
  const code = await handle.done;
  if (!lost) return code;
  io.stderr.write('% connection to ikegated lost\n');
  return 2;
}

/** "ENOENT (no such file or directory)" from a socket error. */
function socketErrorText(err: unknown): string {
  const { code, errno } = err as NodeJS.ErrnoException;
  const description = errno === undefined ? undefined : getSystemErrorMap().get(errno)?.[1];
  if (code === undefined) return errorText(err);
  return description === undefined ? code : `${code} (${description})`;
}

import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import {
  LineSplitter,
  parseRequest,
  type ControlMessage,
  type ControlRequest,
  type ControlResponse,
} from './control-protocol';
import { errorText } from './line-session';
import type { ConsoleSession, SessionFactory } from './session-api';

/** A request line longer than this is refused and the connection closed. */
const MAX_REQUEST_CHARS = 1 << 20;

export interface ControlServer {
  readonly path: string;
  /** Stops listening, ends every connection and its session, removes the socket file. */
  close(): Promise<void>;
}

/**
 * Listens on a unix socket (mode 0600: whoever can open it is the administrator) and gives
 * each connection its own privileged CLI session.
 */
export async function startControlServer(socketPath: string, factory: SessionFactory): Promise<ControlServer> {
  await removeStaleSocket(socketPath);
  fs.mkdirSync(path.dirname(socketPath), { recursive: true, mode: 0o755 });
  const connections = new Set<ControlConnection>();
  const server = net.createServer((socket) => {
    const connection = new ControlConnection(socket, factory);
    connections.add(connection);
    socket.on('close', () => connections.delete(connection));
  });
  await listenPrivately(server, socketPath);
  return {
    path: socketPath,
    close: () =>
      new Promise<void>((resolve) => {
        // Closing the listening handle also unlinks the socket file.
        server.close(() => resolve());
        for (const connection of connections) connection.destroy();
      }),
  };
}

/** A socket file left by a dead daemon is removed; a live one is never taken over. */
async function removeStaleSocket(socketPath: string): Promise<void> {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(socketPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  if (!stat.isSocket()) throw new Error(`${socketPath} exists and is not a socket`);
  const refused = await new Promise<boolean>((resolve, reject) => {
    const probe = net.connect(socketPath);
    probe.once('connect', () => {
      probe.destroy();
      resolve(false);
    });
    probe.once('error', (err: NodeJS.ErrnoException) => {
      if (err.code === 'ECONNREFUSED') resolve(true);
      else reject(err);
    });
  });
  if (!refused) throw new Error(`another ikegated is listening on ${socketPath}`);
  fs.unlinkSync(socketPath);
}

function listenPrivately(server: net.Server, socketPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    // The socket file is created by the synchronous bind inside listen(): the umask makes it
    // 0600 from its first moment, so nobody can connect in between.
    const previous = process.umask(0o177);
    try {
      server.listen(socketPath, () => {
        server.off('error', reject);
        try {
          fs.chmodSync(socketPath, 0o600);
          resolve();
        } catch (err) {
          server.close();
          reject(err);
        }
      });
    } finally {
      process.umask(previous);
    }
  });
}

/** One client: requests are answered strictly in order, one session for the connection. */
class ControlConnection {
  private session: ConsoleSession | undefined;
  private unsubscribe: (() => void) | undefined;
  private queue: Promise<void> = Promise.resolve();
  private readonly decoder = new StringDecoder('utf8');
  private readonly splitter = new LineSplitter();
  private closed = false;

  constructor(private readonly socket: net.Socket, private readonly factory: SessionFactory) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    // A client that vanishes mid-answer is not the server's problem.
    socket.on('error', () => this.destroy());
    socket.on('close', () => this.closeSession());
  }

  destroy(): void {
    this.socket.destroy();
    this.closeSession();
  }

  private onData(chunk: Buffer): void {
    for (const line of this.splitter.push(this.decoder.write(chunk))) {
      if (line.trim() !== '') this.queue = this.queue.then(() => this.handle(line));
    }
    if (this.splitter.pendingLength > MAX_REQUEST_CHARS) {
      this.send({ id: null, ok: false, error: 'request too long' });
      this.socket.end();
      this.closeSession();
    }
  }

  private async handle(line: string): Promise<void> {
    if (this.closed) return;
    const request = parseRequest(line);
    if ('error' in request) {
      this.send({ id: request.id, ok: false, error: request.error });
      return;
    }
    let response: ControlResponse;
    try {
      response = await this.answer(request);
    } catch (err) {
      response = { id: request.id ?? null, ok: false, error: errorText(err) };
    }
    this.send(response);
    if (response.ended === true) {
      this.socket.end();
      this.closeSession();
    }
  }

  private async answer(request: ControlRequest): Promise<ControlResponse> {
    const id = request.id ?? null;
    if (request.op === 'hello') {
      if (this.session) return { id, ok: false, error: 'session already open' };
      return this.state(id, true, this.open(request.interactive ?? false));
    }
    // A client that skips the hello gets a non-interactive session.
    const session = this.session ?? this.open(false);
    const line = request.line ?? '';
    switch (request.op) {
      case 'exec': {
        const result = await session.execute(line);
        return { ...this.state(id, result.ok, session), output: result.output, ended: result.ended };
      }
      case 'complete':
        return { ...this.state(id, true, session), completions: session.complete(line) };
      case 'help':
        return { ...this.state(id, true, session), output: session.help(line) };
      case 'prompt':
        return this.state(id, true, session);
    }
  }

  private open(interactive: boolean): ConsoleSession {
    const session = this.factory.openSession({ interactive, privileged: true });
    this.session = session;
    this.unsubscribe = session.onMessage((message) => this.send({ message }));
    return session;
  }

  private state(id: number | null, ok: boolean, session: ConsoleSession): ControlResponse {
    return { id, ok, prompt: session.prompt(), secret: session.awaitingSecret };
  }

  private send(reply: ControlResponse | ControlMessage): void {
    if (this.socket.writable) this.socket.write(`${JSON.stringify(reply)}\n`);
  }

  private closeSession(): void {
    this.closed = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.session?.close();
    this.session = undefined;
  }
}

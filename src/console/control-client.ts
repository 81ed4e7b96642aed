import * as net from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import { LineSplitter, type ControlRequest, type ControlResponse } from './control-protocol';

/** The client end of the control socket: requests in, answers matched by id. */
export class ControlClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (r: ControlResponse) => void; reject: (e: Error) => void }>();
  private readonly messageListeners = new Set<(text: string) => void>();
  private readonly closeListeners = new Set<() => void>();
  private readonly decoder = new StringDecoder('utf8');
  private readonly splitter = new LineSplitter();
  private closed = false;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.onSocketClose());
  }

  /** Connects; rejects with the socket error (code ENOENT, ECONNREFUSED, EACCES, ...). */
  static connect(path: string): Promise<ControlClient> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(path);
      socket.once('error', reject);
      socket.once('connect', () => {
        socket.off('error', reject);
        resolve(new ControlClient(socket));
      });
    });
  }

  request(request: Omit<ControlRequest, 'id'>): Promise<ControlResponse> {
    if (this.closed) return Promise.reject(new Error('connection to ikegated closed'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.socket.write(`${JSON.stringify({ id, ...request })}\n`);
    });
  }

  onMessage(listener: (text: string) => void): () => void {
    this.messageListeners.add(listener);
    return () => this.messageListeners.delete(listener);
  }

  /** Called once when the connection is gone, whoever closed it. */
  onClose(listener: () => void): void {
    this.closeListeners.add(listener);
  }

  close(): void {
    this.socket.end();
  }

  private onData(chunk: Buffer): void {
    for (const line of this.splitter.push(this.decoder.write(chunk))) {
      let reply: unknown;
      try {
        reply = JSON.parse(line);
      } catch {
        continue;
      }
      if (typeof reply !== 'object' || reply === null) continue;
      const record = reply as Partial<ControlResponse> & { message?: unknown };
      if (typeof record.message === 'string') {
        for (const listener of this.messageListeners) listener(record.message);
      } else if (typeof record.id === 'number') {
        const waiter = this.pending.get(record.id);
        this.pending.delete(record.id);
        waiter?.resolve(record as ControlResponse);
      }
    }
  }

  private onSocketClose(): void {
    this.closed = true;
    for (const waiter of this.pending.values()) waiter.reject(new Error('connection to ikegated closed'));
    this.pending.clear();
    for (const listener of this.closeListeners) listener();
  }
}

/**
 * The control socket protocol: newline-delimited JSON. The client sends one request per line;
 * the server answers each with the same id, in order, and sends {"message"} lines whenever
 * the session has an asynchronous console message.
 */
export type ControlOp = 'hello' | 'exec' | 'complete' | 'help' | 'prompt';

export interface ControlRequest {
  id?: number;
  op: ControlOp;
  /** exec, complete, help: the input line. */
  line?: string;
  /** hello: the client is a terminal (the session may ask confirmation questions). */
  interactive?: boolean;
}

export interface ControlResponse {
  /** The request's id; null when the request could not be read. */
  id: number | null;
  ok: boolean;
  /** exec, help: text to print. */
  output?: string;
  /** exec: the session is over and the server closes the connection. */
  ended?: boolean;
  /** The session's prompt after the request. */
  prompt?: string;
  /** The next line is a secret: do not echo it. */
  secret?: boolean;
  /** complete: full replacement lines. */
  completions?: string[];
  /** Why the request was refused (bad JSON, unknown op). */
  error?: string;
}

export interface ControlMessage {
  message: string;
}

const OPS: readonly string[] = ['hello', 'exec', 'complete', 'help', 'prompt'];

/** Reads one request line, or says why it cannot be served. */
export function parseRequest(text: string): ControlRequest | { id: number | null; error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { id: null, error: 'bad JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { id: null, error: 'request must be a JSON object' };
  }
  const record = value as Record<string, unknown>;
  const id = typeof record.id === 'number' ? record.id : null;
  if (typeof record.op !== 'string' || !OPS.includes(record.op)) {
    return { id, error: `unknown op ${JSON.stringify(record.op)}` };
  }
  if (record.line !== undefined && typeof record.line !== 'string') return { id, error: 'line must be a string' };
  const request: ControlRequest = { op: record.op as ControlOp };
  if (id !== null) request.id = id;
  if (typeof record.line === 'string') request.line = record.line;
  if (typeof record.interactive === 'boolean') request.interactive = record.interactive;
  return request;
}

/** Splits a byte stream into lines, keeping the unfinished tail. */
export class LineSplitter {
  private tail = '';

  /** Returns the complete lines in `chunk` (without "\n" or "\r"). */
  push(chunk: string): string[] {
    const parts = (this.tail + chunk).split('\n');
    this.tail = parts.pop() ?? '';
    return parts.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
  }

  get pendingLength(): number {
    return this.tail.length;
  }
}

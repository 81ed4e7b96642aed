import { EventEmitter } from 'node:events';
import fs from 'node:fs';

/**
 * The log file's writer (a pino destination): the records of one turn of the event loop go
 * out together, in one write at the end of the turn, in order.
 *
 * pino's own destination (sonic-boom) writes as soon as it is idle, so under load nearly
 * every record cost a write of its own and its completion callback, and each record made it
 * measure (and so copy) its pending string again. Writes here are synchronous: a turn's
 * records are in the page cache when the turn ends, nothing is in flight when the process
 * exits, and a crash loses at most the records of the turn that crashed (flushSync on exit
 * saves even those). A failed write (disk full) is reported with an 'error' event and its
 * records are dropped; later records are tried again.
 */
export class LogFileWriter extends EventEmitter<{ error: [Error] }> {
  private pending: string[] = [];
  private scheduled = false;

  constructor(private readonly fd: number) {
    super();
  }

  write(record: string): boolean {
    this.pending.push(record);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.endOfTurn);
    }
    return true;
  }

  /** Writes what is pending now (on exit, and for pino's flush). */
  flushSync(): void {
    if (this.pending.length === 0) return;
    const data = Buffer.from(this.pending.join(''));
    this.pending = [];
    try {
      for (let off = 0; off < data.length;) off += fs.writeSync(this.fd, data, off);
    } catch (err) {
      this.emit('error', err as Error);
    }
  }

  flush(cb?: (err?: Error) => void): void {
    this.flushSync();
    cb?.();
  }

  private readonly endOfTurn = (): void => {
    this.scheduled = false;
    this.flushSync();
  };
}

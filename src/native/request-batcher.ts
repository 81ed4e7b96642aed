/**
 * Request coalescing for the addon's kernel sockets (XFRM netlink, PF_KEY): every request
 * made while another batch is in flight (or in the same tick) goes to the native execute()
 * with the next batch, in order. Thousands of concurrent installs thus cost a handful of
 * native calls and syscalls, and each request still settles on its own.
 */

/** What the native socket classes offer: one result per request, an Error for a failed one. */
export interface NativeExecutor<Req, Rep> {
  execute(requests: readonly Req[]): Promise<Array<Rep | Error>>;
  close(): void;
}

/** Requests per native call: bounds the JS-thread time spent encoding one batch. */
const MAX_BATCH = 1024;
/**
 * Batches handed to the addon at once: while one is with the kernel, the next is encoded on
 * the JS thread. The addon sends them in the order given.
 */
const MAX_IN_FLIGHT = 2;

interface Pending<Req, Rep> {
  request: Req;
  resolve(value: Rep): void;
  reject(error: Error): void;
}

export class RequestBatcher<Req, Rep> {
  private readonly queue: Array<Pending<Req, Rep>> = [];
  private inFlight = 0;
  private scheduled = false;
  private closed = false;

  /** `closedError` makes the rejection for a request made after close(). */
  constructor(private readonly native: NativeExecutor<Req, Rep>, private readonly closedError: (request: Req) => Error) {}

  enqueue(request: Req): Promise<Rep> {
    if (this.closed) return Promise.reject(this.closedError(request));
    return new Promise<Rep>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.schedule();
    });
  }

  /** Requests already queued still go out; the native socket closes once they are answered. */
  close(): void {
    this.closed = true;
    if (this.inFlight === 0 && this.queue.length === 0) this.native.close();
  }

  private schedule(): void {
    if (this.inFlight >= MAX_IN_FLIGHT || this.scheduled) return;
    this.scheduled = true;
    // A microtask later, so that requests made in the same tick travel together.
    queueMicrotask(() => {
      this.scheduled = false;
      void this.flush();
    });
  }

  private async flush(): Promise<void> {
    if (this.inFlight >= MAX_IN_FLIGHT || this.queue.length === 0) return;
    this.inFlight += 1;
    const batch = this.queue.splice(0, MAX_BATCH);
    try {
      const sent = this.native.execute(batch.map((p) => p.request));
      // With a batch under way, the next may be encoded now, to go when this one is done.
      if (this.queue.length > 0) this.schedule();
      const results = await sent;
      results.forEach((result, i) => {
        const pending = batch[i] as Pending<Req, Rep>;
        if (result instanceof Error) pending.reject(result);
        else pending.resolve(result);
      });
    } catch (err) {
      for (const pending of batch) pending.reject(err as Error);
    } finally {
      this.inFlight -= 1;
      if (this.queue.length > 0) this.schedule();
      else if (this.closed && this.inFlight === 0) this.native.close();
    }
  }
}

/**
 * What the addon's batched request sockets (XFRM, PF_KEY) share: requests tagged by `op`,
 * coalesced by a RequestBatcher, each answered with the reply its operation has.
 */
import { closedSocketError } from './kernel-error';
import { RequestBatcher, type NativeExecutor } from './request-batcher';

export abstract class KernelSocket<Req extends { op: keyof Replies }, Replies> {
  protected readonly batcher: RequestBatcher<Req, Replies[keyof Replies]>;

  /** `name` is the socket's name in errors (XFRM, PF_KEY). */
  protected constructor(native: NativeExecutor<Req, Replies[keyof Replies]>, name: string) {
    this.batcher = new RequestBatcher(native, (request) => closedSocketError(name, String(request.op)));
  }

  request<K extends keyof Replies>(request: Extract<Req, { op: K }>): Promise<Replies[K]> {
    return this.batcher.enqueue(request) as Promise<Replies[K]>;
  }

  /** Requests already queued still go out; the socket closes once they are answered. */
  close(): void {
    this.batcher.close();
  }
}

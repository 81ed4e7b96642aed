import { clockHost, type BackendClock } from '../../kernel/backend-clock';
import { DeadlineQueue } from '../../kernel/timer-queue';
import type { IkeSa } from '../sa/ike-sa';

/** An IKE SA's pending deadline: its rekey, then its expiry. */
interface IkeDeadline {
  seq: number;
  readonly sa: IkeSa;
  expiring: boolean;
  /** Ends the SA's NAT keepalive, if it has one. */
  readonly stopKeepalive: (() => void) | undefined;
}

export interface IkeDeadlineHandlers {
  rekey(sa: IkeSa): void;
  expire(sa: IkeSa): void;
}

/**
 * Every IKE SA's one pending deadline (first the rekey, then the expiry) on one clock timer,
 * with its NAT keepalive: a gateway holds thousands of IKE SAs, and timers with callbacks of
 * their own per SA cost more heap than the SA's other bookkeeping together.
 */
export class IkeDeadlines {
  private readonly bySa = new WeakMap<IkeSa, IkeDeadline>();
  private readonly queue: DeadlineQueue<IkeDeadline>;

  constructor(
    private readonly clock: BackendClock,
    handlers: IkeDeadlineHandlers,
  ) {
    this.queue = new DeadlineQueue<IkeDeadline>((d) => {
      if (d.expiring) return handlers.expire(d.sa);
      d.expiring = true;
      this.queue.schedule(d, d.sa.expiresAt - clock.now());
      handlers.rekey(d.sa);
    }, clockHost(clock));
  }

  /** Rekey at `rekeyAt`, expiry at the SA's expiresAt (clock times). */
  add(sa: IkeSa, rekeyAt: number, stopKeepalive?: () => void): void {
    this.remove(sa);
    const d: IkeDeadline = { seq: 0, sa, expiring: false, stopKeepalive };
    this.bySa.set(sa, d);
    this.queue.schedule(d, rekeyAt - this.clock.now());
  }

  /** The SA is gone: no deadline, no keepalive. */
  remove(sa: IkeSa): void {
    const d = this.bySa.get(sa);
    if (!d) return;
    this.bySa.delete(sa);
    this.queue.cancel(d);
    d.stopKeepalive?.();
  }
}

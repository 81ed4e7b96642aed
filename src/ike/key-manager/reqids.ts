/**
 * One reqid per flow (peer and proxy pair, see flowKey). The kernel picks a tunnel-mode SA
 * for a policy by reqid and endpoints, so flows sharing a reqid would share one SA, which
 * the peer's policy for the other flow refuses: each ACL line gets its own, as IOS gives each
 * its own SA. Numbers stay stable for the daemon's life, so a policy re-installed after a
 * config change still finds the SAs negotiated before it.
 */
export class Reqids {
  private next = 1;
  private readonly ids = new Map<string, number>();

  of(flow: string): number {
    let id = this.ids.get(flow);
    if (id === undefined) {
      id = this.next++;
      this.ids.set(flow, id);
    }
    return id;
  }
}

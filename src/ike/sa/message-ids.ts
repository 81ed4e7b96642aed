/** What a message ID set must answer: newMessageId and the replay checks ask no more. */
export interface MessageIdLookup {
  has(id: number): boolean;
}

/** Past this many IDs, a Set: lookups stay constant-time for a long-lived, busy SA. */
const LIST_MAX = 16;

/**
 * The phase-2 and informational message IDs an ISAKMP SA has used. Most SAs use a handful,
 * so they are kept in a short list of numbers rather than a Set, whose hash table costs more
 * heap per SA; a busy SA moves to a Set.
 */
export class UsedMessageIds implements MessageIdLookup {
  private ids: number[] | Set<number> | undefined;

  has(id: number): boolean {
    const ids = this.ids;
    if (ids === undefined) return false;
    return Array.isArray(ids) ? ids.includes(id) : ids.has(id);
  }

  add(id: number): void {
    const ids = this.ids;
    if (ids === undefined) this.ids = [id];
    else if (!Array.isArray(ids)) ids.add(id);
    else if (ids.includes(id)) return;
    else if (ids.length < LIST_MAX) ids.push(id);
    else this.ids = new Set([...ids, id]);
  }
}

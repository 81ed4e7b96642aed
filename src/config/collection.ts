import { isDraft, original } from 'immer';

/**
 * Lookups and ordered inserts on configuration lists that stay cheap inside a command's
 * copy-on-write draft. Walking a draft array element by element makes a proxy per element,
 * so a search over a large list (thousands of policies or map entries) costs far more than
 * the change itself; these search the untouched original and touch only what they return.
 */
function plain<T>(list: readonly T[]): readonly T[] {
  return isDraft(list) ? ((original(list as object) as readonly T[] | undefined) ?? list) : list;
}

/** Index of the first match, or -1. Valid until the list is changed in this command. */
export function indexWhere<T>(list: readonly T[], pred: (x: T) => boolean): number {
  const base = plain(list);
  // Items added earlier in the same command are not in the original: fall back to the draft.
  if (base.length !== list.length) return list.findIndex(pred);
  return base.findIndex(pred);
}

export function findWhere<T>(list: readonly T[], pred: (x: T) => boolean): T | undefined {
  const i = indexWhere(list, pred);
  return i < 0 ? undefined : list[i];
}

/** A new list with `item` inserted in `key` order (the list is sorted by `key`). */
export function insertedSorted<T>(list: readonly T[], item: T, key: (x: T) => number): T[] {
  const base = plain(list);
  const k = key(item);
  let lo = 0;
  let hi = base.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (key(base[mid] as T) < k) lo = mid + 1;
    else hi = mid;
  }
  return [...base.slice(0, lo), item, ...base.slice(lo)];
}

/** A new list without the item at `index`. */
export function removedAt<T>(list: readonly T[], index: number): T[] {
  const base = plain(list);
  return [...base.slice(0, index), ...base.slice(index + 1)];
}

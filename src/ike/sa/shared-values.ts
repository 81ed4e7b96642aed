/** Past this many distinct values, a value is kept as it is (peers' NAT ports, say, vary). */
const LIMIT = 256;
const shared = new Map<string, object>();

/**
 * A small value object many SAs hold alike (the protection suite, the NAT-T state, SA
 * lifetimes, encapsulation ports, algorithms, proxies): one frozen copy per distinct value
 * for all of them, instead of an object per SA on a gateway holding thousands. Values are
 * read-only data, nested objects included (those are shared, not frozen).
 */
export function sharedValue<T extends object>(value: T): T {
  const key = JSON.stringify(value);
  const known = shared.get(key);
  if (known) return known as T;
  if (shared.size >= LIMIT) return value;
  const frozen = Object.freeze({ ...value });
  shared.set(key, frozen);
  return frozen;
}

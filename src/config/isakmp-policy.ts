import type { Config, IsakmpPolicy } from './model';
import { DEFAULT_POLICY } from './model';
import { findWhere, insertedSorted } from './collection';

/** The policy being edited in config-isakmp mode (it exists: entering the mode made it). */
export function policyAt(config: Config, priority: number): IsakmpPolicy {
  const p = findWhere(config.isakmp.policies, (x) => x.priority === priority);
  if (!p) throw new Error(`internal: ISAKMP policy ${priority} vanished`);
  return p;
}

/** Create the policy with default parameters if needed, keeping priority order. */
export function ensurePolicy(config: Config, priority: number): void {
  if (findWhere(config.isakmp.policies, (x) => x.priority === priority)) return;
  config.isakmp.policies = insertedSorted(config.isakmp.policies, { priority, ...DEFAULT_POLICY }, (p) => p.priority);
}

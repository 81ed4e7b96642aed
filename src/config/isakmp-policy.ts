import type { Config, IsakmpPolicy } from './model';
import { DEFAULT_POLICY } from './model';

/** The policy being edited in config-isakmp mode (it exists: entering the mode made it). */
export function policyAt(config: Config, priority: number): IsakmpPolicy {
  const p = config.isakmp.policies.find((x) => x.priority === priority);
  if (!p) throw new Error(`internal: ISAKMP policy ${priority} vanished`);
  return p;
}

/** Create the policy with default parameters if needed, keeping priority order. */
export function ensurePolicy(config: Config, priority: number): IsakmpPolicy {
  const list = config.isakmp.policies;
  const found = list.find((x) => x.priority === priority);
  if (found) return found;
  const p: IsakmpPolicy = { priority, ...DEFAULT_POLICY };
  list.push(p);
  list.sort((a, b) => a.priority - b.priority);
  return p;
}

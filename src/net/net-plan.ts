import type { Config, Interface, StaticRoute } from '../config/model';
import { maskLength, parseIpv4 } from '../config/ipv4';
import { sameRoute } from '../config/static-route';

export interface AddressChange {
  /** The interface as configured. */
  name: string;
  address: string;
  prefixLength: number;
}

/** What the kernel must do to go from one configuration's interfaces and routes to another's. */
export interface NetPlan {
  /** Admin state of every interface whose configuration changed (new ones included). */
  links: Array<{ name: string; up: boolean }>;
  removeAddresses: AddressChange[];
  addAddresses: AddressChange[];
  removeRoutes: StaticRoute[];
  addRoutes: StaticRoute[];
  /**
   * The other configured routes, when links or addresses change: Linux drops the routes
   * through a device that goes down or loses the address their next hop was reached by, and
   * the configuration still has them (IOS reinstalls a static route once it resolves again).
   */
  resyncRoutes: StaticRoute[];
}

function addressOf(i: Interface): AddressChange | undefined {
  return i.address && { name: i.name, address: i.address.address, prefixLength: maskLength(parseIpv4(i.address.mask) as number) };
}

function sameAddress(a: AddressChange | undefined, b: AddressChange | undefined): boolean {
  return a?.name === b?.name && a?.address === b?.address && a?.prefixLength === b?.prefixLength;
}

/**
 * The changes between two configurations (pure). Only what the configuration names is
 * touched: an interface never configured keeps whatever the system gave it.
 */
export function planNetChanges(before: Readonly<Config>, after: Readonly<Config>): NetPlan {
  const plan: NetPlan = { links: [], removeAddresses: [], addAddresses: [], removeRoutes: [], addRoutes: [], resyncRoutes: [] };
  for (const old of before.interfaces) {
    const now = after.interfaces.find((i) => i.name === old.name);
    const was = addressOf(old);
    if (was && !sameAddress(was, now && addressOf(now))) plan.removeAddresses.push(was);
  }
  for (const now of after.interfaces) {
    const old = before.interfaces.find((i) => i.name === now.name);
    if (old && JSON.stringify(old) === JSON.stringify(now)) continue;
    plan.links.push({ name: now.name, up: now.shutdown !== true });
    const address = addressOf(now);
    if (address) plan.addAddresses.push(address);
  }
  plan.removeRoutes = before.routes.filter((r) => !after.routes.some((x) => sameRoute(r, x)));
  plan.addRoutes = after.routes.filter((r) => !before.routes.some((x) => sameRoute(r, x)));
  if (plan.links.length + plan.removeAddresses.length + plan.addAddresses.length > 0) {
    plan.resyncRoutes = after.routes.filter((r) => !plan.addRoutes.includes(r));
  }
  return plan;
}

export function isEmptyPlan(p: NetPlan): boolean {
  return p.links.length + p.removeAddresses.length + p.addAddresses.length + p.removeRoutes.length + p.addRoutes.length === 0;
}

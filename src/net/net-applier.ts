import type { Config, StaticRoute } from '../config/model';
import { interfaceMappingText, linuxInterfaceName } from '../config/interface-names';
import { maskLength, parseIpv4 } from '../config/ipv4';
import { IFF_UP, RT_TABLE_MAIN, isRtnlError, type RtnlAddress, type RtnlLink, type RtnlRouteSpec, type RtnlSocket } from '../native/rtnl';
import { NetError, kernelRefusal } from './net-error';
import { isEmptyPlan, planNetChanges, type AddressChange, type NetPlan } from './net-plan';

/** The kernel's links and IPv4 addresses at one moment (for the show commands). */
export interface KernelInterfaces {
  links: RtnlLink[];
  addresses: RtnlAddress[];
}

function routeSpec(r: StaticRoute): RtnlRouteSpec {
  return { destination: r.prefix, prefixLength: maskLength(parseIpv4(r.mask) as number), gateway: r.nextHop };
}

function routeText(r: StaticRoute): string {
  return `${r.prefix} ${r.mask} ${r.nextHop}`;
}

/**
 * Applies the configuration's interfaces (admin state, IPv4 address) and static routes to the
 * Linux kernel over rtnetlink. Each configuration change is applied as the difference between
 * the configuration before and after it, and what is already in place is left alone, so a
 * configuration applied again (at boot, after a restart) changes nothing and fails on nothing.
 */
export class NetApplier {
  constructor(private readonly rtnl: RtnlSocket) {}

  async apply(before: Readonly<Config>, after: Readonly<Config>): Promise<void> {
    const plan = planNetChanges(before, after);
    if (isEmptyPlan(plan)) return;
    try {
      await this.run(plan);
    } catch (err) {
      // Undo what went through, best effort: the configuration is not changed either.
      await this.run(planNetChanges(after, before)).catch(() => undefined);
      throw err;
    }
  }

  async snapshot(): Promise<KernelInterfaces> {
    const [links, addresses] = await Promise.all([this.rtnl.links(), this.rtnl.addresses()]);
    return { links, addresses };
  }

  close(): void {
    this.rtnl.close();
  }

  private async run(plan: NetPlan): Promise<void> {
    const links = await this.rtnl.links();
    const linkOf = (name: string): RtnlLink | undefined => links.find((l) => l.name === linuxInterfaceName(name));
    const existing = (name: string): RtnlLink => {
      const link = linkOf(name);
      if (link) return link;
      const linux = linuxInterfaceName(name);
      if (linux === undefined) throw new NetError(`Interface ${name} is not hardware of this system (${interfaceMappingText()})`);
      throw new NetError(`Interface ${name} does not exist on this system${linux !== name ? ` (no Linux device ${linux})` : ''}`);
    };
    for (const { name, up } of plan.links) {
      const link = existing(name);
      if (((link.flags & IFF_UP) !== 0) === up) continue;
      await this.rtnl.setLinkUp(link.index, up).catch((err: unknown) => {
        throw kernelRefusal(`Cannot set ${name} ${up ? 'up' : 'down'}`, err);
      });
    }
    for (const a of plan.removeAddresses) {
      // An interface that went away took its address with it.
      const link = linkOf(a.name);
      if (link) await this.addressOp('del', link, a);
    }
    for (const a of plan.addAddresses) await this.addressOp('add', existing(a.name), a);
    for (const r of plan.removeRoutes) {
      await this.rtnl.deleteRoute(routeSpec(r)).catch((err: unknown) => {
        if (isRtnlError(err) && err.code === 'ESRCH') return;
        throw kernelRefusal(`Cannot remove route ${routeText(r)}`, err);
      });
    }
    if (plan.addRoutes.length + plan.resyncRoutes.length === 0) return;
    const present = (await this.rtnl.routes()).filter((r) => r.table === RT_TABLE_MAIN);
    const missing = (r: StaticRoute): boolean => {
      const spec = routeSpec(r);
      return !present.some((p) => p.destination === spec.destination && p.prefixLength === spec.prefixLength && p.gateway === spec.gateway);
    };
    for (const r of plan.addRoutes.filter(missing)) {
      await this.rtnl.addRoute(routeSpec(r)).catch((err: unknown) => {
        throw kernelRefusal(`Cannot add route ${routeText(r)}`, err);
      });
    }
    for (const r of plan.resyncRoutes.filter(missing)) {
      // A next hop that does not resolve now is not this command's fault.
      await this.rtnl.addRoute(routeSpec(r)).catch((err: unknown) => {
        if (isRtnlError(err) && err.code === 'ENETUNREACH') return;
        throw kernelRefusal(`Cannot reinstall route ${routeText(r)}`, err);
      });
    }
  }

  private async addressOp(op: 'add' | 'del', link: RtnlLink, a: AddressChange): Promise<void> {
    const spec = { index: link.index, address: a.address, prefixLength: a.prefixLength };
    try {
      if (op === 'add') await this.rtnl.addAddress(spec);
      else await this.rtnl.deleteAddress(spec);
    } catch (err) {
      if (op === 'del' && isRtnlError(err) && err.code === 'EADDRNOTAVAIL') return;
      throw kernelRefusal(`Cannot ${op === 'add' ? 'assign' : 'remove'} ${a.address}/${a.prefixLength} ${op === 'add' ? 'to' : 'from'} ${a.name}`, err);
    }
  }
}

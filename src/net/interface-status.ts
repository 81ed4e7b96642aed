import type { Config } from '../config/model';
import { iosInterfaceName, linuxInterfaceName } from '../config/interface-names';
import { formatIpv4, maskFromLength } from '../config/ipv4';
import { IFF_LOOPBACK, IFF_LOWER_UP, IFF_UP, IF_OPER_UNKNOWN, IF_OPER_UP, type RtnlLink } from '../native/rtnl';
import type { KernelInterfaces } from './net-applier';

/** One interface as the show commands see it. */
export interface InterfaceStatus {
  name: string;
  address?: { address: string; mask: string };
  /** How the address was set: by configuration, not at all, or outside the router's console. */
  method: 'manual' | 'unset' | 'other';
  adminUp: boolean;
  /** Line protocol: up when the device is up and has carrier. */
  operUp: boolean;
}

/** Carrier, in an operational state that passes traffic (virtual devices report "unknown"). */
function hasCarrier(link: RtnlLink): boolean {
  return (link.flags & IFF_LOWER_UP) !== 0 && (link.operState === IF_OPER_UP || link.operState === IF_OPER_UNKNOWN);
}

/**
 * The configured interfaces, with their state from the kernel when there is one (otherwise
 * a configured interface is up unless shut down), then the kernel's other devices by their
 * IOS names (loopback excepted, as IOS lists no Loopback it was not told about).
 */
export function interfaceStatuses(config: Readonly<Config>, kernel?: KernelInterfaces): InterfaceStatus[] {
  const out: InterfaceStatus[] = [];
  const claimed = new Set<string>();
  for (const i of config.interfaces) {
    const linux = linuxInterfaceName(i.name);
    const link = kernel?.links.find((l) => l.name === linux);
    if (link) claimed.add(link.name);
    const adminUp = kernel ? link !== undefined && (link.flags & IFF_UP) !== 0 : i.shutdown !== true;
    out.push({ name: i.name, ...(i.address ? { address: i.address } : {}), method: i.address ? 'manual' : 'unset', adminUp, operUp: adminUp && (link === undefined || hasCarrier(link)) });
  }
  for (const link of kernel?.links ?? []) {
    if (claimed.has(link.name) || (link.flags & IFF_LOOPBACK) !== 0) continue;
    const a = kernel?.addresses.find((x) => x.index === link.index);
    const adminUp = (link.flags & IFF_UP) !== 0;
    out.push({
      name: iosInterfaceName(link.name),
      ...(a ? { address: { address: a.address, mask: formatIpv4(maskFromLength(a.prefixLength)) } } : {}),
      method: a ? 'other' : 'unset',
      adminUp,
      operUp: adminUp && hasCarrier(link),
    });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true }));
}

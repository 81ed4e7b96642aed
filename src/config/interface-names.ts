/**
 * Interface names: the console takes IOS names (GigabitEthernet0/1, abbreviated as IOS allows:
 * gi0/1, g0/1) or Linux device names (eth1, wan.10). The mapping between them is this table:
 * unit N of an IOS type in slot `slot` is the Linux device `linuxPrefix` + N.
 */
export interface InterfaceType {
  ios: string;
  slot: number;
  linuxPrefix: string;
}

export const INTERFACE_TYPES: readonly InterfaceType[] = [
  { ios: 'GigabitEthernet', slot: 0, linuxPrefix: 'eth' },
];

const IOS_FORM = /^([A-Za-z]+)(\d+)\/(\d+)$/;

/** `gi0/1` -> `GigabitEthernet0/1`; a name no type's prefix matches is returned as typed. */
export function canonicalInterfaceName(typed: string): string {
  const m = IOS_FORM.exec(typed);
  if (!m) return typed;
  const word = (m[1] as string).toLowerCase();
  const type = INTERFACE_TYPES.find((t) => t.ios.toLowerCase().startsWith(word));
  return type ? `${type.ios}${Number(m[2])}/${Number(m[3])}` : typed;
}

/**
 * The Linux device a configured interface stands for: the mapped device for a known IOS
 * name, the name itself for a Linux name, undefined for an IOS name of unknown hardware.
 */
export function linuxInterfaceName(name: string): string | undefined {
  const m = IOS_FORM.exec(name);
  if (!m) return name.includes('/') ? undefined : name;
  const type = INTERFACE_TYPES.find((t) => t.ios === m[1] && t.slot === Number(m[2]));
  return type ? `${type.linuxPrefix}${Number(m[3])}` : undefined;
}

/** How a Linux device is shown when the configuration does not name it: eth1 -> GigabitEthernet0/1. */
export function iosInterfaceName(linux: string): string {
  for (const t of INTERFACE_TYPES) {
    const m = new RegExp(`^${t.linuxPrefix}(\\d+)$`).exec(linux);
    if (m) return `${t.ios}${t.slot}/${Number(m[1])}`;
  }
  return linux;
}

/** The mapping in words, for messages: "GigabitEthernet0/N is Linux ethN". */
export function interfaceMappingText(): string {
  return INTERFACE_TYPES.map((t) => `${t.ios}${t.slot}/N is Linux ${t.linuxPrefix}N`).join(', ');
}

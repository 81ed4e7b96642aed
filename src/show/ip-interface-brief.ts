import type { InterfaceStatus } from '../net/interface-status';

/** Widths of IOS's columns: Interface, IP-Address, OK?, Method, Status; Protocol last. */
const COLUMNS = [27, 16, 4, 7, 22] as const;

function row(cells: readonly string[]): string {
  // A value as wide as its column still gets one space before the next (IOS does the same).
  return cells.map((c, i) => (i < COLUMNS.length ? (c.length >= (COLUMNS[i] as number) ? `${c} ` : c.padEnd(COLUMNS[i] as number)) : c)).join('').trimEnd();
}

/** `show ip interface brief`. */
export function renderIpInterfaceBrief(statuses: readonly InterfaceStatus[]): string[] {
  return [
    row(['Interface', 'IP-Address', 'OK?', 'Method', 'Status', 'Protocol']),
    ...statuses.map((s) => row([
      s.name,
      s.address?.address ?? 'unassigned',
      'YES',
      s.method,
      s.adminUp ? (s.operUp ? 'up' : 'down') : 'administratively down',
      s.operUp ? 'up' : 'down',
    ])),
  ];
}

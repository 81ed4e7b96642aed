import type { IpsecProtocol } from '../policy/ipsec-transform';
import type { IpsecSa } from '../sa/ipsec-sa';

/** Which IPsec SA bundles `clear crypto sa` means. */
export type IpsecSelection =
  | { readonly kind: 'all' }
  | { readonly kind: 'peer'; readonly address: string }
  | { readonly kind: 'map'; readonly tag: string }
  /** IOS's `entry DEST PROTO SPI`: either direction, named by its destination and SPI. */
  | { readonly kind: 'entry'; readonly destination: string; readonly protocol: IpsecProtocol; readonly spi: number };

export function ipsecSelected(sa: IpsecSa, s: IpsecSelection): boolean {
  switch (s.kind) {
    case 'all': return true;
    case 'peer': return sa.remote.address === s.address;
    case 'map': return sa.map?.tag === s.tag;
    case 'entry': return sa.protocols.some((p) => p.protocol === s.protocol && (
      (sa.remote.address === s.destination && p.outbound.spi.readUInt32BE(0) === s.spi)
      || (sa.local.address === s.destination && p.inbound.spi.readUInt32BE(0) === s.spi)));
  }
}

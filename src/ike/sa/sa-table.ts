import { cookieKey, type CookiePair, type IkeSa } from './ike-sa';
import { spiKey, type IpsecSa } from './ipsec-sa';
import type { IpsecProtocol } from '../policy/ipsec-transform';

/**
 * The SAs a gateway holds, found by cookie pair, by peer address and by SPI. No timers and
 * no I/O: the driver adds, looks up and removes.
 */
export class SaTable {
  private readonly ike = new Map<string, IkeSa>();
  private readonly ipsecByInbound = new Map<string, IpsecSa>();
  private readonly ipsecByOutbound = new Map<string, IpsecSa>();

  addIke(sa: IkeSa): void {
    this.ike.set(cookieKey(sa.cookies), sa);
  }

  removeIke(cookies: CookiePair): IkeSa | undefined {
    const key = cookieKey(cookies);
    const sa = this.ike.get(key);
    this.ike.delete(key);
    return sa;
  }

  ikeByCookies(cookies: CookiePair): IkeSa | undefined {
    return this.ike.get(cookieKey(cookies));
  }

  /** IKE SAs with a peer, newest first (the one to use for a new Quick Mode). */
  ikeForPeer(address: string): IkeSa[] {
    return [...this.ike.values()].filter((sa) => sa.remote.address === address).sort((a, b) => b.createdAt - a.createdAt);
  }

  ikeSas(): IkeSa[] {
    return [...this.ike.values()];
  }

  addIpsec(sa: IpsecSa): void {
    for (const p of sa.protocols) {
      this.ipsecByInbound.set(spiKey(p.protocol, p.inbound.spi), sa);
      this.ipsecByOutbound.set(spiKey(p.protocol, p.outbound.spi), sa);
    }
  }

  removeIpsec(sa: IpsecSa): void {
    for (const p of sa.protocols) {
      this.ipsecByInbound.delete(spiKey(p.protocol, p.inbound.spi));
      this.ipsecByOutbound.delete(spiKey(p.protocol, p.outbound.spi));
    }
  }

  ipsecByInboundSpi(protocol: IpsecProtocol, spi: Buffer): IpsecSa | undefined {
    return this.ipsecByInbound.get(spiKey(protocol, spi));
  }

  /** A peer's Delete names its inbound SPIs, which are our outbound ones. */
  ipsecByOutboundSpi(protocol: IpsecProtocol, spi: Buffer): IpsecSa | undefined {
    return this.ipsecByOutbound.get(spiKey(protocol, spi));
  }

  ipsecForPeer(address: string): IpsecSa[] {
    return this.ipsecSas().filter((sa) => sa.remote.address === address);
  }

  ipsecSas(): IpsecSa[] {
    return [...new Set(this.ipsecByInbound.values())];
  }
}

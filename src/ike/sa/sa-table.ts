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
  /** By peer address (as added): a gateway with N peers looks one up per message. */
  private readonly ikeByPeer = new PeerIndex<IkeSa>();
  private readonly ipsecByPeer = new PeerIndex<IpsecSa>();

  addIke(sa: IkeSa): void {
    const key = cookieKey(sa.cookies);
    const old = this.ike.get(key);
    if (old) this.ikeByPeer.delete(old);
    this.ike.set(key, sa);
    this.ikeByPeer.add(sa.remote.address, sa);
  }

  removeIke(cookies: CookiePair): IkeSa | undefined {
    const key = cookieKey(cookies);
    const sa = this.ike.get(key);
    this.ike.delete(key);
    if (sa) this.ikeByPeer.delete(sa);
    return sa;
  }

  ikeByCookies(cookies: CookiePair): IkeSa | undefined {
    return this.ike.get(cookieKey(cookies));
  }

  /** IKE SAs with a peer, newest first (the one to use for a new Quick Mode). */
  ikeForPeer(address: string): IkeSa[] {
    return this.ikeByPeer.of(address).sort((a, b) => b.createdAt - a.createdAt);
  }

  ikeSas(): IkeSa[] {
    return [...this.ike.values()];
  }

  addIpsec(sa: IpsecSa): void {
    this.ipsecByPeer.add(sa.remote.address, sa);
    for (const p of sa.protocols) {
      this.ipsecByInbound.set(spiKey(p.protocol, p.inbound.spi), sa);
      this.ipsecByOutbound.set(spiKey(p.protocol, p.outbound.spi), sa);
    }
  }

  removeIpsec(sa: IpsecSa): void {
    this.ipsecByPeer.delete(sa);
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
    return this.ipsecByPeer.of(address);
  }

  ipsecSas(): IpsecSa[] {
    return [...new Set(this.ipsecByInbound.values())];
  }
}

/** SAs by the peer address they were added with. */
class PeerIndex<T extends object> {
  private readonly byPeer = new Map<string, Set<T>>();
  private readonly peerOf = new WeakMap<T, string>();

  add(peer: string, sa: T): void {
    this.delete(sa);
    let set = this.byPeer.get(peer);
    if (!set) this.byPeer.set(peer, (set = new Set()));
    set.add(sa);
    this.peerOf.set(sa, peer);
  }

  delete(sa: T): void {
    const peer = this.peerOf.get(sa);
    if (peer === undefined) return;
    this.peerOf.delete(sa);
    const set = this.byPeer.get(peer);
    set?.delete(sa);
    if (set?.size === 0) this.byPeer.delete(peer);
  }

  of(peer: string): T[] {
    const set = this.byPeer.get(peer);
    return set ? [...set] : [];
  }
}

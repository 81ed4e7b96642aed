import { cookieKey, type CookiePair, type IkeSa } from './ike-sa';
import type { IpsecSa } from './ipsec-sa';
import type { IpsecProtocol } from '../policy/ipsec-transform';

/**
 * The SAs a gateway holds, found by cookie pair, by peer address and by SPI. No timers and
 * no I/O: the driver adds, looks up and removes.
 */
export class SaTable {
  private readonly ike = new Map<string, IkeSa>();
  private readonly ipsecByInbound = new SpiIndex();
  private readonly ipsecByOutbound = new SpiIndex();
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
      this.ipsecByInbound.set(p.protocol, p.inbound.spi, sa);
      this.ipsecByOutbound.set(p.protocol, p.outbound.spi, sa);
    }
  }

  removeIpsec(sa: IpsecSa): void {
    this.ipsecByPeer.delete(sa);
    for (const p of sa.protocols) {
      this.ipsecByInbound.delete(p.protocol, p.inbound.spi);
      this.ipsecByOutbound.delete(p.protocol, p.outbound.spi);
    }
  }

  ipsecByInboundSpi(protocol: IpsecProtocol, spi: Buffer): IpsecSa | undefined {
    return this.ipsecByInbound.get(protocol, spi);
  }

  /** A peer's Delete names its inbound SPIs, which are our outbound ones. */
  ipsecByOutboundSpi(protocol: IpsecProtocol, spi: Buffer): IpsecSa | undefined {
    return this.ipsecByOutbound.get(protocol, spi);
  }

  ipsecForPeer(address: string): IpsecSa[] {
    return this.ipsecByPeer.of(address);
  }

  ipsecSas(): IpsecSa[] {
    return [...new Set(this.ipsecByInbound.all())];
  }
}

/** A 4-octet SPI as a map key is its value: no key string per SA. */
function spiValue(spi: Buffer): number | string {
  return spi.length === 4 ? spi.readUInt32BE(0) : spi.toString('hex');
}

/** IPsec SAs by protocol and SPI. */
class SpiIndex {
  private readonly byProtocol = new Map<IpsecProtocol, Map<number | string, IpsecSa>>();

  set(protocol: IpsecProtocol, spi: Buffer, sa: IpsecSa): void {
    let map = this.byProtocol.get(protocol);
    if (!map) this.byProtocol.set(protocol, (map = new Map()));
    map.set(spiValue(spi), sa);
  }

  delete(protocol: IpsecProtocol, spi: Buffer): void {
    this.byProtocol.get(protocol)?.delete(spiValue(spi));
  }

  get(protocol: IpsecProtocol, spi: Buffer): IpsecSa | undefined {
    return this.byProtocol.get(protocol)?.get(spiValue(spi));
  }

  *all(): Iterable<IpsecSa> {
    for (const map of this.byProtocol.values()) yield* map.values();
  }
}

/**
 * SAs by the peer address they were added with. Most peers have one SA of a kind, so that one
 * is stored as it is, and only a second makes a list: a collection per peer would cost more
 * heap than the SA's other index entries together.
 */
class PeerIndex<T extends object> {
  private readonly byPeer = new Map<string, T | T[]>();
  private readonly peerOf = new WeakMap<T, string>();

  add(peer: string, sa: T): void {
    this.delete(sa);
    const held = this.byPeer.get(peer);
    if (held === undefined) this.byPeer.set(peer, sa);
    else if (Array.isArray(held)) held.push(sa);
    else this.byPeer.set(peer, [held, sa]);
    this.peerOf.set(sa, peer);
  }

  delete(sa: T): void {
    const peer = this.peerOf.get(sa);
    if (peer === undefined) return;
    this.peerOf.delete(sa);
    const held = this.byPeer.get(peer);
    if (held === sa) this.byPeer.delete(peer);
    else if (Array.isArray(held)) {
      const rest = held.filter((s) => s !== sa);
      this.byPeer.set(peer, rest.length === 1 ? (rest[0] as T) : rest);
    }
  }

  of(peer: string): T[] {
    const held = this.byPeer.get(peer);
    return held === undefined ? [] : Array.isArray(held) ? [...held] : [held];
  }
}

import type { IkeSa } from '../sa/ike-sa';
import type { IpsecSa } from '../sa/ipsec-sa';

/**
 * The connection IDs operators see and type (IOS conn-id): IKE SAs from 1001, IPsec SAs from
 * 2001 with one number per protocol and direction, inbound first.
 */
export class ConnIds {
  private nextIke = 1001;
  private nextIpsec = 2001;
  /** By the SA record (the SA table's), as the IPsec ones: no cookie-pair key string per SA. */
  private readonly ike = new WeakMap<IkeSa, number>();
  private readonly ipsec = new WeakMap<IpsecSa, number>();

  assignIke(sa: IkeSa): void {
    this.ike.set(sa, this.nextIke++);
  }

  forgetIke(sa: IkeSa): void {
    this.ike.delete(sa);
  }

  ikeOf(sa: IkeSa): number {
    return this.ike.get(sa) ?? 0;
  }

  assignIpsec(sa: IpsecSa): void {
    this.ipsec.set(sa, this.nextIpsec);
    this.nextIpsec += 2 * sa.protocols.length;
  }

  /** The ID of one protocol (by its index in the bundle) and direction. */
  ipsecOf(sa: IpsecSa, index: number, direction: 'inbound' | 'outbound'): number {
    const base = this.ipsec.get(sa);
    return base === undefined ? 0 : base + 2 * index + (direction === 'inbound' ? 0 : 1);
  }
}

import type { Logger } from 'pino';
import type { SadBackend, SaId, SaSpec } from '../../kernel/sad-backend';
import { SadError } from '../../kernel/sad-error';
import type { IpsecProtocol } from '../policy/ipsec-transform';
import type { IpsecSa, NegotiatedIpsecSa } from '../sa/ipsec-sa';
import type { PortMap } from './port-map';
import { saId, saSpec } from './sa-specs';

/** Inbound SPIs reserved for one Quick Mode, by protocol. */
export interface ReservedSpis {
  readonly src: string;
  readonly dst: string;
  readonly spis: Map<IpsecProtocol, number>;
}

/** Removal of something already gone is fine: the kernel (or a peer's Delete) got there first. */
function gone(err: unknown): boolean {
  return err instanceof SadError && (err.code === 'ESRCH' || err.code === 'ENOENT');
}

/** An SA's identity for a log record, the SPI in hex. */
function saFields(id: SaId): Record<string, string> {
  return { src: id.src, dst: id.dst, proto: id.proto, spi: `0x${id.spi.toString(16)}` };
}

/**
 * Puts negotiated SA bundles into the SadBackend and takes them out: inbound SPIs reserved
 * before a Quick Mode (the exchange asks for them synchronously), both directions of every
 * protocol installed together, and nothing left half installed when a step fails.
 */
export class IpsecInstaller {
  constructor(
    private readonly backend: SadBackend,
    private readonly log: Logger,
  ) {}

  /** Reserves one inbound SPI per protocol for SAs from `peer` to `local`. */
  async reserve(peer: string, local: string, protocols: readonly IpsecProtocol[]): Promise<ReservedSpis> {
    const reserved: ReservedSpis = { src: peer, dst: local, spis: new Map() };
    try {
      for (const proto of protocols) reserved.spis.set(proto, await this.backend.allocateSpi({ src: peer, dst: local, proto }));
    } catch (err) {
      await this.release(reserved, new Set());
      throw err;
    }
    return reserved;
  }

  /** Gives back reserved SPIs the negotiation did not use. */
  async release(reserved: ReservedSpis, used: ReadonlySet<IpsecProtocol>): Promise<void> {
    for (const [proto, spi] of reserved.spis) {
      if (used.has(proto)) continue;
      await this.quietDelete({ src: reserved.src, dst: reserved.dst, proto, spi });
    }
  }

  /** Installs every protocol of the bundle in both directions; on failure removes what went in and rethrows. */
  async install(sa: NegotiatedIpsecSa, placement: { reqid: number; ports: PortMap; softFraction: number }): Promise<void> {
    const done: SaId[] = [];
    try {
      for (const p of sa.protocols) {
        // The inbound SA completes the larval one its SPI reserved; the outbound SA is new.
        await this.completeReserved(saSpec(sa, p, 'inbound', placement));
        done.push(saId(sa, p, 'inbound'));
        await this.backend.addSa(saSpec(sa, p, 'outbound', placement));
        done.push(saId(sa, p, 'outbound'));
      }
    } catch (err) {
      for (const id of done) await this.quietDelete(id);
      throw err;
    }
  }

  /** Removes both directions of every protocol of the bundle (what is already gone is skipped). */
  async remove(sa: IpsecSa): Promise<void> {
    for (const p of sa.protocols) {
      await this.quietDelete(saId(sa, p, 'inbound'));
      await this.quietDelete(saId(sa, p, 'outbound'));
    }
  }

  /**
   * The kernel drops a larval SA it has not seen completed within net.core.xfrm_acq_expires
   * (30 s), while a Quick Mode under loss may wait longer for its last message (a responder
   * repeats message 2 for up to its whole retransmission span). The SPI is then free again,
   * and the SA is added with it; EEXIST if another reservation took it meanwhile.
   */
  private async completeReserved(spec: SaSpec): Promise<void> {
    try {
      await this.backend.updateSa(spec);
    } catch (err) {
      if (!(err instanceof SadError && err.code === 'ESRCH')) throw err;
      this.log.info({ sa: saFields(spec) }, 'the reserved inbound SPI lapsed in the kernel: adding the SA with it');
      await this.backend.addSa(spec);
    }
  }

  private async quietDelete(id: SaId): Promise<void> {
    try {
      await this.backend.deleteSa(id);
    } catch (err) {
      if (!gone(err)) this.log.error({ sa: saFields(id), err: (err as Error).message }, 'cannot remove an IPsec SA from the kernel');
    }
  }
}

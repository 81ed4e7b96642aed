/**
 * One SA slot of the memory backend, flat: the SA's identity, its spec once installed (absent
 * while larval), its counters and its timer. A gateway holds one per SA, tens of thousands of
 * them, and every nested object or Buffer of a kept SaSpec costs heap of its own, so the spec
 * is kept as plain fields (keys as latin1 strings) and rebuilt, as a fresh copy, on demand.
 */
import type {
  EncryptionAlgorithm, IntegrityAlgorithm, IpsecMode, IpsecProto, SaCounters, SaId, SaLifetimes, SaSpec, Selector,
} from './sad-backend';
import { copySelector } from './spec-copy';
import type { Deadline } from './timer-queue';

export class MemorySaEntry implements Deadline {
  src: string;
  dst: string;
  proto: IpsecProto;
  spi: number;
  installed = false;
  mode: IpsecMode = 'tunnel';
  reqid = 0;
  replayWindow = 0;
  cipher: EncryptionAlgorithm['name'] | undefined = undefined;
  cipherKey: string | undefined = undefined;
  icvBits: number | undefined = undefined;
  integrity: IntegrityAlgorithm['name'] | undefined = undefined;
  integrityKey: string | undefined = undefined;
  truncationBits = 0;
  softSeconds: number | undefined = undefined;
  hardSeconds: number | undefined = undefined;
  softBytes: number | undefined = undefined;
  hardBytes: number | undefined = undefined;
  encap = false;
  sport = 0;
  dport = 0;
  originalAddress: string | undefined = undefined;
  selector: Selector | undefined = undefined;
  bytes = 0;
  packets = 0;
  addTime: number;
  useTime: number | undefined = undefined;
  softExpired = false;
  /** Its place in the backend's deadline queue (the larval lapse, or the next lifetime limit). */
  seq = 0;

  constructor(id: SaId, addTime: number) {
    this.src = id.src;
    this.dst = id.dst;
    this.proto = id.proto;
    this.spi = id.spi;
    this.addTime = addTime;
  }

  /** Takes a (checked) spec's identity and contents; the caller's objects are not kept. */
  install(spec: SaSpec): void {
    this.src = spec.src;
    this.dst = spec.dst;
    this.proto = spec.proto;
    this.spi = spec.spi;
    this.installed = true;
    this.mode = spec.mode;
    this.reqid = spec.reqid;
    this.replayWindow = spec.replayWindow;
    this.cipher = spec.encryption?.name;
    this.cipherKey = spec.encryption?.key.toString('latin1');
    this.icvBits = spec.encryption?.icvBits;
    this.integrity = spec.integrity?.name;
    this.integrityKey = spec.integrity?.key.toString('latin1');
    this.truncationBits = spec.integrity?.truncationBits ?? 0;
    this.setLifetimes(spec.lifetimes);
    this.encap = spec.encap !== undefined;
    if (spec.encap) this.setEncap(spec.encap);
    this.selector = spec.selector && copySelector(spec.selector);
  }

  setLifetimes(l: SaLifetimes): void {
    this.softSeconds = l.softSeconds;
    this.hardSeconds = l.hardSeconds;
    this.softBytes = l.softBytes;
    this.hardBytes = l.hardBytes;
  }

  setEncap(e: NonNullable<SaSpec['encap']>): void {
    this.sport = e.sport;
    this.dport = e.dport;
    this.originalAddress = e.originalAddress;
  }

  id(): SaId {
    return { src: this.src, dst: this.dst, proto: this.proto, spi: this.spi };
  }

  lifetimes(): SaLifetimes {
    const l: SaLifetimes = {};
    if (this.softSeconds !== undefined) l.softSeconds = this.softSeconds;
    if (this.hardSeconds !== undefined) l.hardSeconds = this.hardSeconds;
    if (this.softBytes !== undefined) l.softBytes = this.softBytes;
    if (this.hardBytes !== undefined) l.hardBytes = this.hardBytes;
    return l;
  }

  /** A fresh copy of the installed spec, absent fields absent. */
  spec(): SaSpec {
    const spec: SaSpec = {
      src: this.src, dst: this.dst, proto: this.proto, spi: this.spi, mode: this.mode, reqid: this.reqid,
      replayWindow: this.replayWindow, lifetimes: this.lifetimes(),
    };
    if (this.cipher !== undefined) {
      spec.encryption = { name: this.cipher, key: Buffer.from(this.cipherKey as string, 'latin1') };
      if (this.icvBits !== undefined) spec.encryption.icvBits = this.icvBits;
    }
    if (this.integrity !== undefined) {
      spec.integrity = { name: this.integrity, key: Buffer.from(this.integrityKey as string, 'latin1'), truncationBits: this.truncationBits };
    }
    if (this.encap) {
      spec.encap = { type: 'espinudp', sport: this.sport, dport: this.dport };
      if (this.originalAddress !== undefined) spec.encap.originalAddress = this.originalAddress;
    }
    if (this.selector) spec.selector = copySelector(this.selector);
    return spec;
  }

  counters(): SaCounters {
    const c: SaCounters = { bytes: this.bytes, packets: this.packets, addTime: this.addTime };
    if (this.useTime !== undefined) c.useTime = this.useTime;
    return c;
  }
}

/**
 * A CryptoDiscoverySource under the test's control: `table` is what /proc/crypto reads as,
 * `plug()`/`unplug()` change it and send the device events a PCI hot-plug brings.
 */
import type { CryptoDiscoverySource } from '../../src/hw/kernel-crypto-discovery';
import type { DeviceEvent } from '../../src/native/crypto-discovery';

/** One /proc/crypto block in the kernel's layout ("field        : value"). */
function block(fields: Record<string, string | number>): string {
  return Object.entries(fields).map(([k, v]) => `${k.padEnd(12)} : ${v}`).join('\n') + '\n';
}

/** The software part of a host's table: generic and CPU-instruction drivers only. */
export const SOFTWARE_TABLE = [
  block({ name: 'cbc(aes)', driver: 'cbc-aes-aesni', module: 'aesni_intel', priority: 400, type: 'skcipher', 'min keysize': 16, 'max keysize': 32 }),
  block({ name: 'cbc(des3_ede)', driver: 'cbc(des3_ede-generic)', module: 'cbc', priority: 100, type: 'skcipher', 'min keysize': 24, 'max keysize': 24 }),
  block({ name: 'hmac(sha1)', driver: 'hmac(sha1-generic)', module: 'hmac', priority: 100, type: 'shash' }),
  block({ name: 'dh', driver: 'dh-generic', module: 'kernel', priority: 100, type: 'kpp' }),
].join('\n');

/** What the virtio_crypto driver adds for QEMU's virtio-crypto-pci (cryptodev-backend-builtin). */
export const VIRTIO_TABLE = [
  block({ name: 'cbc(aes)', driver: 'virtio_crypto_aes_cbc', module: 'virtio_crypto', priority: 150, type: 'skcipher', 'min keysize': 16, 'max keysize': 32 }),
  block({ name: 'rsa', driver: 'virtio-crypto-rsa', module: 'virtio_crypto', priority: 150, type: 'akcipher' }),
  block({ name: 'pkcs1pad(rsa,sha1)', driver: 'virtio-pkcs1-rsa-with-sha1', module: 'virtio_crypto', priority: 150, type: 'akcipher' }),
].join('\n');

const CARD_EVENTS = (action: 'add' | 'remove'): DeviceEvent[] => [
  { action, devpath: '/devices/pci0000:00/0000:00:05.0', subsystem: 'pci', ...(action === 'add' ? { modalias: 'pci:v00001AF4d00001054sv*' } : {}) },
  { action, devpath: '/devices/pci0000:00/0000:00:05.0/virtio3', subsystem: 'virtio' },
];

export class FakeCryptoSource implements CryptoDiscoverySource {
  table: string;
  reads = 0;
  failWith: Error | undefined;
  private listener: ((events: DeviceEvent[]) => void) | undefined;

  constructor(card = false) {
    this.table = card ? `${VIRTIO_TABLE}\n${SOFTWARE_TABLE}` : SOFTWARE_TABLE;
  }

  get watching(): boolean {
    return this.listener !== undefined;
  }

  async readTable(): Promise<string> {
    this.reads++;
    if (this.failWith) throw this.failWith;
    return this.table;
  }

  watch(onEvents: (events: DeviceEvent[]) => void): { close(): void } {
    this.listener = onEvents;
    return { close: () => { this.listener = undefined; } };
  }

  emit(events: DeviceEvent[]): void {
    this.listener?.(events);
  }

  /** The card's algorithms appear when `registered` (the driver's probe) and the bus says "add". */
  plug({ registered = true } = {}): void {
    if (registered) this.table = `${VIRTIO_TABLE}\n${SOFTWARE_TABLE}`;
    this.emit(CARD_EVENTS('add'));
  }

  unplug(): void {
    this.table = SOFTWARE_TABLE;
    this.emit(CARD_EVENTS('remove'));
  }
}

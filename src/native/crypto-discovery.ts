/**
 * Typed access to the addon's kernel crypto discovery (native/src/crypto_*.cc): the kernel's
 * algorithm table read off the JS thread, and the kernel's device events (hot-plug), which
 * src/hw/kernel-crypto-discovery.ts turns into cards inserted and removed.
 */
import { addonWith } from './addon';
import { KernelMonitor, type NativeMonitor } from './kernel-monitor';

/** One kernel uevent; `action` "overrun" says the kernel dropped some. */
export interface UEvent {
  action: string;
  devpath?: string;
  subsystem?: string;
  driver?: string;
  modalias?: string;
}

/** The event socket broke: no more events come. */
export interface DeviceMonitorError {
  type: 'error';
  error: Error;
}

export type DeviceEvent = UEvent | DeviceMonitorError;

interface CryptoAddon {
  readCryptoTable(path?: string): Promise<string>;
  DeviceMonitor: new (onEvents: (events: DeviceEvent[]) => void) => NativeMonitor;
}

const cryptoAddon = (): CryptoAddon => addonWith<CryptoAddon>(['readCryptoTable', 'DeviceMonitor'], 'crypto discovery');

/** The text of /proc/crypto (or of `path`), read on the threadpool; rejects with errno's code. */
export function readCryptoTable(path?: string): Promise<string> {
  return cryptoAddon().readCryptoTable(path);
}

/** The kernel's device events, read on Node's own loop. */
export class DeviceMonitor extends KernelMonitor {
  constructor(onEvents: (events: DeviceEvent[]) => void) {
    super(new (cryptoAddon().DeviceMonitor)(onEvents));
  }
}

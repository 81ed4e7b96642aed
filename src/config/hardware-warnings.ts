import type { Config, IsakmpPolicy, Transform, TransformSet } from './model';
import { espCipherCapability, ikeCipherCapability, type CipherCapability, type EspCipherTransform } from './algorithms';

/** The questions asked of the crypto engine layer (src/hw/engine-registry.ts answers them). */
export interface CipherOracle {
  canEncrypt(cap: CipherCapability): boolean;
  /** The kernel SA interface's name when it cannot install SAs of the transform. */
  refusingSaInterface(t: Readonly<Transform>): string | undefined;
}

/** The seed's warning when a policy's encryption method is one the hardware cannot do. */
export function policyWarnings(p: Readonly<IsakmpPolicy>, engine: CipherOracle): string[] {
  return engine.canEncrypt(ikeCipherCapability(p.encryption)) ? [] : [policyWarning(p.priority)];
}

/**
 * One warning per transform of the set whose cipher the hardware cannot do, and one, worded
 * alike, per transform the kernel SA interface cannot install (PF_KEY: esp-sha256-hmac).
 */
export function transformSetWarnings(ts: Readonly<TransformSet>, engine: CipherOracle): string[] {
  const out: string[] = [];
  for (const t of ts.transforms) {
    const saInterface = engine.refusingSaInterface(t);
    if (saInterface !== undefined) {
      out.push(`WARNING:kernel SA interface ${saInterface} does not support transform ${t.name} within IPSec transform set ${ts.name}`);
    }
    if (!t.name.startsWith('esp-') || t.name.endsWith('-hmac')) continue;
    const cap = espCipherCapability(t.name as EspCipherTransform, t.keyBits);
    if (cap !== undefined && !engine.canEncrypt(cap)) {
      out.push(`WARNING:encryption hardware does not support transform ${t.name} within IPSec transform set ${ts.name}`);
    }
  }
  return out;
}

/**
 * Every configured IKE encryption method and IPsec transform the active engine cannot do:
 * the scan IOS makes at boot and when a card is inserted.
 */
export function hardwareWarnings(config: Readonly<Config>, engine: CipherOracle): string[] {
  return [
    ...config.isakmp.policies.flatMap((p) => policyWarnings(p, engine)),
    ...config.transformSets.flatMap((ts) => transformSetWarnings(ts, engine)),
  ];
}

export function policyWarning(priority: number): string {
  return `WARNING:encryption hardware does not support the configured encryption method for ISAKMP policy ${priority}`;
}

import type { Config } from './model';
import { espCipherCapability, ikeCipherCapability, type EspCipherTransform } from './algorithms';

/** The one question asked of the crypto engine layer. */
export interface CipherOracle {
  canEncrypt(cap: ReturnType<typeof ikeCipherCapability>): boolean;
}

/**
 * Every configured IKE encryption method and IPsec transform the active engine cannot do,
 * as the IOS warning lines. Asked at command entry, at boot and on card insertion.
 */
export function hardwareWarnings(config: Readonly<Config>, engine: CipherOracle): string[] {
  const out: string[] = [];
  for (const p of config.isakmp.policies) {
    if (!engine.canEncrypt(ikeCipherCapability(p.encryption))) out.push(policyWarning(p.priority));
  }
  for (const ts of config.transformSets) {
    for (const t of ts.transforms) {
      if (!t.name.startsWith('esp-') || t.name.endsWith('-hmac')) continue;
      const cap = espCipherCapability(t.name as EspCipherTransform, t.keyBits);
      if (cap !== undefined && !engine.canEncrypt(cap)) {
        out.push(`WARNING:encryption hardware does not support transform ${t.name} within IPSec transform set ${ts.name}`);
      }
    }
  }
  return out;
}

export function policyWarning(priority: number): string {
  return `WARNING:encryption hardware does not support the configured encryption method for ISAKMP policy ${priority}`;
}

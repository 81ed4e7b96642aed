import { ikeCipherCapability } from '../../config/algorithms';
import { DEFAULT_POLICY, type Config, type PolicyParameters } from '../../config/model';
import type { Phase1CapabilityOracle } from './capabilities';

/** A protection suite as negotiation uses it: a configured priority or the default suite. */
export interface ProtectionSuite extends PolicyParameters {
  readonly priority: number | 'default';
}

/** Configured policies in priority order, then the default suite (always lowest). */
export function protectionSuites(config: Readonly<Config>): ProtectionSuite[] {
  const configured = [...config.isakmp.policies].sort((a, b) => a.priority - b.priority);
  return [...configured.map((p) => ({ ...p })), { priority: 'default', ...DEFAULT_POLICY }];
}

/** Why a suite takes no part in a negotiation with this peer, or undefined when it does. */
export function unusableReason(suite: PolicyParameters, engine: Phase1CapabilityOracle, hasPresharedKey: boolean): string | undefined {
  // Seed: a policy without its companion configuration is not submitted. RSA signatures and
  // encrypted nonces need certificates / peer RSA keys, which this negotiation does not use.
  if (suite.authentication !== 'pre-share') return `authentication ${suite.authentication} is not available`;
  if (!hasPresharedKey) return 'no pre-shared key for the peer';
  if (!engine.canEncrypt(ikeCipherCapability(suite.encryption))) return `the crypto engine cannot do ${suite.encryption}`;
  if (!engine.canHash(suite.hash)) return `the crypto engine cannot do ${suite.hash}`;
  if (!engine.canDh(suite.group)) return `the crypto engine cannot do DH group ${suite.group}`;
  return undefined;
}

/** The suites that may be offered to, or accepted from, a peer, in priority order. */
export function usableSuites(config: Readonly<Config>, engine: Phase1CapabilityOracle, hasPresharedKey: boolean): ProtectionSuite[] {
  return protectionSuites(config).filter((s) => unusableReason(s, engine, hasPresharedKey) === undefined);
}

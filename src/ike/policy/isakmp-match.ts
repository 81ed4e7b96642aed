import type { PolicyParameters } from '../../config/model';
import type { Transform } from '../wire';
import type { ProtectionSuite } from './isakmp-policies';
import { readSuiteTransform, type OfferedSuite } from './isakmp-transform';

function sameAlgorithms(a: Omit<PolicyParameters, 'lifetime'>, b: Omit<PolicyParameters, 'lifetime'>): boolean {
  return a.encryption === b.encryption && a.hash === b.hash && a.authentication === b.authentication && a.group === b.group;
}

/** The responder's pick: the offered transform (echoed unchanged, RFC 2408 4.2) and the suite in force. */
export interface SuiteChoice {
  readonly transform: Transform;
  readonly suite: ProtectionSuite;
}

/**
 * Seed, "IKE Peers Agreeing Upon a Matching IKE Policy": walk our own suites in priority
 * order; the first whose encryption, hash, authentication and group equal an offered
 * transform's and whose lifetime is no longer than the offered one matches. Our (shorter
 * or equal) lifetime is the one used.
 */
export function chooseSuite(own: readonly ProtectionSuite[], offered: readonly Transform[]): SuiteChoice | undefined {
  const readable = offered
    .map((transform) => ({ transform, suite: readSuiteTransform(transform) }))
    .filter((o): o is { transform: Transform; suite: OfferedSuite } => o.suite !== undefined);
  for (const suite of own) {
    const hit = readable.find((o) => sameAlgorithms(suite, o.suite) && (o.suite.lifetime === undefined || suite.lifetime <= o.suite.lifetime));
    if (hit) return { transform: hit.transform, suite };
  }
  return undefined;
}

/**
 * The initiator's check of the responder's answer: it must be one of the suites we offered.
 * The lifetime is the shorter of ours and the one the responder returned.
 */
export function acceptedSuite(offered: readonly ProtectionSuite[], reply: Transform): ProtectionSuite | undefined {
  const answer = readSuiteTransform(reply);
  if (!answer) return undefined;
  const ours = offered.find((s) => sameAlgorithms(s, answer));
  if (!ours) return undefined;
  return { ...ours, lifetime: Math.min(ours.lifetime, answer.lifetime ?? ours.lifetime) };
}

/**
 * Deep copies of specs, so that a caller mutating what it passed in or got back (keys are
 * Buffers) cannot change what a backend holds, just as with state inside a kernel.
 * Absent optional fields stay absent rather than becoming `undefined`.
 */
import type { PolicySpec, SaSpec, Selector } from './sad-backend';

export function copySelector(s: Selector): Selector {
  return { ...s, src: { ...s.src }, dst: { ...s.dst } };
}

export function copySaSpec(spec: SaSpec): SaSpec {
  const copy: SaSpec = { ...spec, lifetimes: { ...spec.lifetimes } };
  if (spec.encryption) copy.encryption = { ...spec.encryption, key: Buffer.from(spec.encryption.key) };
  if (spec.integrity) copy.integrity = { ...spec.integrity, key: Buffer.from(spec.integrity.key) };
  if (spec.encap) copy.encap = { ...spec.encap };
  if (spec.selector) copy.selector = copySelector(spec.selector);
  return copy;
}

export function copyPolicySpec(spec: PolicySpec): PolicySpec {
  const copy: PolicySpec = { ...spec, selector: copySelector(spec.selector), templates: spec.templates.map((t) => ({ ...t })) };
  if (spec.lifetimes) copy.lifetimes = { ...spec.lifetimes };
  return copy;
}

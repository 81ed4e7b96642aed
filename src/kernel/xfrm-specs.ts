/**
 * SadBackend specs to and from the addon's XFRM objects, field by field. The reverse
 * mappings return undefined for what the SadBackend cannot express (an IPcomp or BEET SA, a
 * sub policy, a larval SA), so listings show only what ikegate could have installed.
 */
import type {
  XfrmEvent, XfrmLifetime, XfrmPolicy, XfrmPolicyInput, XfrmSa, XfrmSaInput, XfrmSelector, XfrmTemplate,
} from '../native/xfrm';
import type {
  AcquireEvent, ExpireEvent, IpsecMode, IpsecProto, KernelCipher, KernelIntegrity, PolicyDir, PolicyExpireEvent, PolicySpec,
  PolicyState, PolicyTemplate, SaCounters, SaLifetimes, SaSpec, Selector,
} from './sad-backend';

const AEAD: KernelCipher = 'rfc4106(gcm(aes))';

const isProto = (v: unknown): v is IpsecProto => v === 'esp' || v === 'ah';
const isMode = (v: unknown): v is IpsecMode => v === 'tunnel' || v === 'transport';
const isDir = (v: unknown): v is PolicyDir => v === 'in' || v === 'out' || v === 'fwd';

export function toXfrmSelector(s: Selector): XfrmSelector {
  const x: XfrmSelector = { src: { ...s.src }, dst: { ...s.dst } };
  if (s.proto !== undefined) x.proto = s.proto;
  if (s.srcPort !== undefined) x.srcPort = s.srcPort;
  if (s.dstPort !== undefined) x.dstPort = s.dstPort;
  return x;
}

export function fromXfrmSelector(x: XfrmSelector): Selector {
  const s: Selector = { src: { ...x.src }, dst: { ...x.dst } };
  if (x.proto !== undefined) s.proto = x.proto;
  if (x.srcPort !== undefined) s.srcPort = x.srcPort;
  if (x.dstPort !== undefined) s.dstPort = x.dstPort;
  return s;
}

function toXfrmLifetime(l: SaLifetimes): XfrmLifetime {
  const x: XfrmLifetime = {};
  if (l.softSeconds !== undefined) x.softAddSeconds = l.softSeconds;
  if (l.hardSeconds !== undefined) x.hardAddSeconds = l.hardSeconds;
  if (l.softBytes !== undefined) x.softBytes = l.softBytes;
  if (l.hardBytes !== undefined) x.hardBytes = l.hardBytes;
  return x;
}

function fromXfrmLifetime(x: XfrmLifetime): SaLifetimes {
  const l: SaLifetimes = {};
  if (x.softAddSeconds !== undefined) l.softSeconds = x.softAddSeconds;
  if (x.hardAddSeconds !== undefined) l.hardSeconds = x.hardAddSeconds;
  if (x.softBytes !== undefined) l.softBytes = x.softBytes;
  if (x.hardBytes !== undefined) l.hardBytes = x.hardBytes;
  return l;
}

export function toXfrmSa(spec: SaSpec): XfrmSaInput {
  const sa: XfrmSaInput = {
    src: spec.src, dst: spec.dst, proto: spec.proto, spi: spec.spi, mode: spec.mode, reqid: spec.reqid,
    replayWindow: spec.replayWindow, lifetime: toXfrmLifetime(spec.lifetimes),
  };
  const enc = spec.encryption;
  // GCM is an AEAD to XFRM: its own attribute, carrying the ICV length instead of an HMAC.
  if (enc && enc.name === AEAD) sa.aead = { name: enc.name, key: enc.key, icvBits: enc.icvBits as number };
  else if (enc) sa.crypt = { name: enc.name, key: enc.key };
  const auth = spec.integrity;
  if (auth) sa.auth = { name: auth.name, key: auth.key, truncationBits: auth.truncationBits };
  if (spec.encap) sa.encap = { ...spec.encap };
  if (spec.selector) sa.selector = toXfrmSelector(spec.selector);
  return sa;
}

/** Undefined for SAs ikegate would not have made, and for larval ones (no algorithms yet). */
export function fromXfrmSa(sa: XfrmSa): SaSpec | undefined {
  const { proto, mode } = sa;
  if (!isProto(proto) || !isMode(mode) || (!sa.crypt && !sa.aead && !sa.auth)) return undefined;
  const spec: SaSpec = {
    src: sa.src, dst: sa.dst, proto, spi: sa.spi, mode, reqid: sa.reqid, replayWindow: sa.replayWindow,
    lifetimes: fromXfrmLifetime(sa.lifetime),
  };
  if (sa.aead) spec.encryption = { name: sa.aead.name as KernelCipher, key: sa.aead.key, icvBits: sa.aead.icvBits };
  else if (sa.crypt) spec.encryption = { name: sa.crypt.name as KernelCipher, key: sa.crypt.key };
  if (sa.auth) spec.integrity = { name: sa.auth.name as KernelIntegrity, key: sa.auth.key, truncationBits: sa.auth.truncationBits };
  if (sa.encap) spec.encap = { ...sa.encap };
  // A kernel with ESP gives an SA installed without a selector one of its own family that
  // matches anything (0.0.0.0/0): that is no selector to the SadBackend.
  if (sa.selector && !matchesAnything(sa.selector)) spec.selector = fromXfrmSelector(sa.selector);
  return spec;
}

function matchesAnything(x: XfrmSelector): boolean {
  return x.src.prefixLength === 0 && x.dst.prefixLength === 0 && x.proto === undefined && x.srcPort === undefined && x.dstPort === undefined;
}

/** The kernel counts in seconds; the SadBackend in milliseconds. */
export function fromXfrmCounters(sa: XfrmSa): SaCounters {
  const counters: SaCounters = { bytes: sa.current.bytes, packets: sa.current.packets, addTime: sa.current.addTime * 1000 };
  if (sa.current.useTime !== 0) counters.useTime = sa.current.useTime * 1000;
  return counters;
}

/**
 * What is left of each limit at `now`. XFRM does not report that a soft limit fired, so
 * `softExpired` comes from the backend having seen the soft expire event.
 */
export function remainingLifetimes(l: SaLifetimes, c: SaCounters, now: number, softExpired: boolean): SaLifetimes {
  const seconds = (limit: number): number => Math.max(0, Math.ceil((c.addTime + limit * 1000 - now) / 1000));
  const bytes = (limit: number): number => Math.max(0, limit - c.bytes);
  const r: SaLifetimes = {};
  if (l.softSeconds !== undefined) r.softSeconds = softExpired ? 0 : seconds(l.softSeconds);
  if (l.hardSeconds !== undefined) r.hardSeconds = seconds(l.hardSeconds);
  if (l.softBytes !== undefined) r.softBytes = softExpired ? 0 : bytes(l.softBytes);
  if (l.hardBytes !== undefined) r.hardBytes = bytes(l.hardBytes);
  return r;
}

export function toXfrmPolicy(spec: PolicySpec): XfrmPolicyInput {
  const policy: XfrmPolicyInput = {
    selector: toXfrmSelector(spec.selector), dir: spec.dir, action: spec.action, priority: spec.priority,
    templates: spec.templates.map((t) => ({
      proto: t.proto, mode: t.mode, reqid: t.reqid, optional: t.level === 'use',
      ...(t.mode === 'tunnel' ? { src: t.src as string, dst: t.dst as string } : {}),
    })),
  };
  const l = spec.lifetimes;
  if (l) {
    policy.lifetime = {};
    if (l.softSeconds !== undefined) policy.lifetime.softAddSeconds = l.softSeconds;
    if (l.hardSeconds !== undefined) policy.lifetime.hardAddSeconds = l.hardSeconds;
  }
  return policy;
}

function fromXfrmTemplate(t: XfrmTemplate): PolicyTemplate | undefined {
  const { proto, mode } = t;
  if (!isProto(proto) || !isMode(mode)) return undefined;
  const template: PolicyTemplate = { proto, mode, reqid: t.reqid, level: t.optional ? 'use' : 'required' };
  if (mode === 'tunnel' && t.src !== undefined && t.dst !== undefined) {
    template.src = t.src;
    template.dst = t.dst;
  }
  return template;
}

/** Undefined for sub policies, per-socket ones, and templates of kinds ikegate does not make. */
export function fromXfrmPolicy(p: XfrmPolicy): PolicyState | undefined {
  const { dir, action } = p;
  if (p.type !== 'main' || !isDir(dir) || (action !== 'allow' && action !== 'block')) return undefined;
  const templates = p.templates.map(fromXfrmTemplate);
  if (templates.some((t) => t === undefined)) return undefined;
  const spec: PolicySpec = {
    selector: fromXfrmSelector(p.selector), dir, action, priority: p.priority, templates: templates as PolicyTemplate[],
  };
  const { softAddSeconds, hardAddSeconds } = p.lifetime;
  if (softAddSeconds !== undefined || hardAddSeconds !== undefined) {
    spec.lifetimes = {};
    if (softAddSeconds !== undefined) spec.lifetimes.softSeconds = softAddSeconds;
    if (hardAddSeconds !== undefined) spec.lifetimes.hardSeconds = hardAddSeconds;
  }
  return { spec, index: p.index };
}

export type BackendEvent =
  | { name: 'acquire'; event: AcquireEvent }
  | { name: 'expire'; event: ExpireEvent }
  | { name: 'policy-expire'; event: PolicyExpireEvent };

/**
 * The SadBackend event for a kernel event, or undefined for those it has none for: an
 * ACQUIRE for a kind of SA ikegate does not make, and the expiry of an ACQUIRE's placeholder
 * state (SPI 0), which is no SA anyone installed.
 */
export function fromXfrmEvent(e: XfrmEvent): BackendEvent | undefined {
  switch (e.type) {
    case 'acquire': {
      const t = e.template;
      if (!t || !isProto(t.proto) || !isMode(t.mode)) return undefined;
      return {
        name: 'acquire',
        event: { policyIndex: e.policy.index, selector: fromXfrmSelector(e.policy.selector), proto: t.proto, mode: t.mode, reqid: t.reqid, src: e.src, dst: e.dst },
      };
    }
    case 'expire': {
      const { sa } = e;
      if (!isProto(sa.proto) || sa.spi === 0) return undefined;
      return { name: 'expire', event: { sa: { src: sa.src, dst: sa.dst, proto: sa.proto, spi: sa.spi }, reqid: sa.reqid, hard: e.hard } };
    }
    case 'polexpire': {
      const { dir } = e.policy;
      if (!isDir(dir)) return undefined;
      return { name: 'policy-expire', event: { index: e.policy.index, selector: fromXfrmSelector(e.policy.selector), dir, hard: e.hard } };
    }
    default:
      return undefined;
  }
}

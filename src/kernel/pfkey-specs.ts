/**
 * SadBackend specs to and from the addon's PF_KEY objects (src/native/pfkey.ts), field by
 * field, and the SADB algorithm numbers of the kernel's crypto names (Linux
 * <linux/pfkeyv2.h>, net/xfrm/xfrm_algo.c).
 *
 * What PF_KEY cannot say, and so what differs from XFRM:
 * - no ICV truncation length: the kernel uses its table's (MD5/SHA-1 96, SHA-384 192,
 *   SHA-512 256, and for SHA-256 the pre-RFC 4868 96 bits, so HMAC-SHA256-128 cannot be
 *   installed by PF_KEY); `pfkeySaProblem` refuses any other;
 * - no AEAD: Linux's af_key looks encryption numbers up among the CBC-style ciphers only, so
 *   AES-GCM (SADB_X_EALG_AES_GCM_ICV8/12/16) is refused by the kernel with ENOSYS;
 *   `pfkeyAlgorithmProblem` names both to negotiation, which then leaves esp-sha256-hmac and
 *   esp-gcm out;
 * - an 8-bit replay window; reqids up to IPSEC_MANUAL_REQID_MAX (16383) in policies, and only
 *   at level "unique" (which is what a required template with a reqid becomes here); a
 *   template of level "use" cannot carry one;
 * - no SA selector and no NAT-OA (af_key ignores both): an SA installed with them reads back
 *   without them.
 * The reverse mappings return undefined for what the SadBackend cannot express (larval SAs,
 * IPcomp, other algorithms), so listings show only what ikegate could have installed.
 */
import type {
  PfkeyDir, PfkeyLifetime, PfkeyPolicy, PfkeyPolicyInput, PfkeyPrefix, PfkeySa, PfkeySaInput,
} from '../native/pfkey';
import type {
  EncryptionAlgorithm, IntegrityAlgorithm, IpsecMode, IpsecProto, KernelCipher, KernelIntegrity, PolicySpec, PolicyState,
  PolicyTemplate, SaAlgorithms, SaCounters, SaLifetimes, SaSpec, Selector,
} from './sad-backend';

/** SADB_EALG_* numbers of the CBC ciphers and NULL. */
const CIPHER_IDS: Readonly<Record<Exclude<KernelCipher, 'rfc4106(gcm(aes))'>, number>> = {
  'cbc(des)': 2,
  'cbc(des3_ede)': 3,
  'ecb(cipher_null)': 11,
  'cbc(aes)': 12,
};
/** SADB_X_EALG_AES_GCM_ICV8/12/16 by ICV bits. */
const GCM_IDS: Readonly<Record<number, number>> = { 64: 18, 96: 19, 128: 20 };
/**
 * SADB_AALG_* numbers and the truncation the kernel applies to each (xfrm_algo.c's
 * icv_truncbits: SHA-256's is the draft's 96, which XFRM users override, PF_KEY ones cannot).
 */
const INTEGRITY_IDS: Readonly<Record<KernelIntegrity, { id: number; truncationBits: number }>> = {
  'hmac(md5)': { id: 2, truncationBits: 96 },
  'hmac(sha1)': { id: 3, truncationBits: 96 },
  'hmac(sha256)': { id: 5, truncationBits: 96 },
  'hmac(sha384)': { id: 6, truncationBits: 192 },
  'hmac(sha512)': { id: 7, truncationBits: 256 },
};
const GCM: KernelCipher = 'rfc4106(gcm(aes))';
/** UDP_ENCAP_ESPINUDP. */
const ESP_IN_UDP = 2;
/** Larger reqids in a policy are replaced by the kernel's own (af_key's parse_ipsecrequest). */
export const PFKEY_MAX_POLICY_REQID = 0x3fff;
const MAX_REPLAY = 255;

const isProto = (v: unknown): v is IpsecProto => v === 'esp' || v === 'ah';
const isMode = (v: unknown): v is IpsecMode => v === 'tunnel' || v === 'transport';
const isDir = (v: unknown): v is PfkeyDir => v === 'in' || v === 'out' || v === 'fwd';

/** The SADB number of a cipher, or undefined for one PF_KEY has no number for. */
export function pfkeyCipherId(e: Omit<EncryptionAlgorithm, 'key'>): number | undefined {
  return e.name === GCM ? GCM_IDS[e.icvBits ?? 0] : CIPHER_IDS[e.name as keyof typeof CIPHER_IDS];
}

export function pfkeyIntegrityId(name: KernelIntegrity): number {
  return INTEGRITY_IDS[name].id;
}

/** Why PF_KEY has no words for these algorithms, or undefined. */
function unspeakable(a: SaAlgorithms): string | undefined {
  const i = a.integrity;
  if (i && INTEGRITY_IDS[i.name].truncationBits !== i.truncationBits) {
    return `integrity ${i.name} truncated to ${i.truncationBits} bits: PF_KEY has no truncation length, the kernel uses ${INTEGRITY_IDS[i.name].truncationBits}`;
  }
  if (a.encryption && pfkeyCipherId(a.encryption) === undefined) return `encryption ${a.encryption.name}: PF_KEY has no number for it`;
  return undefined;
}

/** Why PF_KEY cannot carry an SA spec (spec-checks.ts has accepted it), or undefined. */
export function pfkeySaProblem(spec: SaSpec): string | undefined {
  if (spec.replayWindow > MAX_REPLAY) return `replayWindow ${spec.replayWindow}: PF_KEY's replay window is at most ${MAX_REPLAY} packets`;
  return unspeakable(spec);
}

/**
 * Why SAs with these algorithms cannot be installed through PF_KEY at all: what it has no
 * words for, and AEAD, whose numbers Linux's af_key does not look up (ENOSYS).
 */
export function pfkeyAlgorithmProblem(a: SaAlgorithms): string | undefined {
  return unspeakable(a) ?? (a.encryption?.name === GCM ? `encryption ${GCM}: Linux's af_key has no AEAD ciphers` : undefined);
}

/** Why PF_KEY cannot carry a policy spec, or undefined. */
export function pfkeyPolicyProblem(spec: PolicySpec): string | undefined {
  for (const t of spec.templates) {
    if (t.level === 'use' && t.reqid !== 0) return `template reqid ${t.reqid} at level use: PF_KEY keeps a reqid only at level unique (required)`;
    if (t.reqid > PFKEY_MAX_POLICY_REQID) return `template reqid ${t.reqid}: PF_KEY policies take reqids up to ${PFKEY_MAX_POLICY_REQID}`;
  }
  return undefined;
}

function lifetime(seconds: number | undefined, bytes: number | undefined): PfkeyLifetime | undefined {
  if (seconds === undefined && bytes === undefined) return undefined;
  const l: PfkeyLifetime = {};
  if (seconds !== undefined) l.addSeconds = seconds;
  if (bytes !== undefined) l.bytes = bytes;
  return l;
}

export function toPfkeySa(spec: SaSpec): PfkeySaInput {
  const sa: PfkeySaInput = {
    satype: spec.proto, spi: spec.spi, src: spec.src, dst: spec.dst, mode: spec.mode, reqid: spec.reqid, replay: spec.replayWindow,
  };
  // af_key wants the encryption key extension on every ESP SA: NULL's has zero bits.
  if (spec.encryption) sa.encrypt = { id: pfkeyCipherId(spec.encryption) as number, key: spec.encryption.key };
  if (spec.integrity) sa.auth = { id: pfkeyIntegrityId(spec.integrity.name), key: spec.integrity.key };
  const hard = lifetime(spec.lifetimes.hardSeconds, spec.lifetimes.hardBytes);
  const soft = lifetime(spec.lifetimes.softSeconds, spec.lifetimes.softBytes);
  // af_key takes both lifetime extensions or neither; an empty one is no limit.
  if (hard || soft) {
    sa.hard = hard ?? {};
    sa.soft = soft ?? {};
  }
  if (spec.encap) sa.natt = { type: ESP_IN_UDP, sport: spec.encap.sport, dport: spec.encap.dport };
  return sa;
}

function cipherOf(id: number, key: Buffer | undefined): EncryptionAlgorithm | undefined {
  const gcm = Object.entries(GCM_IDS).find(([, n]) => n === id);
  if (gcm) return { name: GCM, key: key ?? Buffer.alloc(0), icvBits: Number(gcm[0]) };
  const cbc = (Object.entries(CIPHER_IDS) as Array<[KernelCipher, number]>).find(([, n]) => n === id);
  return cbc ? { name: cbc[0], key: key ?? Buffer.alloc(0) } : undefined;
}

function integrityOf(id: number, key: Buffer | undefined): IntegrityAlgorithm | undefined {
  const found = (Object.entries(INTEGRITY_IDS) as Array<[KernelIntegrity, { id: number; truncationBits: number }]>).find(([, a]) => a.id === id);
  return found ? { name: found[0], key: key ?? Buffer.alloc(0), truncationBits: found[1].truncationBits } : undefined;
}

/** The kernel reports unlimited as 0. */
function fromPfkeyLifetimes(sa: PfkeySa): SaLifetimes {
  const l: SaLifetimes = {};
  if (sa.soft?.addSeconds) l.softSeconds = sa.soft.addSeconds;
  if (sa.hard?.addSeconds) l.hardSeconds = sa.hard.addSeconds;
  if (sa.soft?.bytes) l.softBytes = sa.soft.bytes;
  if (sa.hard?.bytes) l.hardBytes = sa.hard.bytes;
  return l;
}

/** Undefined for SAs ikegate would not have made, and for larval ones (no algorithms yet). */
export function fromPfkeySa(sa: PfkeySa): SaSpec | undefined {
  const { satype: proto, mode } = sa;
  if (!isProto(proto) || !isMode(mode) || (!sa.encrypt && !sa.auth)) return undefined;
  const spec: SaSpec = {
    src: sa.src, dst: sa.dst, proto, spi: sa.spi, mode, reqid: sa.reqid, replayWindow: sa.replay, lifetimes: fromPfkeyLifetimes(sa),
  };
  if (sa.encrypt) {
    const e = cipherOf(sa.encrypt.id, sa.encrypt.key);
    if (!e) return undefined;
    spec.encryption = e;
  }
  if (sa.auth) {
    const i = integrityOf(sa.auth.id, sa.auth.key);
    if (!i) return undefined;
    spec.integrity = i;
  }
  if (sa.natt?.type === ESP_IN_UDP) spec.encap = { type: 'espinudp', sport: sa.natt.sport, dport: sa.natt.dport };
  return spec;
}

/** The kernel counts in seconds; the SadBackend in milliseconds. */
export function fromPfkeyCounters(sa: PfkeySa): SaCounters {
  const c = sa.current ?? { packets: 0, bytes: 0, addTime: 0, useTime: 0 };
  const counters: SaCounters = { bytes: c.bytes, packets: c.packets, addTime: c.addTime * 1000 };
  if (c.useTime !== 0) counters.useTime = c.useTime * 1000;
  return counters;
}

function prefix(p: Selector['src'], port: number | undefined): PfkeyPrefix {
  return port === undefined ? { ...p } : { ...p, port };
}

/** The selector and direction, as SPDADD, SPDUPDATE and SPDDELETE carry them. */
export function toPfkeySelector(s: Selector, dir: PfkeyDir): PfkeyPolicyInput {
  const p: PfkeyPolicyInput = { src: prefix(s.src, s.srcPort), dst: prefix(s.dst, s.dstPort), dir };
  if (s.proto !== undefined) p.proto = s.proto;
  return p;
}

export function toPfkeyPolicy(spec: PolicySpec): PfkeyPolicyInput {
  const p = toPfkeySelector(spec.selector, spec.dir);
  p.type = spec.action === 'block' ? 'discard' : spec.templates.length > 0 ? 'ipsec' : 'none';
  p.priority = spec.priority;
  p.requests = spec.templates.map((t) => ({
    proto: t.proto, mode: t.mode, reqid: t.reqid,
    level: t.level === 'use' ? 'use' : t.reqid !== 0 ? 'unique' : 'require',
    ...(t.mode === 'tunnel' ? { src: t.src as string, dst: t.dst as string } : {}),
  }));
  const l = spec.lifetimes;
  if (l?.hardSeconds !== undefined) p.hard = { addSeconds: l.hardSeconds };
  if (l?.softSeconds !== undefined) p.soft = { addSeconds: l.softSeconds };
  return p;
}

export function fromPfkeySelector(p: PfkeyPolicy): Selector {
  const s: Selector = { src: { address: p.src.address, prefixLength: p.src.prefixLength }, dst: { address: p.dst.address, prefixLength: p.dst.prefixLength } };
  if (p.proto !== undefined) s.proto = p.proto;
  if (p.src.port !== undefined) s.srcPort = p.src.port;
  if (p.dst.port !== undefined) s.dstPort = p.dst.port;
  return s;
}

function fromPfkeyTemplate(r: PfkeyPolicy['requests'][number]): PolicyTemplate | undefined {
  const { proto, mode } = r;
  if (!isProto(proto) || !isMode(mode)) return undefined;
  const t: PolicyTemplate = { proto, mode, reqid: r.reqid, level: r.level === 'use' ? 'use' : 'required' };
  if (mode === 'tunnel' && r.src !== undefined && r.dst !== undefined) {
    t.src = r.src;
    t.dst = r.dst;
  }
  return t;
}

/** Undefined for policies of kinds ikegate does not make. */
export function fromPfkeyPolicy(p: PfkeyPolicy): PolicyState | undefined {
  const { dir } = p;
  if (!isDir(dir) || (p.type !== 'ipsec' && p.type !== 'none' && p.type !== 'discard')) return undefined;
  const templates = p.requests.map(fromPfkeyTemplate);
  if (templates.some((t) => t === undefined)) return undefined;
  const spec: PolicySpec = {
    selector: fromPfkeySelector(p), dir, action: p.type === 'discard' ? 'block' : 'allow', priority: p.priority,
    templates: templates as PolicyTemplate[],
  };
  const soft = p.soft?.addSeconds;
  const hard = p.hard?.addSeconds;
  if (soft || hard) {
    spec.lifetimes = {};
    if (soft) spec.lifetimes.softSeconds = soft;
    if (hard) spec.lifetimes.hardSeconds = hard;
  }
  return { spec, index: p.id };
}

/**
 * The template an ACQUIRE is about: PF_KEY's ACQUIRE names the policy and the SA's
 * endpoints only, so the template is the policy's first one of that protocol whose tunnel
 * endpoints are the SA's (any one in transport mode).
 */
export function acquiredTemplate(policy: PolicyState, proto: IpsecProto, src: string, dst: string): PolicyTemplate | undefined {
  return policy.spec.templates.find((t) => t.proto === proto && (t.mode === 'transport' || (t.src === src && t.dst === dst)));
}

/**
 * Argument checks every backend runs before touching its store or the kernel, so that a bad
 * SA or policy fails the same way (EINVAL, naming the field) whichever backend is active,
 * instead of as the kernel's bare EINVAL.
 */
import { isIPv6 } from 'node:net';
import { addressBytes, ipv4Value, networkBytes } from './address';
import { CIPHER_KEY_BITS, GCM_ICV_BITS, INTEGRITY_KEY_BITS } from './kernel-algorithms';
import type {
  AllocateSpiRequest, PolicySpec, PolicyTemplate, Prefix, SaId, SaLifetimes, SaSpec, Selector,
} from './sad-backend';
import { SadError, type SadErrorContext, type SadOperation } from './sad-error';
import { PORT_PROTOCOLS } from './selector';

const U32_MAX = 0xffffffff;
/** SPIs 1-255 are reserved by IANA (RFC 4303 section 2.1). */
const SPI_MIN = 256;
/** XFRM's largest replay window (the ESN replay attribute's bitmap). */
const REPLAY_WINDOW_MAX = 4096;

const isUint = (v: unknown, max: number): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= max;
const isPositive = (v: unknown): v is number => isUint(v, Number.MAX_SAFE_INTEGER) && v > 0;

/** The address's length in bytes (4 or 16). Checks run per SA and policy of bulk installs: no Buffers. */
function family(op: SadOperation, context: SadErrorContext, what: string, address: string | undefined): number {
  if (address !== undefined && ipv4Value(address, false) !== undefined) return 4;
  if (address !== undefined && isIPv6(address)) return 16;
  throw new SadError(op, 'EINVAL', `${what} ${String(address)} is not an IP address`, context);
}

function sameFamily(op: SadOperation, context: SadErrorContext, what: string, a: string | undefined, b: string | undefined): void {
  if (family(op, context, `${what} source`, a) !== family(op, context, `${what} destination`, b)) {
    throw new SadError(op, 'EINVAL', `${what} source and destination are of different address families`, context);
  }
}

export function checkSaId(op: SadOperation, id: SaId): void {
  const context = { sa: id };
  if (id.proto !== 'esp' && id.proto !== 'ah') throw new SadError(op, 'EINVAL', `protocol must be esp or ah`, context);
  if (!isUint(id.spi, U32_MAX) || id.spi === 0) throw new SadError(op, 'EINVAL', 'SPI must be an integer from 1 to 0xffffffff', context);
  sameFamily(op, context, 'SA', id.src, id.dst);
}

/** The request's range with defaults applied. */
export function checkSpiRange(request: AllocateSpiRequest): { min: number; max: number } {
  const min = request.min ?? SPI_MIN;
  const max = request.max ?? U32_MAX;
  const context = { spiRange: { src: request.src, dst: request.dst, proto: request.proto, min, max } };
  if (request.proto !== 'esp' && request.proto !== 'ah') throw new SadError('allocateSpi', 'EINVAL', 'protocol must be esp or ah', context);
  if (!isUint(min, U32_MAX) || !isUint(max, U32_MAX) || min === 0 || min > max) {
    throw new SadError('allocateSpi', 'EINVAL', 'the SPI range must satisfy 1 <= min <= max <= 0xffffffff', context);
  }
  sameFamily('allocateSpi', context, 'SA', request.src, request.dst);
  return { min, max };
}

/** Each soft limit with its hard one, for the soft <= hard check. */
const LIFETIME_PAIRS = [['softSeconds', 'hardSeconds', 'seconds'], ['softBytes', 'hardBytes', 'bytes']] as const;

function checkLifetimes(op: SadOperation, context: SadErrorContext, l: SaLifetimes | undefined): void {
  if (l === undefined) throw new SadError(op, 'EINVAL', 'lifetimes are required ({} for unlimited)', context);
  // Zero is not "unlimited" here: the kernels disagree on what it means (PF_KEY: no limit,
  // XFRM byte limits: expired at once), so a limit is positive or absent. for-in, not
  // Object.entries: every SA installed comes through here twice.
  for (const name in l) {
    const v = l[name as keyof SaLifetimes];
    if (v !== undefined && !isPositive(v)) throw new SadError(op, 'EINVAL', `lifetime ${name} must be a positive integer`, context);
  }
  for (const [soft, hard, unit] of LIFETIME_PAIRS) {
    const s = l[soft];
    const h = l[hard];
    if (s !== undefined && h !== undefined && s > h) throw new SadError(op, 'EINVAL', `soft lifetime exceeds hard lifetime (${unit})`, context);
  }
}

function checkAlgorithms(op: SadOperation, context: SadErrorContext, spec: SaSpec): void {
  const { encryption: enc, integrity: auth } = spec;
  if (spec.proto === 'ah') {
    if (enc) throw new SadError(op, 'EINVAL', 'AH does not encrypt', context);
    if (!auth) throw new SadError(op, 'EINVAL', 'AH needs an integrity algorithm', context);
  } else {
    if (!enc) throw new SadError(op, 'EINVAL', "ESP needs an encryption algorithm ('ecb(cipher_null)' for none)", context);
    const keyBits = CIPHER_KEY_BITS[enc.name];
    if (!keyBits) throw new SadError(op, 'EINVAL', `unknown cipher ${enc.name}`, context);
    if (!keyBits.includes(enc.key.length * 8)) {
      throw new SadError(op, 'EINVAL', `${enc.name} takes a key of ${keyBits.join(' or ')} bits, got ${enc.key.length * 8}`, context);
    }
    const aead = enc.name === 'rfc4106(gcm(aes))';
    if (aead && auth) throw new SadError(op, 'EINVAL', `${enc.name} carries its own integrity`, context);
    if (aead && !GCM_ICV_BITS.includes(enc.icvBits ?? -1)) throw new SadError(op, 'EINVAL', `${enc.name} needs an ICV of ${GCM_ICV_BITS.join(', ')} bits`, context);
    if (!aead && enc.icvBits !== undefined) throw new SadError(op, 'EINVAL', `${enc.name} has no ICV of its own`, context);
    if (enc.name === 'ecb(cipher_null)' && !auth) throw new SadError(op, 'EINVAL', 'ESP without encryption needs integrity (RFC 4303)', context);
  }
  if (auth) {
    const full = INTEGRITY_KEY_BITS[auth.name];
    if (full === undefined) throw new SadError(op, 'EINVAL', `unknown integrity algorithm ${auth.name}`, context);
    if (auth.key.length * 8 !== full) throw new SadError(op, 'EINVAL', `${auth.name} takes a key of ${full} bits, got ${auth.key.length * 8}`, context);
    // ICVs are whole 32-bit words (AH over IPv4 needs that alignment) and no longer than the digest.
    const t = auth.truncationBits;
    if (!Number.isInteger(t) || t < 64 || t > full || t % 32 !== 0) {
      throw new SadError(op, 'EINVAL', `${auth.name} truncation must be a multiple of 32 bits from 64 to ${full}`, context);
    }
  }
}

export function checkSaSpec(op: SadOperation, spec: SaSpec): void {
  checkSaId(op, spec);
  const context = { sa: { src: spec.src, dst: spec.dst, proto: spec.proto, spi: spec.spi } };
  if (spec.mode !== 'tunnel' && spec.mode !== 'transport') throw new SadError(op, 'EINVAL', 'mode must be tunnel or transport', context);
  if (!isUint(spec.reqid, U32_MAX)) throw new SadError(op, 'EINVAL', 'reqid must be a 32-bit unsigned integer', context);
  if (!isUint(spec.replayWindow, REPLAY_WINDOW_MAX)) throw new SadError(op, 'EINVAL', `replay window must be 0 to ${REPLAY_WINDOW_MAX} packets`, context);
  checkAlgorithms(op, context, spec);
  checkLifetimes(op, context, spec.lifetimes);
  if (spec.encap) {
    const e = spec.encap;
    if (spec.proto !== 'esp') throw new SadError(op, 'EINVAL', 'only ESP can be UDP-encapsulated', context);
    if (e.type !== 'espinudp') throw new SadError(op, 'EINVAL', `unknown encapsulation ${String(e.type)}`, context);
    if (!isUint(e.sport, 0xffff) || !isUint(e.dport, 0xffff) || e.sport === 0 || e.dport === 0) {
      throw new SadError(op, 'EINVAL', 'encapsulation ports must be 1 to 65535', context);
    }
    if (e.originalAddress !== undefined) family(op, context, 'NAT-OA', e.originalAddress);
  }
  if (spec.selector) checkSelector(op, spec.selector, context);
}

/**
 * Host bits must be clear: the kernels compare selectors byte for byte, so 10.1.1.7/24 and
 * 10.1.1.0/24 would be two policies for the same traffic there.
 */
function checkPrefix(op: SadOperation, context: SadErrorContext, what: string, p: Prefix): number {
  const length = family(op, context, what, p.address);
  if (!isUint(p.prefixLength, length * 8)) throw new SadError(op, 'EINVAL', `${what} prefix length must be 0 to ${length * 8}`, context);
  if (!hostBitsClear(p.address, length, p.prefixLength)) {
    throw new SadError(op, 'EINVAL', `${what} ${p.address}/${p.prefixLength} has host bits set`, context);
  }
  return length;
}

function hostBitsClear(address: string, length: number, prefixLength: number): boolean {
  if (length === 4) return (ipv4Value(address, false) as number) % 2 ** (32 - prefixLength) === 0;
  const bytes = addressBytes(address) as Buffer;
  return networkBytes(bytes, prefixLength).equals(bytes);
}

export function checkSelector(op: SadOperation, s: Selector, context: SadErrorContext): void {
  if (checkPrefix(op, context, 'selector source', s.src) !== checkPrefix(op, context, 'selector destination', s.dst)) {
    throw new SadError(op, 'EINVAL', 'selector source and destination are of different address families', context);
  }
  if (s.proto !== undefined && !isUint(s.proto, 255)) throw new SadError(op, 'EINVAL', 'selector protocol must be 0 to 255', context);
  for (const port of [s.srcPort, s.dstPort]) {
    if (port === undefined) continue;
    if (!isUint(port, 0xffff)) throw new SadError(op, 'EINVAL', 'selector ports must be 0 to 65535', context);
    if (!PORT_PROTOCOLS.includes(s.proto ?? -1)) throw new SadError(op, 'EINVAL', 'selector ports need protocol TCP, UDP or SCTP', context);
  }
}

function checkTemplate(op: SadOperation, context: SadErrorContext, t: PolicyTemplate, i: number): void {
  const what = `template ${i + 1}`;
  if (t.proto !== 'esp' && t.proto !== 'ah') throw new SadError(op, 'EINVAL', `${what}: protocol must be esp or ah`, context);
  if (!isUint(t.reqid, U32_MAX)) throw new SadError(op, 'EINVAL', `${what}: reqid must be a 32-bit unsigned integer`, context);
  if (t.level !== 'required' && t.level !== 'use') throw new SadError(op, 'EINVAL', `${what}: level must be required or use`, context);
  if (t.mode === 'tunnel') sameFamily(op, context, `${what} tunnel`, t.src, t.dst);
  else if (t.mode === 'transport') {
    if (t.src !== undefined || t.dst !== undefined) throw new SadError(op, 'EINVAL', `${what}: transport mode takes its endpoints from the packet`, context);
  } else throw new SadError(op, 'EINVAL', `${what}: mode must be tunnel or transport`, context);
}

export function checkPolicySpec(op: SadOperation, spec: PolicySpec): void {
  const context = { policy: { selector: spec.selector, dir: spec.dir } };
  checkSelector(op, spec.selector, context);
  if (spec.dir !== 'in' && spec.dir !== 'out' && spec.dir !== 'fwd') throw new SadError(op, 'EINVAL', 'direction must be in, out or fwd', context);
  if (spec.action !== 'allow' && spec.action !== 'block') throw new SadError(op, 'EINVAL', 'action must be allow or block', context);
  if (!isUint(spec.priority, U32_MAX)) throw new SadError(op, 'EINVAL', 'priority must be a 32-bit unsigned integer', context);
  if (spec.action === 'block' && spec.templates.length > 0) throw new SadError(op, 'EINVAL', 'a block policy has no templates', context);
  spec.templates.forEach((t, i) => checkTemplate(op, context, t, i));
  const l = spec.lifetimes;
  if (l) {
    for (const v of [l.softSeconds, l.hardSeconds]) {
      if (v !== undefined && !isPositive(v)) throw new SadError(op, 'EINVAL', 'policy lifetimes must be positive integers', context);
    }
    if (l.softSeconds !== undefined && l.hardSeconds !== undefined && l.softSeconds > l.hardSeconds) {
      throw new SadError(op, 'EINVAL', 'soft lifetime exceeds hard lifetime', context);
    }
  }
}

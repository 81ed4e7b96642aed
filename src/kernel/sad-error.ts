import type { PolicyDir, SaId, Selector } from './sad-backend';

export type SadOperation =
  | 'allocateSpi' | 'addSa' | 'updateSa' | 'deleteSa' | 'getSa' | 'listSas' | 'flushSas'
  | 'addPolicy' | 'updatePolicy' | 'deletePolicy' | 'listPolicies' | 'flushPolicies'
  | 'account';

/** What a failed operation was about, so a log line or CLI message can name it. */
export interface SadErrorContext {
  sa?: SaId;
  spiRange?: { src: string; dst: string; proto: string; min: number; max: number };
  policy?: { selector: Selector; dir: PolicyDir };
}

/**
 * A backend failure. `code` is the errno name the kernel would give (EEXIST, ESRCH, ENOENT,
 * EINVAL, ...), so callers branch on the same codes whichever backend runs.
 */
export class SadError extends Error {
  override readonly name = 'SadError';

  constructor(
    readonly operation: SadOperation,
    readonly code: string,
    detail: string,
    readonly context: SadErrorContext = {},
  ) {
    super(`${operation}${describe(context)}: ${detail} (${code})`);
  }
}

function describe(context: SadErrorContext): string {
  const { sa, spiRange: r, policy } = context;
  if (sa) return ` ${sa.proto} spi 0x${sa.spi.toString(16).padStart(8, '0')} ${sa.src}->${sa.dst}`;
  if (r) return ` ${r.proto} ${r.src}->${r.dst} range 0x${r.min.toString(16)}-0x${r.max.toString(16)}`;
  if (policy) return ` ${policy.dir} ${selectorText(policy.selector)}`;
  return '';
}

/** "10.1.0.0/16 -> 10.2.0.0/16 proto 6 dport 443", for messages and logs. */
export function selectorText(s: Selector): string {
  const parts = [`${s.src.address}/${s.src.prefixLength} -> ${s.dst.address}/${s.dst.prefixLength}`];
  if (s.proto !== undefined) parts.push(`proto ${s.proto}`);
  if (s.srcPort !== undefined) parts.push(`sport ${s.srcPort}`);
  if (s.dstPort !== undefined) parts.push(`dport ${s.dstPort}`);
  return parts.join(' ');
}

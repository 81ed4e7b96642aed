/**
 * Renderers for `show crypto engine brief` and `show crypto engine configuration`: one
 * block per engine in the IOS shape (right-aligned labels, two spaces after the colon),
 * blocks separated by a blank line, every line ended by "\n".
 */
import type { IkeHash } from '../config/algorithms';
import {
  ALL_ASYMMETRIC, ALL_CIPHERS, ALL_HASHES, CAPABILITY_CLASSES, offersClass,
  type AsymmetricAlgorithm, type CapabilityClass, type CryptoEngine,
} from './engine';
import type { EngineRegistry } from './engine-registry';

/** What the renderers read; an EngineRegistry satisfies it. */
export type EngineReportSource = Pick<EngineRegistry, 'engines' | 'engineFor' | 'isAcceleratorEnabled'>;

const LABEL_WIDTH = 'crypto engine name'.length;

const CLASS_LABELS: Readonly<Record<CapabilityClass, string>> = {
  cipher: 'encryption', hash: 'HMAC', dh: 'DH', asymmetric: 'public key',
};
const HASH_LABELS: Readonly<Record<IkeHash, string>> = { md5: 'MD5', sha1: 'SHA1', sha256: 'SHA256', sha384: 'SHA384' };
const ASYMMETRIC_LABELS: Readonly<Record<AsymmetricAlgorithm, string>> = { rsa: 'RSA', ecdsa: 'ECDSA' };

/** IOS-style cipher rows, keyed by the capability family (the capability minus its key length). */
const CIPHER_ROWS: readonly (readonly [label: string, family: string])[] = [
  ['DES', 'cbc(des)'], ['3 DES', 'cbc(des3_ede)'], ['AES CBC', 'cbc(aes)'], ['AES GCM', 'gcm(aes)'], ['SEAL', 'seal'],
];

export function renderEngineBrief(src: EngineReportSource): string {
  return src.engines().map((e) => header(src, e)).join('\n');
}

export function renderEngineConfiguration(src: EngineReportSource): string {
  return src.engines().map((e) => header(src, e) + capabilities(e)).join('\n');
}

function header(src: EngineReportSource, e: CryptoEngine): string {
  const enabled = e.kind === 'software' || src.isAcceleratorEnabled();
  return field('crypto engine name', e.name)
    + field('crypto engine type', e.kind)
    + field('State', enabled ? 'Enabled' : 'Disabled')
    + field('Location', e.location)
    + field('Driver', e.driver)
    + field('Active for', activeFor(src, e));
}

function activeFor(src: EngineReportSource, e: CryptoEngine): string {
  const served = CAPABILITY_CLASSES.filter((cls) => src.engineFor(cls) === e);
  if (served.length === CAPABILITY_CLASSES.length) return 'all';
  if (served.length === 0) return 'none';
  return served.map((cls) => CLASS_LABELS[cls]).join(', ');
}

function capabilities(e: CryptoEngine): string {
  let out = '';
  for (const [label, family] of CIPHER_ROWS) out += field(label, cipherRow(e, family));
  out += field('HMAC', listOrNone(ALL_HASHES.filter((h) => e.hashes.has(h)).map((h) => HASH_LABELS[h])));
  out += field('DH groups', listOrNone([...e.dhGroups].sort((a, b) => a - b).map(String)));
  out += field('Public key', listOrNone(ALL_ASYMMETRIC.filter((a) => e.asymmetric.has(a)).map((a) => ASYMMETRIC_LABELS[a])));
  if (e.kind === 'hardware') {
    // A card offering nothing of a class leaves that class to the software engine.
    const left = CAPABILITY_CLASSES.filter((cls) => !offersClass(e, cls));
    if (left.length > 0) out += field('Left to software', left.map((cls) => CLASS_LABELS[cls]).join(', '));
  }
  return out;
}

/** "No", "Yes" for a single-length family, or "Yes (128,192,256)" listing the key lengths. */
function cipherRow(e: CryptoEngine, family: string): string {
  const members = ALL_CIPHERS.filter((c) => c.slice(0, c.lastIndexOf('-')) === family);
  const have = members.filter((c) => e.ciphers.has(c));
  if (have.length === 0) return 'No';
  if (members.length === 1) return 'Yes';
  return `Yes (${have.map((c) => c.slice(c.lastIndexOf('-') + 1)).join(',')})`;
}

function listOrNone(items: readonly string[]): string {
  return items.length > 0 ? items.join(', ') : 'None';
}

function field(label: string, value: string): string {
  return `${label.padStart(LABEL_WIDTH)}:  ${value}\n`;
}

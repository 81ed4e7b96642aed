import type { DhGroup, IkeAuth, IkeCipher, IkeHash } from '../config/algorithms';
import type { IsakmpPolicy, PolicyParameters } from '../config/model';
import { DEFAULT_POLICY } from '../config/model';
import { policyWarning } from '../config/hardware-warnings';

export const CIPHER_TEXT: Record<IkeCipher, string> = {
  des: 'DES - Data Encryption Standard (56 bit keys)',
  '3des': '3DES - Triple Data Encryption Standard (168 bit keys)',
  aes128: 'AES - Advanced Encryption Standard (128 bit keys).',
  aes192: 'AES - Advanced Encryption Standard (192 bit keys).',
  aes256: 'AES - Advanced Encryption Standard (256 bit keys).',
};

export const HASH_TEXT: Record<IkeHash, string> = {
  sha1: 'Secure Hash Standard',
  sha256: 'Secure Hash Standard 2 (256 bit)',
  sha384: 'Secure Hash Standard 2 (384 bit)',
  md5: 'Message Digest 5',
};

export const AUTH_TEXT: Record<IkeAuth, string> = {
  'rsa-sig': 'Rivest-Shamir-Adleman Signature',
  'rsa-encr': 'Rivest-Shamir-Adleman Encryption',
  'pre-share': 'Pre-Shared Key',
};

export const GROUP_TEXT: Record<DhGroup, string> = {
  1: '#1 (768 bit)',
  2: '#2 (1024 bit)',
  5: '#5 (1536 bit)',
  14: '#14 (2048 bit)',
  15: '#15 (3072 bit)',
  16: '#16 (4096 bit)',
  19: '#19 (256 bit)',
  20: '#20 (384 bit)',
  24: '#24 (2048 bit, 256 bit subgroup)',
};

/**
 * `show crypto isakmp policy`, laid out as the seed shows it, the default suite last; the
 * hardware WARNING line follows the encryption line of a policy the engine cannot do.
 */
export function renderIsakmpPolicies(policies: readonly IsakmpPolicy[], unsupported: (p: IsakmpPolicy) => boolean): string[] {
  const out: string[] = [];
  for (const p of policies) {
    out.push(`Protection suite of priority ${p.priority}`);
    out.push(...suiteLines(p, unsupported(p) ? policyWarning(p.priority) : undefined));
  }
  out.push('Default protection suite');
  out.push(...suiteLines(DEFAULT_POLICY, undefined));
  return out;
}

function suiteLines(p: Readonly<PolicyParameters>, warning: string | undefined): string[] {
  return [
    `  encryption algorithm: ${CIPHER_TEXT[p.encryption]}`,
    ...(warning ? [warning] : []),
    `  hash algorithm:          ${HASH_TEXT[p.hash]}`,
    `  authentication method:   ${AUTH_TEXT[p.authentication]}`,
    `  Diffie-Hellman group:    ${GROUP_TEXT[p.group]}`,
    `  lifetime:                ${p.lifetime} seconds, no volume limit`,
  ];
}

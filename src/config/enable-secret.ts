import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';

/**
 * `enable secret` is kept only as a salted scrypt hash, written "$9$salt$hash" like the
 * IOS type-9 secret (our own encoding of it, base64url, not Cisco's).
 */
const N = 16384;

export function hashSecret(plain: string, salt = randomBytes(10).toString('base64url')): string {
  const hash = scryptSync(plain, salt, 32, { N }).toString('base64url');
  return `$9$${salt}$${hash}`;
}

export function isSecretHash(text: string): boolean {
  return /^\$9\$[A-Za-z0-9_-]{1,64}\$[A-Za-z0-9_-]{43}$/.test(text);
}

export function verifySecret(plain: string, stored: string): boolean {
  const m = /^\$9\$([^$]+)\$(.+)$/.exec(stored);
  if (!m) return false;
  const expected = Buffer.from(m[2] as string, 'base64url');
  const actual = scryptSync(plain, m[1] as string, expected.length, { N });
  return timingSafeEqual(expected, actual);
}

import { createPublicKey, KeyObject } from 'node:crypto';
import { readDerHeader, TAG_BIT_STRING, TAG_INTEGER, TAG_SEQUENCE } from './der';

/** A rejected `key-string` body; the message reads well after IOS's "% ". */
export class KeyStringError extends Error {
  override name = 'KeyStringError';
}

export interface RsaPublicKeyDer {
  /** SubjectPublicKeyInfo DER, whichever form was pasted. */
  der: Buffer;
  modulusBits: number;
}

const NOT_RSA_DER = 'Invalid key-string: not a DER-encoded RSA public key';
/** SubjectPublicKeyInfo: SEQUENCE { AlgorithmIdentifier SEQUENCE, BIT STRING }. */
const SPKI_SHAPE = [TAG_SEQUENCE, TAG_BIT_STRING].join(',');
/** RSAPublicKey: SEQUENCE { modulus INTEGER, publicExponent INTEGER }. */
const PKCS1_PUBLIC_SHAPE = [TAG_INTEGER, TAG_INTEGER].join(',');

/**
 * Parse the hex body of `key-string` (words of any length, any whitespace, spread over
 * lines) as an RSA public key in SubjectPublicKeyInfo or PKCS#1 RSAPublicKey form.
 */
export function parseRsaPublicKeyHex(hexLines: string[]): RsaPublicKeyDer {
  const hex = hexLines.join(' ').replace(/\s+/g, '');
  if (hex.length === 0) throw new KeyStringError('Invalid key-string: no key data');
  const bad = /[^0-9A-Fa-f]/.exec(hex);
  if (bad) throw new KeyStringError(`Invalid key-string: "${bad[0]}" is not a hex digit`);
  if (hex.length % 2 !== 0) throw new KeyStringError('Invalid key-string: odd number of hex digits');
  const bytes = Buffer.from(hex, 'hex');

  // OpenSSL's decoders stop at the end of the first element, so the outer length is checked
  // here: a key followed by extra bytes is a paste error, not a key.
  const outer = readDerHeader(bytes);
  if (!outer || outer.tag !== TAG_SEQUENCE) throw new KeyStringError(NOT_RSA_DER);
  const total = outer.headerLength + outer.contentLength;
  if (total > bytes.length) throw new KeyStringError('Invalid key-string: key data is truncated');
  if (total < bytes.length) {
    throw new KeyStringError(`Invalid key-string: ${bytes.length - total} bytes of trailing data after the key`);
  }

  // Chosen by shape, not by trial: Node would happily derive a public key from a pasted
  // private key, which must never be taken into the configuration.
  const shape = childTags(bytes, outer.headerLength).join(',');
  const type = shape === SPKI_SHAPE ? 'spki' : shape === PKCS1_PUBLIC_SHAPE ? 'pkcs1' : undefined;
  if (type === undefined) throw new KeyStringError(NOT_RSA_DER);
  let key: KeyObject;
  try {
    key = createPublicKey({ key: bytes, format: 'der', type });
  } catch {
    throw new KeyStringError(NOT_RSA_DER);
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new KeyStringError(`Invalid key-string: not an RSA key (${key.asymmetricKeyType})`);
  }
  const modulusBits = key.asymmetricKeyDetails?.modulusLength;
  if (modulusBits === undefined) throw new KeyStringError(NOT_RSA_DER);
  return { der: key.export({ type: 'spki', format: 'der' }), modulusBits };
}

/** Tags of the elements inside the outer SEQUENCE, or [] when they do not tile it exactly. */
function childTags(bytes: Buffer, start: number): number[] {
  const tags: number[] = [];
  let offset = start;
  while (offset < bytes.length) {
    const header = readDerHeader(bytes, offset);
    if (!header) return [];
    tags.push(header.tag);
    offset += header.headerLength + header.contentLength;
  }
  return offset === bytes.length ? tags : [];
}

/**
 * IOS key data layout (`show crypto key mypubkey rsa`, running-config `key-string`):
 * uppercase hex, 8 digits per word, 8 words per line, the last word possibly shorter.
 */
export function formatKeyHex(der: Buffer, indent: string): string[] {
  const words = der.toString('hex').toUpperCase().match(/.{1,8}/g) ?? [];
  const lines: string[] = [];
  for (let i = 0; i < words.length; i += 8) lines.push(indent + words.slice(i, i + 8).join(' '));
  return lines;
}

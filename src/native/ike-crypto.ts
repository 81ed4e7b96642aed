/**
 * Typed access to the addon's one-call IKE cryptography (native/src/ike_crypto.cc and
 * ike_ecp.cc): hashes, HMAC, CBC and ECP Diffie-Hellman through the OpenSSL inside Node,
 * without node:crypto's object per operation, which costs several times the cryptography on
 * IKE's short inputs.
 */
import { addonWith } from './addon';

export type NativeDigest = 'md5' | 'sha1' | 'sha256' | 'sha384';
export type NativeCbcCipher = 'des-cbc' | 'des-ede3-cbc' | 'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc';
/** The ECP groups' curves (RFC 5903), by node:crypto's names. */
export type NativeCurve = 'prime256v1' | 'secp384r1';

/** The digest (and HMAC) sizes in bytes. */
const DIGEST_LENGTH: Readonly<Record<NativeDigest, number>> = { md5: 16, sha1: 20, sha256: 32, sha384: 48 };

/**
 * The addon writes into a Buffer from node's pool, which it is given: a Buffer the addon made
 * would be an ArrayBuffer of its own, and an SA keeps several such keys and IVs.
 */
interface IkeCryptoAddon {
  ikeHash(out: Buffer, digest: NativeDigest, ...parts: Buffer[]): void;
  ikeHmac(out: Buffer, digest: NativeDigest, key: Buffer, ...parts: Buffer[]): void;
  ikeCbc(out: Buffer, cipher: NativeCbcCipher, encrypt: boolean, key: Buffer, iv: Buffer, data: Buffer): void;
  ecpKeyPair(out: Buffer, curve: NativeCurve, privateKey?: Buffer): void;
  ecpSharedSecret(out: Buffer, curve: NativeCurve, privateKey: Buffer, peer: Buffer): boolean;
}

let loaded: IkeCryptoAddon | undefined;

/** The addon's IKE cryptography, looked up once: it runs many times per IKE message. */
function addon(): IkeCryptoAddon {
  loaded ??= addonWith<IkeCryptoAddon>(['ikeHash', 'ikeHmac', 'ikeCbc', 'ecpKeyPair', 'ecpSharedSecret'], 'IKE cryptography');
  return loaded;
}

/** The digest of the parts' concatenation. */
export function nativeHash(digest: NativeDigest, ...parts: Buffer[]): Buffer {
  const out = Buffer.allocUnsafe(DIGEST_LENGTH[digest] ?? 0);
  addon().ikeHash(out, digest, ...parts);
  return out;
}

/** HMAC of the parts' concatenation. */
export function nativeHmac(digest: NativeDigest, key: Buffer, ...parts: Buffer[]): Buffer {
  const out = Buffer.allocUnsafe(DIGEST_LENGTH[digest] ?? 0);
  addon().ikeHmac(out, digest, key, ...parts);
  return out;
}

/** CBC without padding; throws on a key, IV or data length the cipher cannot take. */
export function nativeCbc(cipher: NativeCbcCipher, encrypt: boolean, key: Buffer, iv: Buffer, data: Buffer): Buffer {
  const out = Buffer.allocUnsafe(data.length);
  addon().ikeCbc(out, cipher, encrypt, key, iv, data);
  return out;
}

/**
 * An ECP key pair as d || x || y, each `fieldLength` bytes: d random in [1, n-1], or the
 * given private key (a RangeError outside that range).
 */
export function nativeEcpKeyPair(curve: NativeCurve, fieldLength: number, privateKey?: Buffer): Buffer {
  const out = Buffer.allocUnsafe(3 * fieldLength);
  addon().ecpKeyPair(out, curve, privateKey);
  return out;
}

/** The x coordinate of d times the peer's point x || y; undefined when that is not a point of the curve. */
export function nativeEcpSharedSecret(curve: NativeCurve, privateKey: Buffer, peer: Buffer): Buffer | undefined {
  const out = Buffer.allocUnsafe(privateKey.length);
  return addon().ecpSharedSecret(out, curve, privateKey, peer) ? out : undefined;
}

/**
 * Typed access to the addon's one-call IKE cryptography (native/src/ike_crypto.cc): hashes,
 * HMAC and CBC through the OpenSSL inside Node, without node:crypto's object per operation,
 * which costs several times the cryptography on IKE's short inputs.
 */
import { addonWith } from './addon';

export type NativeDigest = 'md5' | 'sha1' | 'sha256' | 'sha384';
export type NativeCbcCipher = 'des-cbc' | 'des-ede3-cbc' | 'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc';

interface IkeCryptoAddon {
  /** The digest of the parts' concatenation. */
  ikeHash(digest: NativeDigest, ...parts: Buffer[]): Buffer;
  /** HMAC of the parts' concatenation. */
  ikeHmac(digest: NativeDigest, key: Buffer, ...parts: Buffer[]): Buffer;
  /** CBC without padding; throws on a key, IV or data length the cipher cannot take. */
  ikeCbc(cipher: NativeCbcCipher, encrypt: boolean, key: Buffer, iv: Buffer, data: Buffer): Buffer;
}

let loaded: IkeCryptoAddon | undefined;

/** The addon's IKE cryptography, looked up once: it runs many times per IKE message. */
export function ikeCrypto(): IkeCryptoAddon {
  loaded ??= addonWith<IkeCryptoAddon>(['ikeHash', 'ikeHmac', 'ikeCbc'], 'IKE cryptography');
  return loaded;
}

import { IKE_CIPHERS, ikeDecrypt, ikeEncrypt, padToBlock, type IkeCipher } from '../crypto/cipher';
import type { IkeHash } from '../crypto/hash';
import type { IvChain } from '../crypto/iv';
import { informationalHash } from '../crypto/quick-mode-hash';
import type { IkeSa } from '../sa/ike-sa';
import {
  decodeChain, encodeBody, encodeChainMessage, Flag, NotifyType, PayloadType, reject, type Header, type Message, type Payload, type SplitMessage,
} from '../wire';
import { prependLink } from '../wire/payload-header';
import { drop } from './exchange-error';

/** What encrypting and authenticating an ISAKMP SA's messages takes. */
export interface MessageCrypto {
  readonly cipher: IkeCipher;
  readonly hash: IkeHash;
  readonly encryptionKey: Buffer;
  readonly skeyidA: Buffer;
  readonly ivs: IvChain;
}

export function saCrypto(sa: IkeSa): MessageCrypto {
  return { cipher: sa.policy.encryption, hash: sa.policy.hash, encryptionKey: sa.keys.encryptionKey, skeyidA: sa.keys.skeyidA, ivs: sa.ivs };
}

/** Encode with the E flag, encrypting under the message ID's current IV, and chain on. */
export function seal(crypto: MessageCrypto, message: Message): Buffer {
  return sealChain(crypto, message.header, message.payloads[0]?.type ?? PayloadType.NONE, encodeBody(message.payloads));
}

/**
 * HDR*, HASH, payloads, where the HASH is `hashOf` the payloads' octets (RFC 2409 5.5-5.7):
 * they are encoded once, for the hash and the message.
 */
export function sealHashed(crypto: MessageCrypto, header: Header, payloads: readonly Payload[], hashOf: (afterHash: Buffer) => Buffer): Buffer {
  const chain = encodeBody(payloads);
  return sealChain(crypto, header, PayloadType.HASH, prependLink(hashOf(chain), payloads[0]?.type ?? PayloadType.NONE, chain));
}

function sealChain(crypto: MessageCrypto, plainHeader: Header, first: number, plaintext: Buffer): Buffer {
  const { blockSize } = IKE_CIPHERS[crypto.cipher];
  const messageId = plainHeader.messageId;
  const iv = crypto.ivs.current(messageId);
  let ciphertext: Buffer = Buffer.alloc(0);
  const header = { ...plainHeader, flags: plainHeader.flags | Flag.ENCRYPTION };
  const bytes = encodeChainMessage(header, first, plaintext, (chain) => {
    ciphertext = ikeEncrypt(crypto.cipher, crypto.encryptionKey, iv, padToBlock(chain, blockSize));
    return ciphertext;
  });
  crypto.ivs.advance(messageId, ciphertext);
  return bytes;
}

/**
 * Decrypt and decode an encrypted message under its message ID's current IV. The IV chain
 * moves on only through accept(), once the message proved genuine. Throws WireError when the
 * plaintext is no payload chain (a wrong key decrypts to noise).
 */
export function open(crypto: MessageCrypto, split: SplitMessage): Payload[] {
  return openChain(crypto, split).payloads;
}

/**
 * open() for a message that starts with HASH: the hash, the payloads after it, and their
 * octets as received, which HASH(1..3) and the informational HASH(1) cover.
 */
export function openHashed(crypto: MessageCrypto, split: SplitMessage): { hash: Buffer; rest: Payload[]; restBytes: Buffer } {
  const { payloads, bytes } = openChain(crypto, split);
  const [first, ...rest] = payloads;
  if (first?.type !== PayloadType.HASH) drop('the first payload is not HASH');
  // The HASH payload's length field (offset 2) says where the payloads after it start.
  return { hash: first.data, rest, restBytes: bytes.subarray(bytes.readUInt16BE(2)) };
}

function openChain(crypto: MessageCrypto, split: SplitMessage): { payloads: Payload[]; bytes: Buffer } {
  if (!(split.header.flags & Flag.ENCRYPTION)) drop('message is not encrypted');
  const { blockSize } = IKE_CIPHERS[crypto.cipher];
  if (split.body.length === 0 || split.body.length % blockSize !== 0) {
    reject(NotifyType.PAYLOAD_MALFORMED, 28, `${split.body.length} octets of ciphertext are not whole ${blockSize}-octet blocks`);
  }
  const plaintext = ikeDecrypt(crypto.cipher, crypto.encryptionKey, crypto.ivs.current(split.header.messageId), split.body);
  return decodeChain(split, plaintext);
}

export function accept(crypto: MessageCrypto, split: SplitMessage): void {
  crypto.ivs.advance(split.header.messageId, split.body);
}

/** RFC 2409 5.7: an informational message, HDR*, HASH(1), N/D. */
export function sealInformational(crypto: MessageCrypto, header: Header, payloads: readonly Payload[]): Buffer {
  return sealHashed(crypto, header, payloads, (afterHash) => informationalHash(crypto.hash, crypto.skeyidA, header.messageId, afterHash));
}

/** Open an informational message and check its HASH(1); drops a message that does not verify. */
export function openInformational(crypto: MessageCrypto, split: SplitMessage): Payload[] {
  const { hash, rest, restBytes } = openHashed(crypto, split);
  if (!hash.equals(informationalHash(crypto.hash, crypto.skeyidA, split.header.messageId, restBytes))) {
    drop('informational HASH(1) does not verify', NotifyType.INVALID_HASH_INFORMATION);
  }
  return rest;
}

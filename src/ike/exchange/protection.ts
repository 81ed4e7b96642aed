import { IKE_CIPHERS, ikeDecrypt, ikeEncrypt, padToBlock, type IkeCipher } from '../crypto/cipher';
import type { IkeHash } from '../crypto/hash';
import type { IvChain } from '../crypto/iv';
import { informationalHash } from '../crypto/quick-mode-hash';
import type { IkeSa } from '../sa/ike-sa';
import {
  decodeBody, encodeBody, encodeMessage, Flag, NotifyType, PayloadType, reject, type Message, type Payload, type SplitMessage,
} from '../wire';
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
  const { blockSize } = IKE_CIPHERS[crypto.cipher];
  const messageId = message.header.messageId;
  const iv = crypto.ivs.current(messageId);
  let ciphertext: Buffer = Buffer.alloc(0);
  const header = { ...message.header, flags: message.header.flags | Flag.ENCRYPTION };
  const bytes = encodeMessage({ header, payloads: message.payloads }, (plaintext) => {
    ciphertext = ikeEncrypt(crypto.cipher, crypto.encryptionKey, iv, padToBlock(plaintext, blockSize));
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
  if (!(split.header.flags & Flag.ENCRYPTION)) drop('message is not encrypted');
  const { blockSize } = IKE_CIPHERS[crypto.cipher];
  if (split.body.length === 0 || split.body.length % blockSize !== 0) {
    reject(NotifyType.PAYLOAD_MALFORMED, 28, `${split.body.length} octets of ciphertext are not whole ${blockSize}-octet blocks`);
  }
  const plaintext = ikeDecrypt(crypto.cipher, crypto.encryptionKey, crypto.ivs.current(split.header.messageId), split.body);
  return decodeBody(split, plaintext);
}

export function accept(crypto: MessageCrypto, split: SplitMessage): void {
  crypto.ivs.advance(split.header.messageId, split.body);
}

/** The payloads after a leading HASH, as the HASH(1..4) formulas cover them. */
export function afterHash(payloads: readonly Payload[]): { hash: Buffer; rest: Payload[]; restBytes: Buffer } {
  const [first, ...rest] = payloads;
  if (first?.type !== PayloadType.HASH) drop('the first payload is not HASH');
  return { hash: first.data, rest, restBytes: encodeBody(rest) };
}

/** RFC 2409 5.7: an informational message, HDR*, HASH(1), N/D. */
export function sealInformational(crypto: MessageCrypto, header: Message['header'], payloads: readonly Payload[]): Buffer {
  const hash = informationalHash(crypto.hash, crypto.skeyidA, header.messageId, encodeBody(payloads));
  return seal(crypto, { header, payloads: [{ type: PayloadType.HASH, data: hash }, ...payloads] });
}

/** Open an informational message and check its HASH(1); drops a message that does not verify. */
export function openInformational(crypto: MessageCrypto, split: SplitMessage): Payload[] {
  const { hash, rest, restBytes } = afterHash(open(crypto, split));
  if (!hash.equals(informationalHash(crypto.hash, crypto.skeyidA, split.header.messageId, restBytes))) {
    drop('informational HASH(1) does not verify', NotifyType.INVALID_HASH_INFORMATION);
  }
  return rest;
}

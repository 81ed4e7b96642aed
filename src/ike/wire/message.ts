import { Flag, NotifyType, PayloadType } from './constants';
import { decodeHeader, encodeHeader, FLAGS_OFFSET, HEADER_LENGTH, LENGTH_OFFSET, NEXT_PAYLOAD_OFFSET, type Header } from './header';
import { decodePayload, encodePayloadBody, isMessagePayloadType, type Payload } from './payload';
import { joinChain, splitChain } from './payload-header';
import { reject } from './wire-error';

/**
 * A whole ISAKMP message: header plus payload chain. Decoding accepts only what encodes
 * back to the same octets, so the exchange layer may re-encode received payloads (SAi_b,
 * IDii_b) instead of keeping raw slices; what a HASH covers it takes from decodeChain.
 */
export interface Message {
  readonly header: Header;
  readonly payloads: readonly Payload[];
}

/** A datagram cut at the header; `body` is ciphertext when the E flag is set. */
export interface SplitMessage {
  readonly header: Header;
  readonly firstPayload: number;
  readonly body: Buffer;
}

/** The payload chain alone: what gets encrypted, and what HASH(1..3) cover. */
export function encodeBody(payloads: readonly Payload[]): Buffer {
  return joinChain(payloads.map((p) => ({ type: p.type, body: encodePayloadBody(p) })));
}

/**
 * The datagram. With the E flag set, `seal` turns the plaintext chain into the padded
 * ciphertext (the crypto layer's IV chaining lives in that closure).
 */
export function encodeMessage(message: Message, seal?: (plaintext: Buffer) => Buffer): Buffer {
  return encodeChainMessage(message.header, message.payloads[0]?.type ?? PayloadType.NONE, encodeBody(message.payloads), seal);
}

/** The datagram of a payload chain already encoded, whose first payload is of type `first`. */
export function encodeChainMessage(header: Header, first: number, plaintext: Buffer, seal?: (plaintext: Buffer) => Buffer): Buffer {
  const encrypted = (header.flags & Flag.ENCRYPTION) !== 0;
  if (encrypted && !seal) throw new RangeError('the E flag is set but nothing seals the body');
  const body = encrypted && seal ? seal(plaintext) : plaintext;
  return Buffer.concat([encodeHeader(header, first, HEADER_LENGTH + body.length), body]);
}

/** Check the header and cut the body off, so it can be decrypted before decodeBody. */
export function splitMessage(datagram: Buffer): SplitMessage {
  const { header, firstPayload, length } = decodeHeader(datagram);
  // RFC 2408 5.1: the header's length must be the received message's length.
  if (length !== datagram.length) {
    reject(NotifyType.UNEQUAL_PAYLOAD_LENGTHS, LENGTH_OFFSET, `header says ${length} octets, ${datagram.length} arrived`);
  }
  return { header, firstPayload, body: Buffer.from(datagram.subarray(HEADER_LENGTH)) };
}

/**
 * Decode the payload chain of `split`, from `plaintext` (the decrypted body when the E flag
 * is set, where the octets after the last payload are cipher padding; otherwise the body,
 * which the chain must fill exactly).
 */
export function decodeBody(split: SplitMessage, plaintext: Buffer): Payload[] {
  return decodeChain(split, plaintext).payloads;
}

/** decodeBody's payloads with the octets of their chain (the plaintext less any padding). */
export function decodeChain(split: SplitMessage, plaintext: Buffer): { payloads: Payload[]; bytes: Buffer } {
  const { links, end } = splitChain(plaintext, HEADER_LENGTH, split.firstPayload, NEXT_PAYLOAD_OFFSET, (type, typeAt) => {
    if (!isMessagePayloadType(type)) reject(NotifyType.INVALID_PAYLOAD_TYPE, typeAt, `payload type ${type}`);
  });
  const padded = (split.header.flags & Flag.ENCRYPTION) !== 0;
  if (!padded && end !== plaintext.length) {
    reject(NotifyType.UNEQUAL_PAYLOAD_LENGTHS, HEADER_LENGTH + end, `${plaintext.length - end} octets after the last payload`);
  }
  return { payloads: links.map(decodePayload), bytes: plaintext.subarray(0, end) };
}

/**
 * Decode a plaintext message. An encrypted one must go through splitMessage, decryption and
 * decodeBody; arriving here it is answered as the flags it carries cannot be honoured.
 */
export function decodeMessage(datagram: Buffer): Message {
  const split = splitMessage(datagram);
  if (split.header.flags & Flag.ENCRYPTION) reject(NotifyType.INVALID_FLAGS, FLAGS_OFFSET, 'encrypted message without keys to open it');
  return { header: split.header, payloads: decodeBody(split, split.body) };
}

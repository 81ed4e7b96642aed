import { ExchangeType, Flag, ISAKMP_VERSION, NotifyType } from './constants';
import { reject } from './wire-error';
import { zeroed } from './zeroed';

/**
 * RFC 2408 3.1 ISAKMP header, 28 octets. The first payload type and the length belong to
 * the encoded message, so they are arguments and results here rather than header fields.
 */
export interface Header {
  readonly initiatorCookie: Buffer;
  readonly responderCookie: Buffer;
  readonly exchangeType: ExchangeType;
  /** Bits of Flag; no others. */
  readonly flags: number;
  readonly messageId: number;
}

export const HEADER_LENGTH = 28;
export const COOKIE_LENGTH = 8;
export const NEXT_PAYLOAD_OFFSET = 16;
const VERSION_OFFSET = 17;
const EXCHANGE_TYPE_OFFSET = 18;
export const FLAGS_OFFSET = 19;
const MESSAGE_ID_OFFSET = 20;
export const LENGTH_OFFSET = 24;

const EXCHANGE_TYPES = new Set<number>(Object.values(ExchangeType));
const KNOWN_FLAGS = Flag.ENCRYPTION | Flag.COMMIT | Flag.AUTHENTICATION_ONLY;

export function encodeHeader(header: Header, firstPayload: number, length: number): Buffer {
  if (header.initiatorCookie.length !== COOKIE_LENGTH || header.responderCookie.length !== COOKIE_LENGTH) {
    throw new RangeError('cookies are 8 octets');
  }
  if (header.flags & ~KNOWN_FLAGS) throw new RangeError(`flags 0x${header.flags.toString(16)} are not all defined`);
  const bytes = zeroed(HEADER_LENGTH);
  header.initiatorCookie.copy(bytes, 0);
  header.responderCookie.copy(bytes, COOKIE_LENGTH);
  bytes.writeUInt8(firstPayload, NEXT_PAYLOAD_OFFSET);
  bytes.writeUInt8(ISAKMP_VERSION, VERSION_OFFSET);
  bytes.writeUInt8(header.exchangeType, EXCHANGE_TYPE_OFFSET);
  bytes.writeUInt8(header.flags, FLAGS_OFFSET);
  bytes.writeUInt32BE(header.messageId, MESSAGE_ID_OFFSET);
  bytes.writeUInt32BE(length, LENGTH_OFFSET);
  return bytes;
}

/**
 * Decode and check the header fields in RFC 2408 5.2's order (version, exchange type,
 * flags). The first payload type is checked with the payload chain, where it is used.
 */
export function decodeHeader(bytes: Buffer): { header: Header; firstPayload: number; length: number } {
  if (bytes.length < HEADER_LENGTH) reject(NotifyType.PAYLOAD_MALFORMED, 0, `${bytes.length} octets cannot hold a header`);
  const version = bytes[VERSION_OFFSET];
  if (version >> 4 !== ISAKMP_VERSION >> 4) {
    reject(NotifyType.INVALID_MAJOR_VERSION, VERSION_OFFSET, `major version ${version >> 4}`);
  }
  if ((version & 0x0f) !== (ISAKMP_VERSION & 0x0f)) {
    reject(NotifyType.INVALID_MINOR_VERSION, VERSION_OFFSET, `minor version ${version & 0x0f}`);
  }
  const exchangeType = bytes[EXCHANGE_TYPE_OFFSET];
  if (!EXCHANGE_TYPES.has(exchangeType)) {
    reject(NotifyType.INVALID_EXCHANGE_TYPE, EXCHANGE_TYPE_OFFSET, `exchange type ${exchangeType}`);
  }
  const flags = bytes[FLAGS_OFFSET];
  if (flags & ~KNOWN_FLAGS) reject(NotifyType.INVALID_FLAGS, FLAGS_OFFSET, `flags 0x${flags.toString(16)}`);
  return {
    header: {
      initiatorCookie: Buffer.from(bytes.subarray(0, COOKIE_LENGTH)),
      responderCookie: Buffer.from(bytes.subarray(COOKIE_LENGTH, 2 * COOKIE_LENGTH)),
      exchangeType: exchangeType as ExchangeType,
      flags,
      messageId: bytes.readUInt32BE(MESSAGE_ID_OFFSET),
    },
    firstPayload: bytes[NEXT_PAYLOAD_OFFSET],
    length: bytes.readUInt32BE(LENGTH_OFFSET),
  };
}

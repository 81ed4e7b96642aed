import type { Doi } from './constants';
import { NotifyType, PayloadType, ProtocolId } from './constants';
import { decodeDoi } from './doi';
import { reject } from './wire-error';
import { zeroed } from './zeroed';

/**
 * RFC 2408 3.15: SAs of one protocol the sender has deleted. All SPIs share one size (16,
 * the cookie pair, for ISAKMP; 4 for AH and ESP); at least one is required so the size can
 * be told from the SPIs themselves.
 */
export interface DeletePayload {
  readonly type: typeof PayloadType.D;
  readonly doi: Doi;
  readonly protocolId: ProtocolId;
  readonly spis: readonly Buffer[];
}

const FIXED_LENGTH = 8;
const PROTOCOLS = new Set<number>(Object.values(ProtocolId));

export function encodeDelete(d: DeletePayload): Buffer {
  const size = d.spis[0]?.length ?? 0;
  if (size === 0 || d.spis.some((spi) => spi.length !== size)) {
    throw new RangeError('a delete needs at least one SPI, all of one non-zero size');
  }
  const fixed = zeroed(FIXED_LENGTH);
  fixed.writeUInt32BE(d.doi, 0);
  fixed.writeUInt8(d.protocolId, 4);
  fixed.writeUInt8(size, 5);
  fixed.writeUInt16BE(d.spis.length, 6);
  return Buffer.concat([fixed, ...d.spis]);
}

export function decodeDelete(body: Buffer, at: number): DeletePayload {
  if (body.length < FIXED_LENGTH) reject(NotifyType.PAYLOAD_MALFORMED, at, 'delete shorter than its fixed fields');
  const doi = decodeDoi(body, at);
  const protocol = body[4];
  if (!PROTOCOLS.has(protocol)) reject(NotifyType.INVALID_PROTOCOL_ID, at + 4, `unknown protocol id ${protocol}`);
  const size = body[5];
  const count = body.readUInt16BE(6);
  if (size === 0 || count === 0) reject(NotifyType.PAYLOAD_MALFORMED, at + 5, 'delete without SPIs');
  if (FIXED_LENGTH + size * count !== body.length) {
    reject(NotifyType.PAYLOAD_MALFORMED, at + 6, `${count} SPIs of ${size} octets do not fill ${body.length - FIXED_LENGTH}`);
  }
  const spis: Buffer[] = [];
  for (let o = FIXED_LENGTH; o < body.length; o += size) spis.push(Buffer.from(body.subarray(o, o + size)));
  return { type: PayloadType.D, doi, protocolId: protocol as ProtocolId, spis };
}

import type { Doi } from './constants';
import { NotifyType, PayloadType } from './constants';
import { decodeDoi } from './doi';
import { reject } from './wire-error';
import { zeroed } from './zeroed';

/**
 * RFC 2408 3.14. `notifyType` stays a plain number: private and future types must reach
 * the exchange layer, which ignores what it does not know. `data` is type specific (the
 * attributes of RESPONDER-LIFETIME, the sequence number of R-U-THERE, ...).
 */
export interface NotificationPayload {
  readonly type: typeof PayloadType.N;
  readonly doi: Doi;
  readonly protocolId: number;
  readonly spi: Buffer;
  readonly notifyType: number;
  readonly data: Buffer;
}

const FIXED_LENGTH = 8;

export function encodeNotification(n: NotificationPayload): Buffer {
  const fixed = zeroed(FIXED_LENGTH);
  fixed.writeUInt32BE(n.doi, 0);
  fixed.writeUInt8(n.protocolId, 4);
  fixed.writeUInt8(n.spi.length, 5);
  fixed.writeUInt16BE(n.notifyType, 6);
  return Buffer.concat([fixed, n.spi, n.data]);
}

export function decodeNotification(body: Buffer, at: number): NotificationPayload {
  if (body.length < FIXED_LENGTH) reject(NotifyType.PAYLOAD_MALFORMED, at, 'notification shorter than its fixed fields');
  const doi = decodeDoi(body, at);
  const spiEnd = FIXED_LENGTH + body[5];
  if (spiEnd > body.length) reject(NotifyType.PAYLOAD_MALFORMED, at + 5, `SPI size ${body[5]} overflows the notification`);
  return {
    type: PayloadType.N,
    doi,
    protocolId: body[4],
    spi: Buffer.from(body.subarray(FIXED_LENGTH, spiEnd)),
    notifyType: body.readUInt16BE(6),
    data: Buffer.from(body.subarray(spiEnd)),
  };
}

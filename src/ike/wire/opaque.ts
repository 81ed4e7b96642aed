import { NotifyType } from './constants';
import { reject } from './wire-error';

/**
 * The body of the payloads that are nothing but data after the generic header (KE, HASH,
 * SIG, NONCE, VID, NAT-D): a copy, so a decoded message keeps no view of the datagram,
 * checked against the length bounds the payload's RFC gives.
 */
export function decodeOpaque(body: Buffer, at: number, name: string, min: number, max = 0xffff): Buffer {
  if (body.length < min || body.length > max) {
    reject(NotifyType.PAYLOAD_MALFORMED, at, `${name} data of ${body.length} octets is outside ${min}..${max}`);
  }
  return Buffer.from(body);
}

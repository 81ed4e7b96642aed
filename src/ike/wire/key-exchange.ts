import { PayloadType } from './constants';
import { decodeOpaque } from './opaque';

/** RFC 2408 3.7: the Diffie-Hellman public value; the crypto layer checks its size per group. */
export interface KeyExchangePayload {
  readonly type: typeof PayloadType.KE;
  readonly data: Buffer;
}

export function encodeKeyExchange(ke: KeyExchangePayload): Buffer {
  return ke.data;
}

export function decodeKeyExchange(body: Buffer, at: number): KeyExchangePayload {
  return { type: PayloadType.KE, data: decodeOpaque(body, at, 'key exchange', 1) };
}

import { PayloadType } from './constants';
import { decodeOpaque } from './opaque';

/** RFC 2408 3.13; RFC 2409 5 bounds the nonce to 8..256 octets. */
export interface NoncePayload {
  readonly type: typeof PayloadType.NONCE;
  readonly data: Buffer;
}

export const NONCE_MIN_LENGTH = 8;
export const NONCE_MAX_LENGTH = 256;

export function encodeNonce(nonce: NoncePayload): Buffer {
  return nonce.data;
}

export function decodeNonce(body: Buffer, at: number): NoncePayload {
  return { type: PayloadType.NONCE, data: decodeOpaque(body, at, 'nonce', NONCE_MIN_LENGTH, NONCE_MAX_LENGTH) };
}

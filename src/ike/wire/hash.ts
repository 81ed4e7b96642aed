import { PayloadType } from './constants';
import { decodeOpaque } from './opaque';

/** RFC 2408 3.11: a PRF or hash output; its expected size is the exchange's to check. */
export interface HashPayload {
  readonly type: typeof PayloadType.HASH;
  readonly data: Buffer;
}

export function encodeHash(hash: HashPayload): Buffer {
  return hash.data;
}

export function decodeHash(body: Buffer, at: number): HashPayload {
  return { type: PayloadType.HASH, data: decodeOpaque(body, at, 'hash', 1) };
}

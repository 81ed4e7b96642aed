import { PayloadType } from './constants';
import { decodeOpaque } from './opaque';

/** RFC 2408 3.12: the signature over the exchange hash. */
export interface SignaturePayload {
  readonly type: typeof PayloadType.SIG;
  readonly data: Buffer;
}

export function encodeSignature(sig: SignaturePayload): Buffer {
  return sig.data;
}

export function decodeSignature(body: Buffer, at: number): SignaturePayload {
  return { type: PayloadType.SIG, data: decodeOpaque(body, at, 'signature', 1) };
}

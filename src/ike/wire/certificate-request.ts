import { NotifyType, PayloadType } from './constants';
import { reject } from './wire-error';

/**
 * RFC 2408 3.10: asks for a certificate of `certType` (CertEncoding values), optionally
 * from one authority (a DER DN for X.509); an empty authority means any.
 */
export interface CertificateRequestPayload {
  readonly type: typeof PayloadType.CR;
  readonly certType: number;
  readonly authority: Buffer;
}

export function encodeCertificateRequest(cr: CertificateRequestPayload): Buffer {
  return Buffer.concat([Buffer.from([cr.certType]), cr.authority]);
}

export function decodeCertificateRequest(body: Buffer, at: number): CertificateRequestPayload {
  if (body.length < 1) reject(NotifyType.PAYLOAD_MALFORMED, at, 'certificate request without a type');
  return { type: PayloadType.CR, certType: body[0], authority: Buffer.from(body.subarray(1)) };
}

import { NotifyType, PayloadType } from './constants';
import { reject } from './wire-error';

/** RFC 2408 3.9: a certificate (or CRL) and its encoding (CertEncoding). */
export interface CertificatePayload {
  readonly type: typeof PayloadType.CERT;
  readonly certEncoding: number;
  readonly data: Buffer;
}

export function encodeCertificate(cert: CertificatePayload): Buffer {
  return Buffer.concat([Buffer.from([cert.certEncoding]), cert.data]);
}

export function decodeCertificate(body: Buffer, at: number): CertificatePayload {
  if (body.length < 2) reject(NotifyType.PAYLOAD_MALFORMED, at, 'certificate payload without certificate data');
  return { type: PayloadType.CERT, certEncoding: body[0], data: Buffer.from(body.subarray(1)) };
}

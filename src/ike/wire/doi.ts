import { Doi, NotifyType } from './constants';
import { reject } from './wire-error';

/** Notification and Delete name either ISAKMP itself (0) or the IPsec DOI (1), RFC 2408 3.14. */
export function decodeDoi(body: Buffer, at: number): Doi {
  const doi = body.readUInt32BE(0);
  if (doi !== Doi.ISAKMP && doi !== Doi.IPSEC) reject(NotifyType.DOI_NOT_SUPPORTED, at, `DOI ${doi}`);
  return doi;
}

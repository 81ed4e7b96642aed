import { createHash } from 'node:crypto';
import { PayloadType, type VendorIdPayload } from '../wire';

/** Vendor IDs are MD5 hashes of capability strings. */
function md5(text: string): Buffer {
  return createHash('md5').update(text, 'latin1').digest();
}

/** RFC 3947 and the draft NAT-T vendor IDs charon and older peers send (the newline is part of one). */
export const NatTVendorId = {
  RFC3947: md5('RFC 3947'),
  DRAFT_03: md5('draft-ietf-ipsec-nat-t-ike-03'),
  DRAFT_02_N: md5('draft-ietf-ipsec-nat-t-ike-02\n'),
  DRAFT_02: md5('draft-ietf-ipsec-nat-t-ike-02'),
} as const;

export type NatTDialect = 'rfc3947' | 'draft' | 'none';

const DRAFTS: readonly Buffer[] = [NatTVendorId.DRAFT_03, NatTVendorId.DRAFT_02_N, NatTVendorId.DRAFT_02];

function vid(data: Buffer): VendorIdPayload {
  return { type: PayloadType.VID, data };
}

/** What an initiator announces: every NAT-T dialect it speaks. */
export function initiatorNatTVendorIds(): VendorIdPayload[] {
  return [NatTVendorId.RFC3947, ...DRAFTS].map(vid);
}

/** The dialect a peer's vendor IDs announce, RFC 3947 preferred; unknown IDs (DPD, XAUTH...) are ignored. */
export function natTDialect(vendorIds: readonly VendorIdPayload[]): NatTDialect {
  const has = (id: Buffer) => vendorIds.some((v) => v.data.equals(id));
  if (has(NatTVendorId.RFC3947)) return 'rfc3947';
  return DRAFTS.some(has) ? 'draft' : 'none';
}

/** The responder's answer: the one vendor ID of the dialect chosen, the newest draft the peer sent. */
export function responderNatTVendorIds(dialect: NatTDialect, received: readonly VendorIdPayload[]): VendorIdPayload[] {
  if (dialect === 'rfc3947') return [vid(NatTVendorId.RFC3947)];
  if (dialect === 'none') return [];
  const draft = DRAFTS.find((d) => received.some((v) => v.data.equals(d)));
  return draft ? [vid(draft)] : [];
}

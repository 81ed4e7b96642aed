import { PayloadType } from './constants';
import { decodeOpaque } from './opaque';

/** RFC 2408 3.16: usually a hash of a vendor or capability string (NAT-T, DPD, XAUTH). */
export interface VendorIdPayload {
  readonly type: typeof PayloadType.VID;
  readonly data: Buffer;
}

export function encodeVendorId(vid: VendorIdPayload): Buffer {
  return vid.data;
}

export function decodeVendorId(body: Buffer, at: number): VendorIdPayload {
  return { type: PayloadType.VID, data: decodeOpaque(body, at, 'vendor id', 1) };
}

import { IdType, NotifyType, PayloadType } from './constants';
import { addressBytes, formatAddress, IPV4_LENGTH, IPV6_LENGTH } from './ip-address';
import { reject } from './wire-error';
import { zeroed } from './zeroed';

/**
 * RFC 3947 5.2 NAT-OA: the address the sender saw as its own, for transport-mode checksum
 * fix-ups. Draft-speaking peers number it 131; the type is kept to answer in kind.
 */
export interface NatOriginalAddressPayload {
  readonly type: typeof PayloadType.NAT_OA | typeof PayloadType.NAT_OA_DRAFT;
  readonly idType: typeof IdType.IPV4_ADDR | typeof IdType.IPV6_ADDR;
  readonly address: string;
}

const FIXED_LENGTH = 4;

function addressLength(idType: NatOriginalAddressPayload['idType']): typeof IPV4_LENGTH | typeof IPV6_LENGTH {
  return idType === IdType.IPV4_ADDR ? IPV4_LENGTH : IPV6_LENGTH;
}

export function encodeNatOriginalAddress(oa: NatOriginalAddressPayload): Buffer {
  const fixed = zeroed(FIXED_LENGTH);
  fixed.writeUInt8(oa.idType, 0);
  return Buffer.concat([fixed, addressBytes(oa.address, addressLength(oa.idType))]);
}

export function decodeNatOriginalAddress(
  body: Buffer,
  at: number,
  type: NatOriginalAddressPayload['type'],
): NatOriginalAddressPayload {
  if (body.length < FIXED_LENGTH) reject(NotifyType.PAYLOAD_MALFORMED, at, 'NAT-OA shorter than its fixed fields');
  const idType = body[0];
  if (idType !== IdType.IPV4_ADDR && idType !== IdType.IPV6_ADDR) {
    reject(NotifyType.INVALID_ID_INFORMATION, at, `NAT-OA ID type ${idType}`);
  }
  if (body[1] !== 0 || body.readUInt16BE(2) !== 0) reject(NotifyType.PAYLOAD_MALFORMED, at + 1, 'NAT-OA reserved fields are not zero');
  if (body.length !== FIXED_LENGTH + addressLength(idType)) {
    reject(NotifyType.PAYLOAD_MALFORMED, at, `NAT-OA of ${body.length} octets for ID type ${idType}`);
  }
  return { type, idType, address: formatAddress(body.subarray(FIXED_LENGTH)) };
}

import { decodeAttributes, encodeAttributes, type DataAttribute } from './attribute';
import { IkeAttribute, IpsecAttribute, NotifyType, ProtocolId } from './constants';
import { reject } from './wire-error';
import { zeroed } from './zeroed';

/** RFC 2408 3.6 transform payload body: number, transform id, reserved, SA attributes. */
export interface Transform {
  readonly number: number;
  readonly transformId: number;
  readonly attributes: readonly DataAttribute[];
}

const FIXED_LENGTH = 4;

// RFC 2409 appendix A and RFC 2407 4.5 mark these classes basic ("B"); both say basic
// attributes must not be encoded as variable ones.
const IKE_BASIC = new Set<number>([
  IkeAttribute.ENCRYPTION_ALGORITHM, IkeAttribute.HASH_ALGORITHM, IkeAttribute.AUTHENTICATION_METHOD,
  IkeAttribute.GROUP_DESCRIPTION, IkeAttribute.GROUP_TYPE, IkeAttribute.LIFE_TYPE, IkeAttribute.PRF,
  IkeAttribute.KEY_LENGTH, IkeAttribute.FIELD_SIZE,
]);
const IPSEC_BASIC = new Set<number>([
  IpsecAttribute.SA_LIFE_TYPE, IpsecAttribute.GROUP_DESCRIPTION, IpsecAttribute.ENCAPSULATION_MODE,
  IpsecAttribute.AUTHENTICATION_ALGORITHM, IpsecAttribute.KEY_LENGTH, IpsecAttribute.KEY_ROUNDS,
  IpsecAttribute.COMPRESS_DICTIONARY_SIZE, IpsecAttribute.ECN_TUNNEL, IpsecAttribute.EXTENDED_SEQUENCE_NUMBER,
]);

function basicClasses(protocolId: ProtocolId): ReadonlySet<number> {
  return protocolId === ProtocolId.ISAKMP ? IKE_BASIC : IPSEC_BASIC;
}

export function encodeTransform(transform: Transform): Buffer {
  const fixed = zeroed(FIXED_LENGTH);
  fixed.writeUInt8(transform.number, 0);
  fixed.writeUInt8(transform.transformId, 1);
  return Buffer.concat([fixed, encodeAttributes(transform.attributes)]);
}

/** `protocolId` is the enclosing proposal's: it decides which attribute classes apply. */
export function decodeTransform(body: Buffer, at: number, protocolId: ProtocolId): Transform {
  if (body.length < FIXED_LENGTH) reject(NotifyType.PAYLOAD_MALFORMED, at, 'transform shorter than its fixed fields');
  if (body.readUInt16BE(2) !== 0) reject(NotifyType.PAYLOAD_MALFORMED, at + 2, 'transform reserved field is not zero');
  const attributes = decodeAttributes(body.subarray(FIXED_LENGTH), at + FIXED_LENGTH);
  const basic = basicClasses(protocolId);
  const misfit = attributes.find((a) => a.format === 'variable' && basic.has(a.type));
  if (misfit) {
    reject(NotifyType.PAYLOAD_MALFORMED, at + FIXED_LENGTH, `basic attribute ${misfit.type} encoded as variable`);
  }
  return { number: body[0], transformId: body[1], attributes };
}

import { decodeAttributes, encodeAttributes, type DataAttribute } from './attribute';
import { CfgType, NotifyType, PayloadType } from './constants';
import { reject } from './wire-error';
import { zeroed } from './zeroed';

/**
 * draft-ietf-ipsec-isakmp-mode-cfg-05 3.2 attribute payload, carried by Transaction
 * exchanges for Mode Config and XAUTH. `identifier` pairs a reply or ack with its request.
 */
export interface AttributePayload {
  readonly type: typeof PayloadType.ATTR;
  readonly cfgType: CfgType;
  readonly identifier: number;
  readonly attributes: readonly DataAttribute[];
}

const FIXED_LENGTH = 4;
const CFG_TYPES = new Set<number>(Object.values(CfgType));

export function encodeAttributePayload(attr: AttributePayload): Buffer {
  const fixed = zeroed(FIXED_LENGTH);
  fixed.writeUInt8(attr.cfgType, 0);
  fixed.writeUInt16BE(attr.identifier, 2);
  return Buffer.concat([fixed, encodeAttributes(attr.attributes)]);
}

export function decodeAttributePayload(body: Buffer, at: number): AttributePayload {
  if (body.length < FIXED_LENGTH) reject(NotifyType.PAYLOAD_MALFORMED, at, 'attribute payload shorter than its fixed fields');
  if (!CFG_TYPES.has(body[0])) reject(NotifyType.PAYLOAD_MALFORMED, at, `unknown attribute payload type ${body[0]}`);
  if (body[1] !== 0) reject(NotifyType.PAYLOAD_MALFORMED, at + 1, 'attribute payload reserved octet is not zero');
  return {
    type: PayloadType.ATTR,
    cfgType: body[0] as CfgType,
    identifier: body.readUInt16BE(2),
    attributes: decodeAttributes(body.subarray(FIXED_LENGTH), at + FIXED_LENGTH),
  };
}

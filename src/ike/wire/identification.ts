import { readDerHeader, TAG_SEQUENCE } from '../../keys/der';
import { IdType, NotifyType, PayloadType } from './constants';
import { addressBytes, formatAddress, IPV4_LENGTH, IPV6_LENGTH } from './ip-address';
import { reject } from './wire-error';
import { zeroed } from './zeroed';

/** RFC 2407 4.6.2.1 identification data, typed by ID type. Addresses are canonical text. */
export type Identity =
  | { readonly idType: typeof IdType.IPV4_ADDR | typeof IdType.IPV6_ADDR; readonly address: string }
  | {
      readonly idType: typeof IdType.IPV4_ADDR_SUBNET | typeof IdType.IPV6_ADDR_SUBNET;
      readonly address: string;
      readonly mask: string;
    }
  | {
      readonly idType: typeof IdType.IPV4_ADDR_RANGE | typeof IdType.IPV6_ADDR_RANGE;
      readonly start: string;
      readonly end: string;
    }
  | { readonly idType: typeof IdType.FQDN | typeof IdType.USER_FQDN; readonly name: string }
  | { readonly idType: typeof IdType.DER_ASN1_DN | typeof IdType.DER_ASN1_GN; readonly der: Buffer }
  | { readonly idType: typeof IdType.KEY_ID; readonly keyId: Buffer };

/**
 * RFC 2407 4.6.2 ID payload. `protocolId` and `port` are the IP protocol and port the
 * identity is bound to (0 for any; Phase 1 often sends UDP/500).
 */
export interface IdentificationPayload {
  readonly type: typeof PayloadType.ID;
  readonly identity: Identity;
  readonly protocolId: number;
  readonly port: number;
}

const FIXED_LENGTH = 4;
const ID_TYPES = new Set<number>(Object.values(IdType));

function addressLength(idType: IdType): typeof IPV4_LENGTH | typeof IPV6_LENGTH {
  return idType === IdType.IPV4_ADDR || idType === IdType.IPV4_ADDR_SUBNET || idType === IdType.IPV4_ADDR_RANGE
    ? IPV4_LENGTH
    : IPV6_LENGTH;
}

/** RFC 2407: FQDN strings carry no terminators; spaces and controls have no place in a name. */
function isName(bytes: Buffer): boolean {
  return bytes.length > 0 && bytes.every((b) => b > 0x20 && b < 0x7f);
}

/** A DN is one DER SEQUENCE; a GeneralName one DER element of any tag; either fills the data. */
function isDer(idType: IdType, bytes: Buffer): boolean {
  const head = readDerHeader(bytes);
  if (!head || head.headerLength + head.contentLength !== bytes.length) return false;
  return idType !== IdType.DER_ASN1_DN || head.tag === TAG_SEQUENCE;
}

/** The identification data bytes; RangeError when the identity could not be decoded back. */
export function encodeIdentity(identity: Identity): Buffer {
  const len = addressLength(identity.idType);
  switch (identity.idType) {
    case IdType.IPV4_ADDR:
    case IdType.IPV6_ADDR:
      return addressBytes(identity.address, len);
    case IdType.IPV4_ADDR_SUBNET:
    case IdType.IPV6_ADDR_SUBNET:
      return Buffer.concat([addressBytes(identity.address, len), addressBytes(identity.mask, len)]);
    case IdType.IPV4_ADDR_RANGE:
    case IdType.IPV6_ADDR_RANGE:
      return Buffer.concat([addressBytes(identity.start, len), addressBytes(identity.end, len)]);
    case IdType.FQDN:
    case IdType.USER_FQDN: {
      const bytes = Buffer.from(identity.name, 'latin1');
      if (!isName(bytes) || bytes.toString('latin1') !== identity.name) throw new RangeError(`not a name: ${identity.name}`);
      return bytes;
    }
    case IdType.DER_ASN1_DN:
    case IdType.DER_ASN1_GN:
      if (!isDer(identity.idType, identity.der)) throw new RangeError('identity is not one DER element of the right kind');
      return identity.der;
    case IdType.KEY_ID:
      if (identity.keyId.length === 0) throw new RangeError('empty key id');
      return identity.keyId;
  }
}

export function decodeIdentity(idType: number, data: Buffer, at: number): Identity {
  if (!ID_TYPES.has(idType)) reject(NotifyType.INVALID_ID_INFORMATION, at, `unknown ID type ${idType}`);
  const type = idType as IdType;
  const len = addressLength(type);
  const bad = (why: string): never => reject(NotifyType.INVALID_ID_INFORMATION, at, `ID type ${type}: ${why}`);
  const address = (i: number): string => formatAddress(data.subarray(i * len, (i + 1) * len));
  switch (type) {
    case IdType.IPV4_ADDR:
    case IdType.IPV6_ADDR:
      if (data.length !== len) bad(`${data.length} octets for an address`);
      return { idType: type, address: address(0) };
    case IdType.IPV4_ADDR_SUBNET:
    case IdType.IPV6_ADDR_SUBNET:
      if (data.length !== 2 * len) bad(`${data.length} octets for address and mask`);
      return { idType: type, address: address(0), mask: address(1) };
    case IdType.IPV4_ADDR_RANGE:
    case IdType.IPV6_ADDR_RANGE:
      if (data.length !== 2 * len) bad(`${data.length} octets for a range`);
      return { idType: type, start: address(0), end: address(1) };
    case IdType.FQDN:
    case IdType.USER_FQDN:
      if (!isName(data)) bad('not a printable name');
      return { idType: type, name: data.toString('latin1') };
    case IdType.DER_ASN1_DN:
    case IdType.DER_ASN1_GN:
      if (!isDer(type, data)) bad('not one DER element of the right kind');
      return { idType: type, der: Buffer.from(data) };
    case IdType.KEY_ID:
      if (data.length === 0) bad('empty key id');
      return { idType: type, keyId: Buffer.from(data) };
  }
}

export function encodeIdentification(id: IdentificationPayload): Buffer {
  const fixed = zeroed(FIXED_LENGTH);
  fixed.writeUInt8(id.identity.idType, 0);
  fixed.writeUInt8(id.protocolId, 1);
  fixed.writeUInt16BE(id.port, 2);
  return Buffer.concat([fixed, encodeIdentity(id.identity)]);
}

export function decodeIdentification(body: Buffer, at: number): IdentificationPayload {
  if (body.length < FIXED_LENGTH) reject(NotifyType.PAYLOAD_MALFORMED, at, 'ID shorter than its fixed fields');
  const identity = decodeIdentity(body[0], body.subarray(FIXED_LENGTH), at);
  return { type: PayloadType.ID, identity, protocolId: body[1], port: body.readUInt16BE(2) };
}

import { encodeAttributePayload, decodeAttributePayload, type AttributePayload } from './attribute-payload';
import { encodeCertificateRequest, decodeCertificateRequest, type CertificateRequestPayload } from './certificate-request';
import { encodeCertificate, decodeCertificate, type CertificatePayload } from './certificate';
import { NotifyType, PayloadType } from './constants';
import { encodeDelete, decodeDelete, type DeletePayload } from './delete';
import { encodeHash, decodeHash, type HashPayload } from './hash';
import { encodeIdentification, decodeIdentification, type IdentificationPayload } from './identification';
import { encodeKeyExchange, decodeKeyExchange, type KeyExchangePayload } from './key-exchange';
import { encodeNatDiscovery, decodeNatDiscovery, type NatDiscoveryPayload } from './nat-discovery';
import { encodeNatOriginalAddress, decodeNatOriginalAddress, type NatOriginalAddressPayload } from './nat-original-address';
import { encodeNonce, decodeNonce, type NoncePayload } from './nonce';
import { encodeNotification, decodeNotification, type NotificationPayload } from './notification';
import { encodeSecurityAssociation, decodeSecurityAssociation, type SecurityAssociationPayload } from './sa';
import { encodeSignature, decodeSignature, type SignaturePayload } from './signature';
import type { ChainLink } from './payload-header';
import { encodeVendorId, decodeVendorId, type VendorIdPayload } from './vendor-id';
import { reject } from './wire-error';

/** Every payload that may stand in a message's chain (P and T live only inside an SA). */
export type Payload =
  | SecurityAssociationPayload
  | KeyExchangePayload
  | IdentificationPayload
  | CertificatePayload
  | CertificateRequestPayload
  | HashPayload
  | SignaturePayload
  | NoncePayload
  | NotificationPayload
  | DeletePayload
  | VendorIdPayload
  | AttributePayload
  | NatDiscoveryPayload
  | NatOriginalAddressPayload;

/** The payload's body, after the generic header. */
export function encodePayloadBody(payload: Payload): Buffer {
  switch (payload.type) {
    case PayloadType.SA: return encodeSecurityAssociation(payload);
    case PayloadType.KE: return encodeKeyExchange(payload);
    case PayloadType.ID: return encodeIdentification(payload);
    case PayloadType.CERT: return encodeCertificate(payload);
    case PayloadType.CR: return encodeCertificateRequest(payload);
    case PayloadType.HASH: return encodeHash(payload);
    case PayloadType.SIG: return encodeSignature(payload);
    case PayloadType.NONCE: return encodeNonce(payload);
    case PayloadType.N: return encodeNotification(payload);
    case PayloadType.D: return encodeDelete(payload);
    case PayloadType.VID: return encodeVendorId(payload);
    case PayloadType.ATTR: return encodeAttributePayload(payload);
    case PayloadType.NAT_D:
    case PayloadType.NAT_D_DRAFT: return encodeNatDiscovery(payload);
    case PayloadType.NAT_OA:
    case PayloadType.NAT_OA_DRAFT: return encodeNatOriginalAddress(payload);
  }
}

type Decoder = (body: Buffer, at: number) => Payload;

const DECODERS: ReadonlyMap<number, Decoder> = new Map<number, Decoder>([
  [PayloadType.SA, decodeSecurityAssociation],
  [PayloadType.KE, decodeKeyExchange],
  [PayloadType.ID, decodeIdentification],
  [PayloadType.CERT, decodeCertificate],
  [PayloadType.CR, decodeCertificateRequest],
  [PayloadType.HASH, decodeHash],
  [PayloadType.SIG, decodeSignature],
  [PayloadType.NONCE, decodeNonce],
  [PayloadType.N, decodeNotification],
  [PayloadType.D, decodeDelete],
  [PayloadType.VID, decodeVendorId],
  [PayloadType.ATTR, decodeAttributePayload],
  [PayloadType.NAT_D, (body, at) => decodeNatDiscovery(body, at, PayloadType.NAT_D)],
  [PayloadType.NAT_D_DRAFT, (body, at) => decodeNatDiscovery(body, at, PayloadType.NAT_D_DRAFT)],
  [PayloadType.NAT_OA, (body, at) => decodeNatOriginalAddress(body, at, PayloadType.NAT_OA)],
  [PayloadType.NAT_OA_DRAFT, (body, at) => decodeNatOriginalAddress(body, at, PayloadType.NAT_OA_DRAFT)],
]);

/** Whether a message's chain may carry this type (RFC 2408 5.2 answers the rest with INVALID-PAYLOAD-TYPE). */
export function isMessagePayloadType(type: number): boolean {
  return DECODERS.has(type);
}

export function decodePayload(link: ChainLink): Payload {
  const decode = DECODERS.get(link.type);
  if (!decode) reject(NotifyType.INVALID_PAYLOAD_TYPE, link.typeAt, `payload type ${link.type}`);
  return decode(link.body, link.at);
}

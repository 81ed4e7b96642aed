import { NotifyType, PayloadType, ProtocolId } from './constants';
import { joinChain, splitChain } from './payload-header';
import { decodeTransform, encodeTransform, type Transform } from './transform';
import { reject } from './wire-error';
import { zeroed } from './zeroed';

/** RFC 2408 3.5 proposal payload body, with its transforms (a chain of T payloads). */
export interface Proposal {
  readonly number: number;
  readonly protocolId: ProtocolId;
  readonly spi: Buffer;
  readonly transforms: readonly Transform[];
}

const FIXED_LENGTH = 4;
const PROTOCOLS = new Set<number>(Object.values(ProtocolId));

/**
 * SPI sizes each protocol allows: ISAKMP's SPI is the cookie pair and its size "MAY be from
 * zero to sixteen" (RFC 2408 3.5); AH and ESP carry 4 octets; an IPComp CPI is 2, sent by
 * some peers as 4 (RFC 2393).
 */
function spiSizeFits(protocolId: ProtocolId, size: number): boolean {
  switch (protocolId) {
    case ProtocolId.ISAKMP: return size <= 16;
    case ProtocolId.IPSEC_AH:
    case ProtocolId.IPSEC_ESP: return size === 4;
    case ProtocolId.IPCOMP: return size === 2 || size === 4;
  }
}

export function encodeProposal(proposal: Proposal): Buffer {
  const fixed = zeroed(FIXED_LENGTH);
  fixed.writeUInt8(proposal.number, 0);
  fixed.writeUInt8(proposal.protocolId, 1);
  fixed.writeUInt8(proposal.spi.length, 2);
  fixed.writeUInt8(proposal.transforms.length, 3);
  const transforms = joinChain(proposal.transforms.map((t) => ({ type: PayloadType.T, body: encodeTransform(t) })));
  return Buffer.concat([fixed, proposal.spi, transforms]);
}

export function decodeProposal(body: Buffer, at: number): Proposal {
  if (body.length < FIXED_LENGTH) reject(NotifyType.PAYLOAD_MALFORMED, at, 'proposal shorter than its fixed fields');
  const [number, protocol, spiSize, count] = body;
  if (!PROTOCOLS.has(protocol)) reject(NotifyType.INVALID_PROTOCOL_ID, at + 1, `unknown protocol id ${protocol}`);
  const protocolId = protocol as ProtocolId;
  if (!spiSizeFits(protocolId, spiSize)) {
    reject(NotifyType.BAD_PROPOSAL_SYNTAX, at + 2, `SPI size ${spiSize} is wrong for protocol ${protocolId}`);
  }
  const transformsAt = FIXED_LENGTH + spiSize;
  if (transformsAt > body.length) reject(NotifyType.PAYLOAD_MALFORMED, at + 2, `SPI size ${spiSize} overflows the proposal`);
  if (count === 0) reject(NotifyType.BAD_PROPOSAL_SYNTAX, at + 3, 'proposal without transforms');
  const { links, end } = splitChain(body.subarray(transformsAt), at + transformsAt, PayloadType.T, at + 3, (type, typeAt) => {
    if (type !== PayloadType.T) reject(NotifyType.BAD_PROPOSAL_SYNTAX, typeAt, `payload ${type} inside a proposal`);
  });
  if (transformsAt + end !== body.length) {
    reject(NotifyType.BAD_PROPOSAL_SYNTAX, at + transformsAt + end, 'octets after the last transform');
  }
  if (links.length !== count) reject(NotifyType.BAD_PROPOSAL_SYNTAX, at + 3, `${links.length} transforms, ${count} announced`);
  const transforms = links.map((link) => decodeTransform(link.body, link.at, protocolId));
  // RFC 2408 3.6: several transforms in one proposal each have a unique transform number.
  const numbers = new Set(transforms.map((t) => t.number));
  if (numbers.size !== transforms.length) reject(NotifyType.BAD_PROPOSAL_SYNTAX, at, 'transform numbers repeat');
  return { number, protocolId, spi: Buffer.from(body.subarray(FIXED_LENGTH, transformsAt)), transforms };
}

import { Doi, NotifyType, PayloadType, Situation } from './constants';
import { joinChain, splitChain } from './payload-header';
import { decodeProposal, encodeProposal, type Proposal } from './proposal';
import { reject } from './wire-error';
import { zeroed } from './zeroed';

/**
 * RFC 2408 3.4 / RFC 2407 4.6.1 Security Association payload. Only the IPsec DOI with
 * SIT_IDENTITY_ONLY is accepted: the other situations add labelled-domain fields nobody
 * here can act on, so DOI and situation are implied rather than stored.
 */
export interface SecurityAssociationPayload {
  readonly type: typeof PayloadType.SA;
  readonly proposals: readonly Proposal[];
}

const FIXED_LENGTH = 8;

export function encodeSecurityAssociation(sa: SecurityAssociationPayload): Buffer {
  const fixed = zeroed(FIXED_LENGTH);
  fixed.writeUInt32BE(Doi.IPSEC, 0);
  fixed.writeUInt32BE(Situation.SIT_IDENTITY_ONLY, 4);
  return Buffer.concat([fixed, joinChain(sa.proposals.map((p) => ({ type: PayloadType.P, body: encodeProposal(p) })))]);
}

export function decodeSecurityAssociation(body: Buffer, at: number): SecurityAssociationPayload {
  if (body.length < FIXED_LENGTH) reject(NotifyType.PAYLOAD_MALFORMED, at, 'SA shorter than DOI and situation');
  const doi = body.readUInt32BE(0);
  if (doi !== Doi.IPSEC) reject(NotifyType.DOI_NOT_SUPPORTED, at, `SA DOI ${doi}`);
  const situation = body.readUInt32BE(4);
  if (situation !== Situation.SIT_IDENTITY_ONLY) reject(NotifyType.SITUATION_NOT_SUPPORTED, at + 4, `situation ${situation}`);
  if (body.length === FIXED_LENGTH) reject(NotifyType.BAD_PROPOSAL_SYNTAX, at + FIXED_LENGTH, 'SA without proposals');
  // The SA's own next-payload field names the message's next payload: the first proposal
  // is implied, and each proposal names the one after it.
  const { links, end } = splitChain(body.subarray(FIXED_LENGTH), at + FIXED_LENGTH, PayloadType.P, at, (type, typeAt) => {
    if (type !== PayloadType.P) reject(NotifyType.BAD_PROPOSAL_SYNTAX, typeAt, `payload ${type} inside an SA`);
  });
  if (FIXED_LENGTH + end !== body.length) {
    reject(NotifyType.BAD_PROPOSAL_SYNTAX, at + FIXED_LENGTH + end, 'octets after the last proposal');
  }
  const proposals = links.map((link) => decodeProposal(link.body, link.at));
  // RFC 2408 4.2: proposal numbers increase; equal numbers are one proposal's AND-ed protocols.
  proposals.forEach((p, i) => {
    if (i > 0 && p.number < proposals[i - 1].number) {
      reject(NotifyType.BAD_PROPOSAL_SYNTAX, links[i].at, `proposal ${p.number} after proposal ${proposals[i - 1].number}`);
    }
  });
  return { type: PayloadType.SA, proposals };
}

import { NotifyType, PayloadType } from './constants';
import { reject } from './wire-error';

/**
 * RFC 2408 3.2 generic payload header (next payload, reserved, length) and the chains it
 * builds: the message's payload list, the proposals inside an SA, the transforms inside a
 * proposal. Each link names the type of the one after it.
 */

export const GENERIC_HEADER_LENGTH = 4;

export interface ChainLink {
  /** The type the previous link (or the header) gave this payload. */
  readonly type: number;
  /** Offset, in the message, of the next-payload field that named this type. */
  readonly typeAt: number;
  /** The payload after its generic header. */
  readonly body: Buffer;
  /** Offset of `body` in the message. */
  readonly at: number;
}

/**
 * Split `bytes` into links, starting with `first` (named at `firstAt`), until a link says
 * NONE. `check` vets each type before its header is read, so an unknown type is reported
 * as such rather than as whatever its garbage length field causes. Returns where the chain
 * ended; the caller decides what bytes after it mean.
 */
export function splitChain(
  bytes: Buffer,
  at: number,
  first: number,
  firstAt: number,
  check: (type: number, typeAt: number) => void,
): { links: ChainLink[]; end: number } {
  const links: ChainLink[] = [];
  let type = first;
  let typeAt = firstAt;
  let o = 0;
  while (type !== PayloadType.NONE) {
    check(type, typeAt);
    if (o + GENERIC_HEADER_LENGTH > bytes.length) {
      reject(NotifyType.PAYLOAD_MALFORMED, at + o, `payload ${type} header truncated`);
    }
    if (bytes[o + 1] !== 0) reject(NotifyType.PAYLOAD_MALFORMED, at + o + 1, 'generic header reserved octet is not zero');
    const length = bytes.readUInt16BE(o + 2);
    if (length < GENERIC_HEADER_LENGTH) {
      reject(NotifyType.PAYLOAD_MALFORMED, at + o + 2, `payload length ${length} is below the header's own`);
    }
    if (o + length > bytes.length) {
      reject(NotifyType.PAYLOAD_MALFORMED, at + o + 2, `payload length ${length} overflows the ${bytes.length - o} octets left`);
    }
    links.push({ type, typeAt, body: bytes.subarray(o + GENERIC_HEADER_LENGTH, o + length), at: at + o + GENERIC_HEADER_LENGTH });
    type = bytes[o];
    typeAt = at + o;
    o += length;
  }
  return { links, end: o };
}

/** Join bodies into a chain, in one buffer; the first type is the caller's to announce. */
export function joinChain(links: readonly { readonly type: number; readonly body: Buffer }[]): Buffer {
  let length = 0;
  for (const link of links) length += GENERIC_HEADER_LENGTH + link.body.length;
  const out = Buffer.allocUnsafe(length);
  let o = 0;
  for (let i = 0; i < links.length; i++) {
    const body = links[i].body;
    out.writeUInt8(links[i + 1]?.type ?? PayloadType.NONE, o);
    out.writeUInt8(0, o + 1);
    out.writeUInt16BE(GENERIC_HEADER_LENGTH + body.length, o + 2);
    body.copy(out, o + GENERIC_HEADER_LENGTH);
    o += GENERIC_HEADER_LENGTH + body.length;
  }
  return out;
}

/** One more payload, of body `body`, in front of an encoded chain whose first payload is of type `next`. */
export function prependLink(body: Buffer, next: number, chain: Buffer): Buffer {
  const out = Buffer.allocUnsafe(GENERIC_HEADER_LENGTH + body.length + chain.length);
  out.writeUInt8(next, 0);
  out.writeUInt8(0, 1);
  out.writeUInt16BE(GENERIC_HEADER_LENGTH + body.length, 2);
  body.copy(out, GENERIC_HEADER_LENGTH);
  chain.copy(out, GENERIC_HEADER_LENGTH + body.length);
  return out;
}

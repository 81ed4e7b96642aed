import { NotifyType } from './constants';
import { reject } from './wire-error';

/**
 * RFC 2408 3.3 data attributes. The format is kept (not just the value) because RFC 2409
 * lets variable-class attributes travel in basic form, and the exchange layer re-encodes
 * received payloads for hashing: the bytes must come back the same.
 */
export interface BasicAttribute {
  readonly format: 'basic';
  readonly type: number;
  readonly value: number;
}

export interface VariableAttribute {
  readonly format: 'variable';
  readonly type: number;
  readonly value: Buffer;
}

export type DataAttribute = BasicAttribute | VariableAttribute;

/** Attribute Format bit: set for basic (TV), clear for variable (TLV). */
const AF = 0x8000;
const HEADER_LENGTH = 4;

export function basicAttribute(type: number, value: number): BasicAttribute {
  return { format: 'basic', type, value };
}

export function variableAttribute(type: number, value: Buffer): VariableAttribute {
  return { format: 'variable', type, value };
}

/** A numeric attribute in the smallest form: basic up to 0xffff, else four octets. */
export function numberAttribute(type: number, value: number): DataAttribute {
  if (value <= 0xffff) return basicAttribute(type, value);
  const bytes = Buffer.alloc(4);
  bytes.writeUInt32BE(value);
  return variableAttribute(type, bytes);
}

/** The value as an unsigned number, or undefined when it is empty or beyond 2^53. */
export function attributeNumber(attribute: DataAttribute): number | undefined {
  if (attribute.format === 'basic') return attribute.value;
  if (attribute.value.length === 0) return undefined;
  let n = 0;
  for (const byte of attribute.value) {
    n = n * 256 + byte;
    if (n > Number.MAX_SAFE_INTEGER) return undefined;
  }
  return n;
}

/** The attributes in one buffer: their length is known before a single octet is written. */
export function encodeAttributes(attributes: readonly DataAttribute[]): Buffer {
  let length = 0;
  for (const a of attributes) {
    if (!Number.isInteger(a.type) || a.type < 0 || a.type > 0x7fff) {
      throw new RangeError(`attribute type ${a.type} does not fit 15 bits`);
    }
    length += HEADER_LENGTH + (a.format === 'basic' ? 0 : a.value.length);
  }
  const out = Buffer.allocUnsafe(length);
  let o = 0;
  for (const a of attributes) {
    if (a.format === 'basic') {
      out.writeUInt16BE(AF | a.type, o);
      out.writeUInt16BE(a.value, o + 2);
      o += HEADER_LENGTH;
    } else {
      out.writeUInt16BE(a.type, o);
      out.writeUInt16BE(a.value.length, o + 2);
      a.value.copy(out, o + HEADER_LENGTH);
      o += HEADER_LENGTH + a.value.length;
    }
  }
  return out;
}

/** Decode a run of attributes filling `bytes` exactly; `at` is its offset in the message. */
export function decodeAttributes(bytes: Buffer, at: number): DataAttribute[] {
  const attributes: DataAttribute[] = [];
  let o = 0;
  while (o < bytes.length) {
    if (o + HEADER_LENGTH > bytes.length) {
      reject(NotifyType.PAYLOAD_MALFORMED, at + o, 'data attribute header truncated');
    }
    const word = bytes.readUInt16BE(o);
    const type = word & ~AF;
    if (word & AF) {
      attributes.push(basicAttribute(type, bytes.readUInt16BE(o + 2)));
      o += HEADER_LENGTH;
      continue;
    }
    const length = bytes.readUInt16BE(o + 2);
    const end = o + HEADER_LENGTH + length;
    if (end > bytes.length) {
      reject(NotifyType.PAYLOAD_MALFORMED, at + o, `data attribute ${type} length ${length} overflows its payload`);
    }
    attributes.push(variableAttribute(type, Buffer.from(bytes.subarray(o + HEADER_LENGTH, end))));
    o = end;
  }
  return attributes;
}

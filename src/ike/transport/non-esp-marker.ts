/**
 * Port 4500 framing (RFC 3948 section 2): IKE messages follow a non-ESP marker of four zero
 * octets, ESP packets start with their SPI (never zero), and a single 0xFF octet is a
 * NAT-keepalive that only refreshes the NAT mapping.
 */

export const NON_ESP_MARKER = Buffer.alloc(4);
export const NAT_KEEPALIVE = Buffer.from([0xff]);

/** SPI and sequence number: the least an ESP packet has. */
const ESP_HEADER_LENGTH = 8;

export type NatTDatagram =
  | { kind: 'ike'; message: Buffer }
  | { kind: 'esp'; packet: Buffer }
  | { kind: 'keepalive' }
  | { kind: 'malformed' };

/** What a datagram received on the NAT-T port is; the IKE message without its marker. */
export function classifyNatT(datagram: Buffer): NatTDatagram {
  if (datagram.length === 1 && datagram[0] === 0xff) return { kind: 'keepalive' };
  if (datagram.length >= NON_ESP_MARKER.length && datagram.readUInt32BE(0) === 0) {
    return { kind: 'ike', message: datagram.subarray(NON_ESP_MARKER.length) };
  }
  if (datagram.length >= ESP_HEADER_LENGTH) return { kind: 'esp', packet: datagram };
  return { kind: 'malformed' };
}

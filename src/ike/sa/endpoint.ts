/** One end of an IKE conversation: an IPv4 address and a UDP port (500, or 4500 after the NAT-T float). */
export interface Endpoint {
  readonly address: string;
  readonly port: number;
}

export const IKE_PORT = 500;
export const NAT_T_PORT = 4500;

export function endpointText(e: Endpoint): string {
  return `${e.address}:${e.port}`;
}

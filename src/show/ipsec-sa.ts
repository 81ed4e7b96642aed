import type { IpsecBundleView, IpsecDirectionView, IpsecFlowView } from '../ike/key-manager/operator-views';

/** IOS prints SPIs as 0x1A2B3C4D(439041101). */
function spiText(spi: number): string {
  return `0x${spi.toString(16).toUpperCase()}(${spi})`;
}

function sum(flow: IpsecFlowView, direction: 'inbound' | 'outbound'): number {
  // Each packet passes every protocol of a bundle; count it once, at the first.
  return flow.bundles.reduce((n, b) => n + (b.protocols[0]?.[direction].packets ?? 0), 0);
}

function saLines(flow: IpsecFlowView, bundle: IpsecBundleView, view: IpsecDirectionView, transform: string): string[] {
  const settings = `${bundle.mode === 'tunnel' ? 'Tunnel' : 'Transport'}${bundle.udpEncapsulated ? ' UDP-Encaps' : ''}, `;
  const kb = view.remainingKilobytes === undefined ? '' : String(view.remainingKilobytes);
  const sec = view.remainingSeconds === undefined ? '' : String(view.remainingSeconds);
  return [
    `      spi: ${spiText(view.spi)}`,
    `        transform: ${transform} ,`,
    `        in use settings ={${settings}}`,
    `        conn id: ${view.connId}, crypto map: ${flow.mapTag}`,
    `        sa timing: remaining key lifetime (k/sec): (${kb}/${sec})`,
    '        replay detection support: Y',
    '        Status: ACTIVE',
    '',
  ];
}

function directionLines(flow: IpsecFlowView, direction: 'inbound' | 'outbound'): string[] {
  const out: string[] = [];
  for (const protocol of ['esp', 'ah'] as const) {
    out.push(`     ${direction} ${protocol} sas:`);
    for (const bundle of flow.bundles) {
      for (const p of bundle.protocols) if (p.protocol === protocol) out.push(...saLines(flow, bundle, p[direction], p.transform));
    }
    if (out[out.length - 1] !== '') out.push('');
  }
  out.push(`     ${direction} pcp sas:`, '');
  return out;
}

function flowLines(flow: IpsecFlowView): string[] {
  const current = flow.bundles[flow.bundles.length - 1];
  const pfs = current?.pfsGroup;
  const encaps = sum(flow, 'outbound');
  const decaps = sum(flow, 'inbound');
  return [
    '',
    '   protected vrf: (none)',
    `   local  ident (addr/mask/prot/port): (${flow.localIdent})`,
    `   remote ident (addr/mask/prot/port): (${flow.remoteIdent})`,
    `   current_peer ${flow.peer} port ${flow.peerPort}`,
    `     PERMIT, flags={${flow.fromAcl ? 'origin_is_acl,' : ''}}`,
    `    #pkts encaps: ${encaps}, #pkts encrypt: ${encaps}, #pkts digest: ${encaps}`,
    `    #pkts decaps: ${decaps}, #pkts decrypt: ${decaps}, #pkts verify: ${decaps}`,
    '    #pkts compressed: 0, #pkts decompressed: 0',
    '    #pkts not compressed: 0, #pkts compr. failed: 0',
    '    #pkts not decompressed: 0, #pkts decompress failed: 0',
    '    #send errors 0, #recv errors 0',
    '',
    `     local crypto endpt.: ${flow.localAddress}, remote crypto endpt.: ${flow.peer}`,
    `     current outbound spi: ${spiText(current?.protocols[0]?.outbound.spi ?? 0)}`,
    `     PFS (Y/N): ${pfs === undefined ? 'N' : 'Y'}, DH group: ${pfs === undefined ? 'none' : `group${pfs}`}`,
    '',
    ...directionLines(flow, 'inbound'),
    ...directionLines(flow, 'outbound'),
  ];
}

/**
 * `show crypto ipsec sa` in the IOS layout: per interface and crypto map, each protected flow
 * with its peer, packet counters and the inbound and outbound SAs (newest last).
 */
export function renderIpsecSa(flows: readonly IpsecFlowView[]): string[] {
  const groups = new Map<string, IpsecFlowView[]>();
  for (const flow of flows) {
    const key = `${flow.interfaceName} ${flow.mapTag} ${flow.localAddress}`;
    const group = groups.get(key);
    if (group) group.push(flow);
    else groups.set(key, [flow]);
  }
  const out: string[] = [];
  for (const group of groups.values()) {
    const { interfaceName, mapTag, localAddress } = group[0];
    if (out.length > 0) out.push('');
    out.push(`interface: ${interfaceName}`, `    Crypto map tag: ${mapTag}, local addr ${localAddress}`);
    for (const flow of group) for (const line of flowLines(flow)) out.push(line);
  }
  return out;
}

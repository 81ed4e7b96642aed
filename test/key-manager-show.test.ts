/**
 * The IOS layouts of `show crypto isakmp sa [detail]` and `show crypto ipsec sa`, from the
 * renderers' plain inputs and from a key manager's live state (negotiations in progress).
 */
import t from 'tap';
import { isakmpSaRows, type IpsecFlowView, type IsakmpSaRow } from '../src/ike/key-manager/operator-views';
import { renderIpsecSa } from '../src/show/ipsec-sa';
import { renderIsakmpSa, renderIsakmpSaDetail } from '../src/show/isakmp-sa';
import { ADDRESS_A, ADDRESS_B } from './helpers/ike-exchange-harness';
import { keyManagerPair, quiet, trafficAtoB } from './helpers/key-manager-pair';

const ESTABLISHED: IsakmpSaRow = {
  connId: 1001, dst: '10.0.0.2', src: '10.0.0.1', state: 'QM_IDLE', status: 'ACTIVE', local: '10.0.0.1', remote: '10.0.0.2',
  cookies: { initiator: '0011223344556677', responder: '8899aabbccddeeff' }, role: 'initiator', exchange: 'main',
  suite: { encryption: 'aes256', hash: 'sha1', group: 14, remainingSeconds: 86_399 }, natT: true,
};

t.test('show crypto isakmp sa: the IOS columns', async (t) => {
  t.equal(renderIsakmpSa([ESTABLISHED]).join('\n'), [
    'IPv4 Crypto ISAKMP SA',
    'dst             src             state          conn-id status',
    '10.0.0.2        10.0.0.1        QM_IDLE           1001 ACTIVE',
    '',
    'IPv6 Crypto ISAKMP SA',
    '',
  ].join('\n'));
});

t.test('show crypto isakmp sa detail: suite, lifetime left, NAT-T, cookies', async (t) => {
  const aes128 = { ...ESTABLISHED, connId: 1002, natT: false, suite: { encryption: 'aes128', hash: 'md5', group: 2, remainingSeconds: 3661 } } as const;
  t.equal(renderIsakmpSaDetail([ESTABLISHED, aes128]).join('\n'), [
    'Codes: C - IKE configuration mode, D - Dead Peer Detection',
    '       K - Keepalives, N - NAT-traversal',
    '       T - cTCP encapsulation, X - IKE Extended Authentication',
    '       psk - Preshared key, rsig - RSA signature',
    '       renc - RSA encryption',
    'IPv4 Crypto ISAKMP SA',
    '',
    'C-id  Local           Remote          I-VRF  Status Encr Hash   Auth DH Lifetime Cap.',
    '',
    '1001  10.0.0.1        10.0.0.2               ACTIVE aes:256 sha    psk  14 23:59:59 N',
    '       Engine-id:Conn-id =  SW:1',
    '       Cookies: I 0011223344556677 R 8899aabbccddeeff',
    '       Main mode, initiator, established, NAT-T in use',
    '',
    '1002  10.0.0.1        10.0.0.2               ACTIVE aes  md5    psk  2  1:01:01',
    '       Engine-id:Conn-id =  SW:2',
    '       Cookies: I 0011223344556677 R 8899aabbccddeeff',
    '       Main mode, initiator, established, NAT-T not in use',
    '',
    'IPv6 Crypto ISAKMP SA',
    '',
  ].join('\n'));
});

t.test('phase 1 in progress: IOS state names and conn-id 0', async (t) => {
  const pair = await keyManagerPair();
  t.teardown(() => pair.close());
  pair.net.drop = (wire) => wire.from.address === ADDRESS_B;
  trafficAtoB(pair);
  await quiet(pair.net);
  const row = (rows: IsakmpSaRow[]) => rows.map((r) => [r.dst, r.src, r.state, r.connId]);
  t.same(row(isakmpSaRows(pair.a.km)), [[ADDRESS_B, ADDRESS_A, 'MM_NO_STATE', 0]], 'A sent message 1, heard nothing');
  t.same(row(isakmpSaRows(pair.b.km)), [[ADDRESS_B, ADDRESS_A, 'MM_SA_SETUP', 0]], 'B answered message 1');
  t.match(renderIsakmpSa(isakmpSaRows(pair.a.km))[2], /^198\.51\.100\.2 +192\.0\.2\.1 +MM_NO_STATE +0 ACTIVE$/);
  const detail = renderIsakmpSaDetail(isakmpSaRows(pair.b.km));
  t.match(detail.join('\n'), '\n0     198.51.100.2    192.0.2.1              ACTIVE\n', 'no suite yet');
  t.match(detail.join('\n'), 'Main mode, responder, MM_SA_SETUP, NAT-T not in use');
});

function direction(spi: number, connId: number, packets: number): IpsecFlowView['bundles'][number]['protocols'][number]['inbound'] {
  return { spi, connId, packets, bytes: packets * 100, remainingKilobytes: 4607999, remainingSeconds: 3580 };
}

t.test('show crypto ipsec sa: the IOS blocks, AH and ESP, rekeyed bundles, NAT-T and PFS', async (t) => {
  const flow: IpsecFlowView = {
    interfaceName: 'eth0', mapTag: 'm', localAddress: '10.0.0.1', localIdent: '10.1.0.0/255.255.255.0/0/0', remoteIdent: '10.2.0.0/255.255.255.0/0/0',
    peer: '10.0.0.2', peerPort: 4500, fromAcl: true,
    bundles: [
      { mode: 'tunnel', udpEncapsulated: true, pfsGroup: 14, protocols: [{ protocol: 'esp', transform: 'esp-256-aes esp-sha-hmac', inbound: direction(0x100, 2001, 3), outbound: direction(0x200, 2002, 4) }] },
      {
        mode: 'tunnel', udpEncapsulated: true, pfsGroup: 14, protocols: [
          { protocol: 'ah', transform: 'ah-sha-hmac', inbound: direction(0x300, 2003, 1), outbound: direction(0x1A2B3C4D, 2004, 2) },
          { protocol: 'esp', transform: 'esp-256-aes esp-sha-hmac', inbound: direction(0x500, 2005, 1), outbound: direction(0x600, 2006, 2) },
        ],
      },
    ],
  };
  const text = renderIpsecSa([flow]).join('\n');
  t.equal(text.split('\n').slice(0, 22).join('\n'), [
    'interface: eth0',
    '    Crypto map tag: m, local addr 10.0.0.1',
    '',
    '   protected vrf: (none)',
    '   local  ident (addr/mask/prot/port): (10.1.0.0/255.255.255.0/0/0)',
    '   remote ident (addr/mask/prot/port): (10.2.0.0/255.255.255.0/0/0)',
    '   current_peer 10.0.0.2 port 4500',
    '     PERMIT, flags={origin_is_acl,}',
    '    #pkts encaps: 6, #pkts encrypt: 6, #pkts digest: 6',
    '    #pkts decaps: 4, #pkts decrypt: 4, #pkts verify: 4',
    '    #pkts compressed: 0, #pkts decompressed: 0',
    '    #pkts not compressed: 0, #pkts compr. failed: 0',
    '    #pkts not decompressed: 0, #pkts decompress failed: 0',
    '    #send errors 0, #recv errors 0',
    '',
    '     local crypto endpt.: 10.0.0.1, remote crypto endpt.: 10.0.0.2',
    '     current outbound spi: 0x1A2B3C4D(439041101)',
    '     PFS (Y/N): Y, DH group: group14',
    '',
    '     inbound esp sas:',
    '      spi: 0x100(256)',
    '        transform: esp-256-aes esp-sha-hmac ,',
  ].join('\n'), 'heading, counters summed over bundles, the newest bundle current');
  t.match(text, [
    '        in use settings ={Tunnel UDP-Encaps, }',
    '        conn id: 2001, crypto map: m',
    '        sa timing: remaining key lifetime (k/sec): (4607999/3580)',
    '        replay detection support: Y',
    '        Status: ACTIVE',
    '',
    '      spi: 0x500(1280)',
  ].join('\n'), 'both ESP SAs, oldest first');
  t.match(text, '     inbound ah sas:\n      spi: 0x300(768)\n        transform: ah-sha-hmac ,\n');
  t.match(text, '     outbound ah sas:\n      spi: 0x1A2B3C4D(439041101)\n');
  t.match(text, /     outbound pcp sas:\n$/, 'ends with the pcp heading');
  const idle = renderIpsecSa([{ ...flow, bundles: [], fromAcl: false }]).join('\n');
  t.match(idle, '     current outbound spi: 0x0(0)\n     PFS (Y/N): N, DH group: none\n\n     inbound esp sas:\n\n     inbound ah sas:\n\n');
  t.match(idle, 'PERMIT, flags={}');
});

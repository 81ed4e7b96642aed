import t from 'tap';
import { cardProfile } from '../src/hw/card-profiles';
import { EngineRegistry } from '../src/hw/engine-registry';
import {
  aclProxy, encapsulationValue, entryProposals, ipsecTransform, outboundEntry, proxyRange, readEncapsulation, readIpsecTransform,
  responderEntries, selectPhase2, transformSetSuites, type Phase2Request,
} from '../src/ike/policy';
import { AuthAlgorithm, basicAttribute, EncapsulationMode, EspTransformId, IdType, NotifyType, ProtocolId, type Proposal } from '../src/ike/wire';
import { ADDRESS_A, ADDRESS_B, gatewayPair, offerOf } from './helpers/ike-exchange-harness';

const software = new EngineRegistry();

t.test('proxy IDs from ACL addresses', async (t) => {
  t.same(aclProxy({ kind: 'host', address: '10.1.1.1' })?.identity, { idType: IdType.IPV4_ADDR, address: '10.1.1.1' });
  t.same(aclProxy({ kind: 'any' })?.identity, { idType: IdType.IPV4_ADDR_SUBNET, address: '0.0.0.0', mask: '0.0.0.0' });
  t.same(aclProxy({ kind: 'wildcard', address: '10.1.0.0', wildcard: '0.0.255.255' })?.identity, { idType: IdType.IPV4_ADDR_SUBNET, address: '10.1.0.0', mask: '255.255.0.0' });
  t.equal(aclProxy({ kind: 'wildcard', address: '10.0.0.1', wildcard: '0.255.0.255' }), undefined, 'a non-contiguous wildcard has no ID form');
  t.same(proxyRange({ identity: { idType: IdType.IPV4_ADDR_RANGE, start: '10.0.0.5', end: '10.0.0.9' }, protocolId: 0, port: 0 }), { start: 0x0a000005, end: 0x0a000009 });
  t.equal(proxyRange({ identity: { idType: IdType.FQDN, name: 'x' }, protocolId: 0, port: 0 }), undefined);
});

t.test('transform sets as RFC 2407 suites', async (t) => {
  const suites = (names: string[], keyBits?: number) =>
    transformSetSuites({ name: 'x', mode: 'tunnel', transforms: names.map((name, i) => ({ name: name as never, ...(i === 0 && keyBits ? { keyBits } : {}) })) }, software);
  t.same(suites(['esp-aes', 'esp-sha-hmac'], 256), [{
    protocol: 'esp', transformId: EspTransformId.ESP_AES, keyBits: 256, authAlgorithm: AuthAlgorithm.HMAC_SHA,
    keys: { cipher: 'aes-cbc', keyBits: 256, integrity: 'hmac-sha1' },
  }]);
  t.same(suites(['esp-3des', 'esp-md5-hmac'])?.[0].transformId, EspTransformId.ESP_3DES);
  t.same(suites(['esp-gcm'], 256)?.[0], { protocol: 'esp', transformId: EspTransformId.ESP_AES_GCM_16, keyBits: 256, keys: { cipher: 'aes-gcm', keyBits: 256 } });
  t.same(suites(['esp-sha256-hmac'])?.[0], { protocol: 'esp', transformId: EspTransformId.ESP_NULL, authAlgorithm: AuthAlgorithm.HMAC_SHA2_256, keys: { cipher: 'null', integrity: 'hmac-sha256' } }, 'authentication only: ESP_NULL');
  t.same(suites(['ah-sha-hmac', 'esp-des', 'esp-sha-hmac'])?.map((s) => s.protocol), ['ah', 'esp'], 'AH before ESP');
  t.equal(suites(['esp-seal', 'esp-sha-hmac']), undefined, 'SEAL has no IANA transform ID');
  const virtio = new EngineRegistry();
  virtio.insertCard(cardProfile('virtio-crypto'));
  t.equal(transformSetSuites({ name: 'x', mode: 'tunnel', transforms: [{ name: 'esp-3des' }, { name: 'esp-sha-hmac' }] }, virtio), undefined, 'engine without 3DES');
});

t.test('encapsulation modes: plain, RFC 3947 and draft values', async (t) => {
  t.equal(encapsulationValue('tunnel', undefined), EncapsulationMode.TUNNEL);
  t.equal(encapsulationValue('transport', undefined), EncapsulationMode.TRANSPORT);
  t.equal(encapsulationValue('tunnel', 'rfc3947'), 3);
  t.equal(encapsulationValue('transport', 'rfc3947'), 4);
  t.equal(encapsulationValue('tunnel', 'draft'), 61443);
  t.equal(encapsulationValue('transport', 'draft'), 61444);
  for (const v of [3, 61443]) t.same(readEncapsulation(v), { mode: 'tunnel', udp: true });
  for (const v of [4, 61444]) t.same(readEncapsulation(v), { mode: 'transport', udp: true });
  t.equal(readEncapsulation(9), undefined);
});

t.test('IPsec transforms carry lifetimes, PFS group and mode, and read back', async (t) => {
  const [suite] = transformSetSuites({ name: 'x', mode: 'tunnel', transforms: [{ name: 'esp-aes', keyBits: 192 }, { name: 'esp-sha-hmac' }] }, software) ?? [];
  const transform = ipsecTransform(1, suite, { lifetime: { seconds: 3600, kilobytes: 4608000 }, group: 14, encapsulation: 3 });
  t.same(readIpsecTransform(transform), {
    transformId: EspTransformId.ESP_AES, keyBits: 192, authAlgorithm: AuthAlgorithm.HMAC_SHA, group: 14, encapsulation: 3,
    lifetime: { seconds: 3600, kilobytes: 4608000 },
  });
  const esn = { ...transform, attributes: [...transform.attributes, { format: 'basic' as const, type: 11, value: 1 }] };
  t.equal(readIpsecTransform(esn), undefined, 'extended sequence numbers are not offered here');
});

t.test('offer from a crypto map entry', async (t) => {
  const { a } = gatewayPair({
    pfs: 5, lifetimeSeconds: 1200, lifetimeKilobytes: 10000,
    transformSets: [
      { name: 'STRONG', transforms: [{ name: 'esp-aes', keyBits: 256 }, { name: 'esp-sha256-hmac' }] },
      { name: 'SEAL', transforms: [{ name: 'esp-seal' }, { name: 'esp-sha-hmac' }] },
      { name: 'BUNDLE', transforms: [{ name: 'ah-md5-hmac' }, { name: 'esp-3des' }, { name: 'esp-md5-hmac' }], mode: 'transport' },
    ],
  });
  const offer = offerOf(a);
  t.same(offer.proposals.map((p) => [p.transformSet, p.mode, p.suites.map((s) => s.protocol)]), [
    ['STRONG', 'tunnel', ['esp']], ['BUNDLE', 'transport', ['ah', 'esp']],
  ], 'every set but the unusable one, in order');
  t.equal(offer.pfsGroup, 5);
  t.same(offer.lifetime, { seconds: 1200, kilobytes: 10000 });
  t.same(offer.localProxy.identity, { idType: IdType.IPV4_ADDR_SUBNET, address: '10.1.0.0', mask: '255.255.0.0' });
  t.same(offer.remoteProxy.identity, { idType: IdType.IPV4_ADDR_SUBNET, address: '10.2.0.0', mask: '255.255.0.0' });
  t.same(offerOf(gatewayPair().a).lifetime, { seconds: 3600, kilobytes: 4608000 }, 'IOS defaults');
  t.equal(outboundEntry(a.config, a.address, '10.9.0.1', '10.2.0.1'), undefined, 'traffic outside the ACL');
});

/** A's offer as B's responder sees it. */
function requestFor(offerGw: ReturnType<typeof gatewayPair>['a'], extra: Partial<Phase2Request> = {}): Phase2Request {
  const offer = offerOf(offerGw);
  const proposals: Proposal[][] = offer.proposals.map((p, i) => p.suites.map((s) => ({
    number: i + 1, protocolId: s.protocol === 'esp' ? ProtocolId.IPSEC_ESP : ProtocolId.IPSEC_AH, spi: Buffer.from([1, 2, 3, i]),
    transforms: [ipsecTransform(1, s, { lifetime: offer.lifetime, group: offer.pfsGroup, encapsulation: encapsulationValue(p.mode, undefined) })],
  })));
  return {
    localAddress: ADDRESS_B, peerAddress: ADDRESS_A, initiatorProxy: offer.localProxy, responderProxy: offer.remoteProxy,
    proposals, keyExchange: offer.pfsGroup !== undefined, natTraversal: false, ...extra,
  };
}

t.test('responder selection', async (t) => {
  const sets = [
    { name: 'ONE', transforms: [{ name: 'esp-3des' as const }, { name: 'esp-sha-hmac' as const }] },
    { name: 'TWO', transforms: [{ name: 'esp-aes' as const, keyBits: 256 }, { name: 'esp-sha-hmac' as const }] },
  ];
  const { a, b } = gatewayPair({ transformSets: sets }, { transformSets: [sets[1]] });
  const picked = selectPhase2(b.config, software, requestFor(a));
  t.ok(picked.ok);
  if (picked.ok) {
    t.equal(picked.selection.proposalNumber, 2, 'the first offered proposal we accept');
    t.equal(picked.selection.transformSet, 'TWO');
    t.same(picked.selection.lifetime, { seconds: 3600, kilobytes: 4608000 });
    t.equal(picked.selection.responderLifetime, undefined, 'same lifetimes: nothing to announce');
    t.same([picked.selection.ref.tag, picked.selection.ref.seq], ['VPN', 10]);
  }
  const none = gatewayPair({ transformSets: [sets[0]] }, { transformSets: [sets[1]] });
  const refused = selectPhase2(none.b.config, software, requestFor(none.a));
  t.same(refused.ok ? undefined : refused.notify, NotifyType.NO_PROPOSAL_CHOSEN, 'no common transform set');
  const elsewhere = selectPhase2(b.config, software, requestFor(a, { initiatorProxy: aclProxy({ kind: 'host', address: '10.9.0.1' }) as never }));
  t.same(elsewhere.ok ? undefined : elsewhere.notify, NotifyType.INVALID_ID_INFORMATION, 'proxies outside the mirrored ACL');
  const stranger = selectPhase2(b.config, software, requestFor(a, { peerAddress: '203.0.113.9' }));
  t.notOk(stranger.ok, 'no crypto map entry names the peer');
  const subset = selectPhase2(b.config, software, requestFor(a, { initiatorProxy: aclProxy({ kind: 'host', address: '10.1.2.3' }) as never }));
  t.ok(subset.ok, 'a host inside the ACL network is accepted');
});

t.test('responder lifetimes: the shorter wins and ours is announced', async (t) => {
  const { a, b } = gatewayPair({ lifetimeSeconds: 7200, lifetimeKilobytes: 1000 }, { lifetimeSeconds: 1800, lifetimeKilobytes: 5000 });
  const picked = selectPhase2(b.config, software, requestFor(a));
  t.ok(picked.ok);
  if (picked.ok) {
    t.same(picked.selection.lifetime, { seconds: 1800, kilobytes: 1000 });
    t.same(picked.selection.responderLifetime, { seconds: 1800 });
  }
});

t.test('PFS rules', async (t) => {
  const cases: Array<[string, number | undefined, number | undefined, boolean]> = [
    ['both none', undefined, undefined, true],
    ['same group', 14, 14, true],
    ['peer asks for PFS, we set none: accepted', 14, undefined, true],
    ['we require PFS the peer does not offer', undefined, 14, false],
    ['different groups', 5, 14, false],
  ];
  for (const [name, mine, theirs, ok] of cases) {
    const { a, b } = gatewayPair({ pfs: mine as never }, { pfs: theirs as never });
    const picked = selectPhase2(b.config, software, requestFor(a));
    t.equal(picked.ok, ok, name);
    if (picked.ok) t.equal(picked.selection.pfsGroup, mine, `${name}: group in force`);
  }
});

t.test('modes: a tunnel set wants tunnel, a transport set also accepts tunnel', async (t) => {
  const set = (mode: 'tunnel' | 'transport') => [{ name: 'TS', transforms: [{ name: 'esp-aes' as const }, { name: 'esp-sha-hmac' as const }], mode }];
  const run = (mine: 'tunnel' | 'transport', theirs: 'tunnel' | 'transport') => {
    const { a, b } = gatewayPair({ transformSets: set(mine) }, { transformSets: set(theirs) });
    return selectPhase2(b.config, software, requestFor(a));
  };
  t.ok(run('tunnel', 'tunnel').ok);
  t.ok(run('transport', 'transport').ok);
  t.ok(run('tunnel', 'transport').ok, 'transport set accepts tunnel');
  t.notOk(run('transport', 'tunnel').ok, 'tunnel set refuses transport');
});

t.test('UDP-encapsulated modes need NAT-T from phase 1', async (t) => {
  const { a, b } = gatewayPair();
  const request = requestFor(a);
  const udp = request.proposals.map((bundle) => bundle.map((p) => ({
    ...p, transforms: p.transforms.map((tr) => ({ ...tr, attributes: tr.attributes.map((at) => (at.type === 4 ? basicAttribute(4, 61443) : at)) })),
  })));
  t.notOk(selectPhase2(b.config, software, { ...request, proposals: udp }).ok, 'no NAT-T negotiated');
  const picked = selectPhase2(b.config, software, { ...request, proposals: udp, natTraversal: true });
  t.ok(picked.ok && picked.selection.udpEncapsulated && picked.selection.encapsulation === 61443, 'draft value accepted and echoed');
});

t.test('dynamic maps answer any peer', async (t) => {
  const { a, b } = gatewayPair();
  b.config.dynamicMaps = [{ tag: 'DYN', entries: [{ seq: 5, peers: [], transformSets: ['TS'] }] }];
  b.config.cryptoMaps[0].entries = [{ seq: 100, peers: [], transformSets: [], dynamicMap: 'DYN' }];
  t.same(responderEntries(b.config, ADDRESS_B, '203.0.113.1').map((r) => [r.tag, r.seq, r.dynamic]), [['VPN', 100, { tag: 'DYN', seq: 5 }]]);
  const picked = selectPhase2(b.config, software, requestFor(a));
  t.ok(picked.ok && picked.selection.ref.dynamic?.tag === 'DYN', 'dynamic entry without ACL takes the proposed proxies');
  t.same(entryProposals(b.config, b.config.dynamicMaps[0].entries[0], software).map((p) => p.transformSet), ['TS']);
});

t.test('static entries resolve peer hostnames through ip host', async (t) => {
  const { a, b } = gatewayPair();
  b.config.hosts = [{ name: 'gwa.example.net', addresses: [ADDRESS_A] }];
  b.config.cryptoMaps[0].entries[0].peers = ['gwa.example.net'];
  t.ok(selectPhase2(b.config, software, requestFor(a)).ok);
});

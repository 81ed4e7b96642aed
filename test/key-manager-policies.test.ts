/**
 * Kernel policies from crypto maps: installed when a map is applied to an interface with an
 * address, changed and removed with the configuration; a policy per SA whose traffic no map
 * line names (a dynamic map's peer).
 */
import t from 'tap';
import type { PolicyState } from '../src/kernel/sad-backend';
import { ADDRESS_A, ADDRESS_B } from './helpers/ike-exchange-harness';
import { keyManagerPair, nextIpsecSa, quiet, trafficAtoB } from './helpers/key-manager-pair';

function byDir(policies: readonly PolicyState[]): Record<string, PolicyState[]> {
  const out: Record<string, PolicyState[]> = {};
  for (const p of policies) (out[p.spec.dir] ??= []).push(p);
  return out;
}

t.test('an applied crypto map becomes out, in and fwd policies with the tunnel templates', async (t) => {
  const pair = await keyManagerPair();
  t.teardown(() => pair.close());
  const policies = byDir(await pair.a.backend.listPolicies());
  t.equal(policies.out?.length, 1);
  t.equal(policies.in?.length, 1);
  t.equal(policies.fwd?.length, 1);
  const out = policies.out[0].spec;
  t.same(out.selector, { src: { address: '10.1.0.0', prefixLength: 16 }, dst: { address: '10.2.0.0', prefixLength: 16 } });
  t.equal(out.templates.length, 1);
  t.match(out.templates[0], { proto: 'esp', mode: 'tunnel', src: ADDRESS_A, dst: ADDRESS_B, level: 'required' });
  const inbound = policies.in[0].spec;
  t.same(inbound.selector, { src: { address: '10.2.0.0', prefixLength: 16 }, dst: { address: '10.1.0.0', prefixLength: 16 } }, 'in mirrors out');
  t.match(inbound.templates[0], { src: ADDRESS_B, dst: ADDRESS_A, reqid: out.templates[0].reqid });
});

t.test('policies follow the configuration: removed when the map is unapplied, back when applied', async (t) => {
  const pair = await keyManagerPair();
  t.teardown(() => pair.close());
  const iface = pair.a.gw.config.interfaces[0];
  delete iface.cryptoMap;
  await pair.a.km.configChanged();
  t.same(await pair.a.backend.listPolicies(), [], 'no crypto map on an interface: no policies');
  t.equal(trafficAtoB(pair).verdict, 'clear', 'traffic is not protected');
  iface.cryptoMap = 'VPN';
  delete iface.address;
  await pair.a.km.configChanged();
  t.same(await pair.a.backend.listPolicies(), [], 'an interface without an address: still none');
  iface.address = { address: ADDRESS_A, mask: '255.255.255.0' };
  pair.a.gw.config.accessLists['101'].unshift({ action: 'deny', protocol: 'ip', source: { kind: 'host', address: '10.1.0.9' }, destination: { kind: 'any' } });
  await pair.a.km.configChanged();
  const policies = byDir(await pair.a.backend.listPolicies());
  t.equal(policies.out?.length, 2, 'the deny line and the permit line');
  const [deny, permit] = policies.out.sort((x, y) => x.spec.priority - y.spec.priority);
  t.same(deny.spec.templates, [], 'a deny line lets its traffic pass in clear');
  t.equal(permit.spec.templates.length, 1);
  t.equal(pair.a.backend.simulateTraffic({ src: '10.1.0.9', dst: '10.2.0.7' }).verdict, 'bypass');
  t.equal(trafficAtoB(pair).verdict, 'acquire');
});

t.test('a dynamic map responder gets a policy for the negotiated traffic, gone with the SA', async (t) => {
  const pair = await keyManagerPair({
    edit: (_a, b) => {
      b.dynamicMaps = [{ tag: 'DYN', entries: [{ seq: 10, peers: [], transformSets: ['TS'] }] }];
      b.cryptoMaps[0].entries = [{ seq: 10, dynamicMap: 'DYN', peers: [], transformSets: [] }];
    },
  });
  t.teardown(() => pair.close());
  t.same(await pair.b.backend.listPolicies(), [], 'a dynamic map alone installs nothing');
  const installed = Promise.all([nextIpsecSa(pair.a), nextIpsecSa(pair.b)]);
  trafficAtoB(pair);
  await installed;
  await quiet(pair.net);
  const policies = byDir(await pair.b.backend.listPolicies());
  t.equal(policies.out?.length, 1, 'B protects the traffic it agreed to');
  t.same(policies.out[0].spec.selector.dst, { address: '10.1.0.0', prefixLength: 16 });
  t.equal(pair.b.backend.simulateTraffic({ src: '10.2.0.7', dst: '10.1.0.5' }).verdict, 'protected', 'B to A goes through the SA');
  await pair.b.km.clearIpsec({ kind: 'all' });
  t.same(await pair.b.backend.listPolicies(), [], 'the policy went with the SA');
});

/**
 * SA lifecycles through the key manager: clearing (Delete reaches the peer), lifetimes
 * (rekey before expiry, for IPsec and IKE SAs), INITIAL-CONTACT after a reboot, shutdown.
 */
import t from 'tap';
import { ADDRESS_A, ADDRESS_B } from './helpers/ike-exchange-harness';
import { gatewayPair } from './helpers/ike-exchange-harness';
import { keyManagerPair, logged, nextIpsecSa, quiet, sasFrom, startSide, trafficAtoB, until, type Pair } from './helpers/key-manager-pair';

async function tunnel(pair: Pair): Promise<void> {
  const installed = Promise.all([nextIpsecSa(pair.a), nextIpsecSa(pair.b)]);
  trafficAtoB(pair);
  await installed;
  await quiet(pair.net);
}

/**
 * A tunnel between A and B; then A dies without a word (its Deletes never leave) and is back a
 * minute later as `gw`, and its new tunnel to B is up.
 */
async function rebootedA(t: Tap.Test, gw: ReturnType<typeof gatewayPair>['a']): Promise<Pair> {
  const pair = await keyManagerPair();
  t.teardown(() => pair.close());
  await tunnel(pair);
  pair.net.drop = (wire) => wire.from.address === ADDRESS_A;
  await pair.a.km.close();
  pair.net.drop = () => false;
  pair.clock.advance(60_000);
  const reborn = await startSide(gw, pair.net, pair.clock);
  t.teardown(() => reborn.km.close());
  const installed = Promise.all([nextIpsecSa(reborn), nextIpsecSa(pair.b)]);
  reborn.backend.simulateTraffic({ src: '10.1.0.5', dst: '10.2.0.7', proto: 1 });
  await installed;
  await quiet(pair.net);
  return pair;
}

async function counts(pair: Pair): Promise<number[]> {
  return [
    pair.a.km.table.ikeSas().length, pair.a.km.table.ipsecSas().length, (await pair.a.backend.listSas()).length,
    pair.b.km.table.ikeSas().length, pair.b.km.table.ipsecSas().length, (await pair.b.backend.listSas()).length,
  ];
}

t.test('clear crypto sa removes the SAs at both ends; the IKE SA stays', async (t) => {
  const pair = await keyManagerPair();
  t.teardown(() => pair.close());
  await tunnel(pair);
  t.same(await counts(pair), [1, 1, 2, 1, 1, 2], 'one IKE SA and one bundle (two kernel SAs) each');
  t.equal(await pair.a.km.clearIpsec({ kind: 'all' }), 1, 'one bundle cleared');
  await quiet(pair.net);
  t.same(await counts(pair), [1, 0, 0, 1, 0, 0], 'the Delete removed B\'s SAs too');
  t.ok(logged(pair.b, 'deleted by the peer').length > 0, 'B logs why');
  t.equal(trafficAtoB(pair).verdict, 'acquire', 'the next packet asks for a new SA');
  await until(() => pair.b.km.table.ipsecSas().length === 1, 5000, 'a new bundle');
});

t.test('clear by peer, by map and by SPI entry', async (t) => {
  const pair = await keyManagerPair();
  t.teardown(() => pair.close());
  await tunnel(pair);
  t.equal(await pair.a.km.clearIpsec({ kind: 'peer', address: '10.10.10.10' }), 0, 'another peer: nothing');
  t.equal(await pair.a.km.clearIpsec({ kind: 'map', tag: 'OTHER' }), 0, 'another map: nothing');
  const [sa] = await sasFrom(pair.a.backend, ADDRESS_A, ADDRESS_B);
  t.equal(await pair.a.km.clearIpsec({ kind: 'entry', destination: ADDRESS_B, protocol: 'esp', spi: sa.spec.spi }), 1, 'the outbound SPI names it');
  await quiet(pair.net);
  t.same(await counts(pair), [1, 0, 0, 1, 0, 0]);

  await tunnel(pair);
  t.equal(await pair.b.km.clearIpsec({ kind: 'peer', address: ADDRESS_A }), 1, 'B clears by peer');
  await quiet(pair.net);
  t.same(await counts(pair), [1, 0, 0, 1, 0, 0]);

  await tunnel(pair);
  t.equal(await pair.a.km.clearIpsec({ kind: 'map', tag: 'VPN' }), 1, 'A clears by map');
  await quiet(pair.net);
  t.same(await counts(pair), [1, 0, 0, 1, 0, 0]);
});

t.test('clear crypto isakmp deletes the IKE SA at both ends; IPsec SAs stay', async (t) => {
  const pair = await keyManagerPair();
  t.teardown(() => pair.close());
  await tunnel(pair);
  const id = pair.a.km.connIds.ikeOf(pair.a.km.table.ikeSas()[0]);
  t.equal(id, 1001, 'IOS numbering');
  t.equal(await pair.a.km.clearIsakmp(4242), 0, 'an unknown conn-id clears nothing');
  t.equal(await pair.a.km.clearIsakmp(id), 1);
  await quiet(pair.net);
  t.same(await counts(pair), [0, 1, 2, 0, 1, 2]);
  t.equal(trafficAtoB(pair).verdict, 'protected', 'traffic still flows');
});

t.test('IPsec lifetime: a rekey before expiry keeps an SA in place, the old one goes at its end', async (t) => {
  const pair = await keyManagerPair({ a: { lifetimeSeconds: 300 } });
  t.teardown(() => pair.close());
  await tunnel(pair);
  const [first] = await sasFrom(pair.a.backend, ADDRESS_A, ADDRESS_B);
  const rekeyed = Promise.all([nextIpsecSa(pair.a), nextIpsecSa(pair.b)]);
  // The initiator's soft limit falls in 80-88% of the lifetime, the responder's in 90-95%.
  pair.clock.advance(266_000);
  await rekeyed;
  await quiet(pair.net);
  t.equal(pair.a.km.table.ipsecSas().length, 2, 'old and new bundle side by side until the old one expires');
  t.equal(pair.a.km.table.ikeSas().length, 1, 'under the same IKE SA');
  t.equal(trafficAtoB(pair).verdict, 'protected', 'no gap');
  pair.clock.advance(35_000);
  await quiet(pair.net);
  t.same(await counts(pair), [1, 1, 2, 1, 1, 2], 'the expired bundle is gone at both ends; B did not renew it again');
  const [now] = await sasFrom(pair.a.backend, ADDRESS_A, ADDRESS_B);
  t.not(now.spec.spi, first.spec.spi, 'a new SPI');
  t.equal(trafficAtoB(pair).verdict, 'protected');
  t.ok(logged(pair.a, 'rekeying the IPsec SA').length + logged(pair.b, 'rekeying the IPsec SA').length >= 1);
});

t.test('IKE lifetime: a new phase 1 before expiry, the old IKE SA deleted at its end', async (t) => {
  const pair = await keyManagerPair({ a: { policies: [{ lifetime: 600 }] } });
  t.teardown(() => pair.close());
  await tunnel(pair);
  const [old] = pair.a.km.table.ikeSas();
  // The initiator renews at 80-85% of the lifetime, the responder (if still needed) at 88-93%.
  pair.clock.advance(516_000);
  await until(() => pair.a.km.table.ikeSas().length === 2 && pair.b.km.table.ikeSas().length === 2, 5000, 'a second IKE SA');
  await quiet(pair.net);
  pair.clock.advance(90_000);
  await quiet(pair.net);
  t.equal(pair.a.km.table.ikeSas().length, 1, 'one IKE SA left at A');
  t.equal(pair.b.km.table.ikeSas().length, 1, 'and at B');
  t.not(pair.a.km.table.ikeSas()[0], old, 'the new one');
  t.equal(pair.a.km.table.ipsecSas().length, 1, 'the IPsec SA was not touched');
});

t.test('INITIAL-CONTACT: a rebooted peer makes B drop what it held', async (t) => {
  const pair = await rebootedA(t, gatewayPair().a);
  t.equal(pair.b.km.table.ikeSas().length, 1, 'B holds only the new IKE SA');
  t.equal(pair.b.km.table.ipsecSas().length, 1, 'and only the new bundle');
  t.equal((await pair.b.backend.listSas()).length, 2);
  t.ok(logged(pair.b, 'INITIAL-CONTACT').length > 0);
});

t.test('INITIAL-CONTACT from another identity at the same address leaves the first one\'s SAs', async (t) => {
  // The same host, now naming itself by FQDN: another identity, as a second charon connection.
  const pair = await rebootedA(t, gatewayPair({ identity: 'hostname' }).a);
  t.ok(logged(pair.b, 'INITIAL-CONTACT').length > 0, 'it said INITIAL-CONTACT');
  t.equal(pair.b.km.table.ikeSas().length, 2, 'B keeps the first identity\'s IKE SA');
  t.equal(pair.b.km.table.ipsecSas().length, 2, 'and its bundle');
});

t.test('shutdown sends Delete for every SA and leaves nothing in the kernel', async (t) => {
  const pair = await keyManagerPair();
  t.teardown(() => pair.close());
  await tunnel(pair);
  await pair.a.km.close();
  await quiet(pair.net);
  t.same((await pair.a.backend.listSas()).length, 0, 'A removed its SAs');
  t.same((await pair.a.backend.listPolicies()).length, 0, 'and its policies');
  t.same(await counts(pair), [0, 0, 0, 0, 0, 0], 'B removed the SAs A deleted');
});

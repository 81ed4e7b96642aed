/**
 * The key manager end to end between two in-process gateways: traffic needing a tunnel
 * (ACQUIRE from the memory backend) starts Main Mode and Quick Mode, both backends hold
 * the same SAs crosswise, and traffic is protected afterwards.
 */
import t from 'tap';
import { ADDRESS_A, ADDRESS_B } from './helpers/ike-exchange-harness';
import { keyManagerPair, nextIpsecSa, quiet, sasFrom, trafficAtoB, until, type Pair } from './helpers/key-manager-pair';

/** Every SA of A towards B is one of B's from A with the same SPI, algorithms and keys, and the other way. */
async function crossMatch(t: Tap.Test, pair: Pair): Promise<void> {
  for (const [from, to, fromAddress, toAddress] of [[pair.a, pair.b, ADDRESS_A, ADDRESS_B], [pair.b, pair.a, ADDRESS_B, ADDRESS_A]] as const) {
    const out = await sasFrom(from.backend, fromAddress, toAddress);
    const theirs = await sasFrom(to.backend, fromAddress, toAddress);
    t.ok(out.length > 0, `${fromAddress} has outbound SAs`);
    t.equal(theirs.length, out.length, 'the peer has as many inbound SAs');
    for (const sa of out) {
      const twin = theirs.find((x) => x.spec.spi === sa.spec.spi && x.spec.proto === sa.spec.proto);
      t.ok(twin, `SPI 0x${sa.spec.spi.toString(16)} is installed at both ends`);
      t.same(twin?.spec.encryption, sa.spec.encryption, 'same cipher and key');
      t.same(twin?.spec.integrity, sa.spec.integrity, 'same integrity algorithm and key');
      t.equal(twin?.spec.mode, sa.spec.mode);
    }
  }
}

t.test('ACQUIRE starts Main Mode and Quick Mode; the SAs match crosswise and protect traffic', async (t) => {
  const pair = await keyManagerPair();
  t.teardown(() => pair.close());
  const installed = Promise.all([nextIpsecSa(pair.a), nextIpsecSa(pair.b)]);
  t.equal(trafficAtoB(pair).verdict, 'acquire', 'no SA yet: the packet waits for IKE');
  await installed;
  await quiet(pair.net);

  t.equal(pair.a.km.table.ikeSas().length, 1, 'A holds one IKE SA');
  t.equal(pair.b.km.table.ikeSas().length, 1, 'B holds one IKE SA');
  t.equal(pair.a.km.table.ikeSas()[0].role, 'initiator');
  t.equal(pair.a.km.table.ikeSas()[0].exchange, 'main', 'an address key means Main Mode');
  await crossMatch(t, pair);
  const sa = (await sasFrom(pair.a.backend, ADDRESS_A, ADDRESS_B))[0];
  t.equal(sa.spec.encryption?.name, 'cbc(aes)');
  t.equal(sa.spec.integrity?.name, 'hmac(sha1)');
  t.equal(sa.spec.mode, 'tunnel');
  t.equal(sa.spec.lifetimes.hardSeconds, 3600, 'the IOS default lifetime');
  t.ok((sa.spec.lifetimes.softSeconds ?? 0) < 3600, 'a soft limit before it, for the rekey');
  t.equal(sa.spec.lifetimes.hardBytes, 4608000 * 1024);

  const verdict = trafficAtoB(pair);
  t.equal(verdict.verdict, 'protected', 'the next packet goes through the SA');
  const counted = await pair.a.backend.getSa({ src: ADDRESS_A, dst: ADDRESS_B, proto: 'esp', spi: sa.spec.spi });
  t.equal(counted.counters.packets, 1);
  t.equal(counted.counters.bytes, 100);
});

t.test('the responder of a Quick Mode installs the same SAs when B starts it', async (t) => {
  const pair = await keyManagerPair();
  t.teardown(() => pair.close());
  const installed = Promise.all([nextIpsecSa(pair.a), nextIpsecSa(pair.b)]);
  t.equal(pair.b.backend.simulateTraffic({ src: '10.2.0.7', dst: '10.1.0.5', proto: 1 }).verdict, 'acquire');
  await installed;
  await quiet(pair.net);
  t.equal(pair.b.km.table.ikeSas()[0].role, 'initiator');
  await crossMatch(t, pair);
});

t.test('a second flow reuses the IKE SA: one phase 1, two Quick Modes', async (t) => {
  const pair = await keyManagerPair({
    edit: (a, b) => {
      a.accessLists['101'].push({ action: 'permit', protocol: 'ip', source: { kind: 'host', address: '10.9.0.1' }, destination: { kind: 'host', address: '10.8.0.1' } });
      b.accessLists['101'].push({ action: 'permit', protocol: 'ip', source: { kind: 'host', address: '10.8.0.1' }, destination: { kind: 'host', address: '10.9.0.1' } });
    },
  });
  t.teardown(() => pair.close());
  // Both packets leave before any IKE message: the second Quick Mode waits for the same phase 1.
  trafficAtoB(pair);
  pair.a.backend.simulateTraffic({ src: '10.9.0.1', dst: '10.8.0.1', proto: 1 });
  await until(() => pair.a.km.table.ipsecSas().length === 2 && pair.b.km.table.ipsecSas().length === 2, 5000, 'two bundles');
  await quiet(pair.net);
  t.equal(pair.a.km.table.ikeSas().length, 1, 'one IKE SA');
  t.equal(pair.b.km.table.ikeSas().length, 1);
  t.equal(pair.a.backend.simulateTraffic({ src: '10.9.0.1', dst: '10.8.0.1', proto: 1 }).verdict, 'protected');
  t.equal(trafficAtoB(pair).verdict, 'protected');
});

t.test('aggressive mode with a hostname key', async (t) => {
  const pair = await keyManagerPair({
    a: { key: null, identity: 'hostname' },
    b: { key: null, identity: 'hostname' },
    edit: (a, b) => {
      a.hosts.push({ name: 'gwb.example.net', addresses: [ADDRESS_B] });
      a.isakmp.keys.push({ key: 'by-name', target: { kind: 'hostname', hostname: 'gwb.example.net' }, noXauth: false });
      b.isakmp.keys.push({ key: 'by-name', target: { kind: 'hostname', hostname: 'gwa.example.net' }, noXauth: false });
    },
  });
  t.teardown(() => pair.close());
  const installed = Promise.all([nextIpsecSa(pair.a), nextIpsecSa(pair.b)]);
  trafficAtoB(pair);
  await installed;
  await quiet(pair.net);
  t.equal(pair.a.km.table.ikeSas()[0].exchange, 'aggressive', 'only a hostname key: Aggressive Mode');
  t.equal(pair.b.km.table.ikeSas()[0].exchange, 'aggressive');
  await crossMatch(t, pair);
  t.equal(trafficAtoB(pair).verdict, 'protected');
});

t.test('PFS and several transform sets: the first acceptable set is used', async (t) => {
  const sets = [
    { name: 'GCM', transforms: [{ name: 'esp-gcm' as const, keyBits: 256 }] },
    { name: 'SHA2', transforms: [{ name: 'esp-aes' as const, keyBits: 256 }, { name: 'esp-sha256-hmac' as const }] },
  ];
  const pair = await keyManagerPair({ a: { pfs: 14, transformSets: sets }, b: { pfs: 14, transformSets: [sets[1]] } });
  t.teardown(() => pair.close());
  const installed = Promise.all([nextIpsecSa(pair.a), nextIpsecSa(pair.b)]);
  trafficAtoB(pair);
  await installed;
  await quiet(pair.net);
  const sa = (await sasFrom(pair.a.backend, ADDRESS_A, ADDRESS_B))[0];
  t.equal(sa.spec.encryption?.name, 'cbc(aes)');
  t.equal(sa.spec.encryption?.key.length, 32, 'AES-256');
  t.equal(sa.spec.integrity?.name, 'hmac(sha256)');
  t.equal(pair.a.km.table.ipsecSas()[0].pfsGroup, 14);
  await crossMatch(t, pair);
});

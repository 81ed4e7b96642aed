/**
 * Two ikegated gateways in two network namespaces, real UDP 500/4500 on a veth, configured as
 * the seed's site-to-site example and driven by `ikegate -c`: a ping from one inside network
 * to the other starts Main Mode (or Aggressive Mode with hostname keys) and Quick Mode, and
 * both ends must then report one tunnel whose SPIs cross-match and whose algorithms are the
 * configured ones: Main Mode, Aggressive Mode with hostname keys, PFS off and on, different
 * lifetimes (the seed's rule), several transform sets. A wire probe (nftables counters)
 * confirms which exchanges really ran.
 * The full encryption x hash x group matrix is test/ike-netns-matrix.test.ts; mismatches and
 * wrong keys are test/ike-netns-mismatch.test.ts and test/ike-netns-wrong-key.test.ts.
 * Needs root, `ip netns` and nft; spawns dist/ (`npm run build:ts` first).
 */
import t from 'tap';
import { missingBuild, nsTestsUnavailable } from './fixtures/ikegated-ns';
import { displayTransforms } from './fixtures/ikegated-ns-config';
import { defaultPair, gatewayPair, hostnameKeyed, LAN_A, LAN_B, pingCommand, siteToSite } from './fixtures/ikegated-ns-lab';
import { IsakmpProbe } from './fixtures/ikegated-ns-probe';
import { parseIpsecSa, parsePing } from './fixtures/ikegated-ns-show';
import { checkTunnel, poll, waitTunnel } from './fixtures/ikegated-ns-tunnel';

/** A negotiation between two idle daemons on one host takes well under a second; this allows a loaded CI machine. */
const UP_MS = 15_000;

const skip = nsTestsUnavailable();
const build = missingBuild();
if (skip) t.plan(0, skip);
else if (build) t.fail(build);
else {
  // A failing negotiation waits out its ping and its 15 s deadline: the default 2 minutes would cut the report short.
  t.setTimeout(240_000);
  t.test('Main Mode + Quick Mode started by ping: both ends agree on SPIs and algorithms', async (t) => {
    const pair = await defaultPair(t);
    const probes = await Promise.all([IsakmpProbe.install(pair.link.a.ns), IsakmpProbe.install(pair.link.b.ns)]);
    const started = Date.now();
    const out = await pair.a.run([pingCommand(LAN_A, LAN_B)]);
    const ping = parsePing(out);
    t.ok(ping !== undefined && ping.sent === 5, 'ping prints the IOS summary for its 5 packets', { out });
    const [va, vb] = await Promise.all([waitTunnel(pair.a, pair.link.b.address, UP_MS), waitTunnel(pair.b, pair.link.a.address, UP_MS)]);
    t.comment(`tunnel up on both ends ${Date.now() - started} ms after the ping started`);
    checkTunnel(t, 'Main Mode', { name: 'a', view: va }, { name: 'b', view: vb }, {
      transforms: ['esp-256-aes', 'esp-sha-hmac'], ike: { encryption: 'aes 256', hash: 'sha256', group: 14 }, pfs: false, port: 500, encaps: false,
    });

    const again = parsePing(await pair.a.run([pingCommand(LAN_A, LAN_B)]));
    t.equal(again?.percent, 100, 'with the tunnel up, the next ping succeeds: 100 percent', { again });

    const [ca, cb] = await Promise.all(probes.map((p) => p.read()));
    t.equal(ca.exchanges.aggressive.packets + cb.exchanges.aggressive.packets, 0, 'no Aggressive Mode on the wire');
    t.equal(ca.exchanges.main.packets, 3, 'a sent Main Mode messages 1, 3 and 5, once each');
    t.equal(cb.exchanges.main.packets, 3, 'b answered with messages 2, 4 and 6');
    t.equal(ca.exchanges.quick.packets, 2, 'a sent Quick Mode messages 1 and 3; the second ping negotiated nothing');
    t.equal(cb.exchanges.quick.packets, 1, 'b sent Quick Mode message 2');
  });

  t.test('Aggressive Mode with hostname keys (identity hostname, ip host, key by hostname)', async (t) => {
    // Each end knows the other only by name: its key is tied to the peer's FQDN, so Main Mode
    // cannot pick it before the ID arrives and the seed says the initiator uses Aggressive Mode.
    const pair = await gatewayPair(t, (link) => [
      hostnameKeyed(siteToSite(link.a, link.b, LAN_A, LAN_B), 'ra', 'rb', link.b.address),
      hostnameKeyed(siteToSite(link.b, link.a, LAN_B, LAN_A), 'rb', 'ra', link.a.address),
    ]);
    const probes = await Promise.all([IsakmpProbe.install(pair.link.a.ns), IsakmpProbe.install(pair.link.b.ns)]);
    await pair.a.run([pingCommand(LAN_A, LAN_B)]);
    const [va, vb] = await Promise.all([waitTunnel(pair.a, pair.link.b.address, UP_MS), waitTunnel(pair.b, pair.link.a.address, UP_MS)]);
    checkTunnel(t, 'Aggressive Mode', { name: 'a', view: va }, { name: 'b', view: vb }, {
      transforms: ['esp-256-aes', 'esp-sha-hmac'], ike: { encryption: 'aes 256', hash: 'sha256', group: 14 }, port: 500,
    });
    const [ca, cb] = await Promise.all(probes.map((p) => p.read()));
    t.equal(ca.exchanges.main.packets + cb.exchanges.main.packets, 0, 'no Main Mode on the wire');
    t.equal(ca.exchanges.aggressive.packets, 2, 'a sent Aggressive Mode messages 1 and 3');
    t.equal(cb.exchanges.aggressive.packets, 1, 'b answered with message 2');
  });

  t.test('PFS off, then on (set pfs group14 on both ends): Quick Mode carries two DH values more', async (t) => {
    const pair = await defaultPair(t);
    const probes = await Promise.all([IsakmpProbe.install(pair.link.a.ns), IsakmpProbe.install(pair.link.b.ns)]);
    const qmBytes = async (): Promise<{ bytes: number; packets: number }> => {
      const [ca, cb] = await Promise.all(probes.map((p) => p.read()));
      return { bytes: ca.exchanges.quick.bytes + cb.exchanges.quick.bytes, packets: ca.exchanges.quick.packets + cb.exchanges.quick.packets };
    };
    const ends = (): Promise<[Awaited<ReturnType<typeof waitTunnel>>, Awaited<ReturnType<typeof waitTunnel>>]> =>
      Promise.all([waitTunnel(pair.a, pair.link.b.address, UP_MS), waitTunnel(pair.b, pair.link.a.address, UP_MS)]);
    const expect = { transforms: ['esp-256-aes', 'esp-sha-hmac'], port: 500 };

    await pair.a.run([pingCommand(LAN_A, LAN_B)]);
    const [a1, b1] = await ends();
    checkTunnel(t, 'no PFS', { name: 'a', view: a1 }, { name: 'b', view: b1 }, { ...expect, pfs: false });
    const withoutPfs = await qmBytes();

    const pfs = ['crypto map VPN 10 ipsec-isakmp', 'set pfs group14', 'exit'];
    await Promise.all([pair.a.configure(pfs), pair.b.configure(pfs)]);
    for (const d of [pair.a, pair.b]) t.match(await d.runningConfig(), /^\s*set pfs group14$/m, `${d.ns.label}: running-config shows set pfs group14`);
    // clear crypto sa deletes the IPsec SAs on both ends (Delete payload) and keeps the ISAKMP
    // SA, so the next ping runs Quick Mode alone, now with PFS.
    await pair.a.run(['clear crypto sa']);
    await poll('IPsec SAs deleted on b', async () => {
      const views = parseIpsecSa(await pair.b.run([`show crypto ipsec sa peer ${pair.link.a.address}`]));
      return views.every((v) => v.inbound.length + v.outbound.length === 0) ? true : undefined;
    }, 5_000, () => pair.b.logTail());
    await pair.a.run([pingCommand(LAN_A, LAN_B)]);
    const [a2, b2] = await ends();
    checkTunnel(t, 'PFS group14', { name: 'a', view: a2 }, { name: 'b', view: b2 }, { ...expect, pfs: 'group14' });
    t.not(a2.ipsec[0]?.outbound[0]?.spi, a1.ipsec[0]?.outbound[0]?.spi, 'new SAs after the clear');
    const total = await qmBytes();
    const withPfs = { bytes: total.bytes - withoutPfs.bytes, packets: total.packets - withoutPfs.packets };
    t.equal(withPfs.packets, withoutPfs.packets, 'the same three Quick Mode messages');
    // Group 14's g^x is 256 octets: QM1 and QM2 each carry a KE payload with one.
    t.ok(withPfs.bytes - withoutPfs.bytes >= 2 * 256, `Quick Mode grew by ${withPfs.bytes - withoutPfs.bytes} bytes (>= 512: two KE payloads)`,
      { withoutPfs, withPfs });
  });

  t.test('lifetimes differ: the initiator offers 86400 s, the responder has 3600 s; the shorter one is used on both ends', async (t) => {
    // Seed, "IKE Peers Agreeing Upon a Matching IKE Policy": the remote peer (the responder)
    // matches when its own policy's lifetime is less than or equal to the offered one, and
    // the shorter lifetime, the responder's, is used (announced with RESPONDER-LIFETIME).
    const suite = { priority: 10, encryption: 'aes 256', hash: 'sha256', group: 14 } as const;
    const pair = await defaultPair(t, { policies: [suite] }, { policies: [{ ...suite, lifetime: 3600 }] });
    await pair.a.run([pingCommand(LAN_A, LAN_B)]);
    const [va, vb] = await Promise.all([waitTunnel(pair.a, pair.link.b.address, UP_MS), waitTunnel(pair.b, pair.link.a.address, UP_MS)]);
    checkTunnel(t, 'a: 86400 s, b: 3600 s', { name: 'a', view: va }, { name: 'b', view: vb }, {
      transforms: ['esp-256-aes', 'esp-sha-hmac'], ike: { encryption: 'aes 256', hash: 'sha256', group: 14 },
    });
    for (const [name, v] of [['a', va], ['b', vb]] as const) {
      const left = v.detail[0]?.lifetime;
      t.ok(left !== undefined && left <= 3600 && left > 3600 - 60, `${name}: the ISAKMP SA has the shorter lifetime (${left} s left of 3600)`, { text: v.text });
    }
  });

  t.test('several transform sets: the responder accepts the one proposal it has a set for', async (t) => {
    const offered = { T1: 'esp-3des esp-md5-hmac', T2: 'esp-aes 256 esp-sha256-hmac', T3: 'esp-aes esp-sha-hmac' };
    const accepted = { B1: 'esp-des esp-md5-hmac', B2: 'esp-aes 256 esp-sha256-hmac' };
    const pair = await defaultPair(t, { transformSets: offered }, { transformSets: accepted });
    await pair.a.run([pingCommand(LAN_A, LAN_B)]);
    const [va, vb] = await Promise.all([waitTunnel(pair.a, pair.link.b.address, UP_MS), waitTunnel(pair.b, pair.link.a.address, UP_MS)]);
    checkTunnel(t, 'three sets offered, one acceptable', { name: 'a', view: va }, { name: 'b', view: vb }, {
      transforms: displayTransforms(offered.T2),
    });
  });
}

/**
 * Rekeying without a gap, between two ikegated in namespaces: the shortest lifetimes the CLI
 * allows (ISAKMP policy `lifetime 60`, crypto map `set security-association lifetime seconds
 * 120`), the tunnel started by a ping, then both ends sampled as often as an `ikegate -c`
 * call allows until the first IPsec SAs are past their hard lifetime (every second of it, in
 * fake time, is test/key-manager-rekey.test.ts). Each end must always hold an outbound ESP SA;
 * a new IKE SA and a new IPsec SA must appear while the ones they replace still stand; the
 * replaced ones must be gone at the end, and both ends must agree on the SPIs in use.
 * Needs root, `ip netns` and nft; spawns dist/ (`npm run build:ts` first).
 */
import t from 'tap';
import { missingBuild, nsTestsUnavailable, type NsDaemon } from './fixtures/ikegated-ns';
import { gatewayPair, LAN_A, LAN_B, pingCommand, siteToSite } from './fixtures/ikegated-ns-lab';
import { isEstablished } from './fixtures/ikegated-ns-show';
import { viewOf, waitTunnel, type GatewayView } from './fixtures/ikegated-ns-tunnel';

const IKE_LIFETIME = 60;
const IPSEC_LIFETIME = 120;
const UP_MS = 15_000;
/** Past the first IPsec SAs' hard lifetime, with room for the expiry to be acted on. */
const WATCH_MS = (IPSEC_LIFETIME + 8) * 1000;

interface Sample {
  readonly at: number;
  /** Connection IDs of established ISAKMP SAs. */
  readonly ike: number[];
  readonly outbound: number[];
  readonly inbound: number[];
}

function sampleOf(v: GatewayView, at: number): Sample {
  return {
    at,
    ike: v.isakmp.filter(isEstablished).map((r) => r.connId),
    outbound: v.ipsec.flatMap((p) => p.outbound.map((s) => s.spi)),
    inbound: v.ipsec.flatMap((p) => p.inbound.map((s) => s.spi)),
  };
}

/** Did some sample hold `older` and `newer` at once (the new one came before the old went)? */
function overlapped(samples: readonly Sample[], pick: (s: Sample) => number[], older: number, newer: number): boolean {
  return samples.some((s) => pick(s).includes(older) && pick(s).includes(newer));
}

function firstSeen(samples: readonly Sample[], pick: (s: Sample) => number[]): number[] {
  const order: number[] = [];
  for (const s of samples) for (const v of pick(s)) if (!order.includes(v)) order.push(v);
  return order;
}

const hex = (spi: number): string => `0x${spi.toString(16).padStart(8, '0')}`;

const skip = nsTestsUnavailable();
const build = missingBuild();
if (skip) t.plan(0, skip);
else if (build) t.fail(build);
else {
  t.setTimeout(WATCH_MS + 90_000);
  t.test(`IKE lifetime ${IKE_LIFETIME} s, IPsec lifetime ${IPSEC_LIFETIME} s: rekeyed with no moment without an outbound SA`, async (t) => {
    const policies = [{ priority: 10, encryption: 'aes 256' as const, hash: 'sha256' as const, group: 14 as const, lifetime: IKE_LIFETIME }];
    const pair = await gatewayPair(t, (link) => [
      siteToSite(link.a, link.b, LAN_A, LAN_B, { policies }),
      siteToSite(link.b, link.a, LAN_B, LAN_A, { policies }),
    ]);
    const lifetime = ['crypto map VPN 10', `set security-association lifetime seconds ${IPSEC_LIFETIME}`, 'exit'];
    await Promise.all([pair.a.configure(lifetime), pair.b.configure(lifetime)]);
    await pair.a.run([pingCommand(LAN_A, LAN_B)]);
    const started = Date.now();
    await Promise.all([waitTunnel(pair.a, pair.link.b.address, UP_MS), waitTunnel(pair.b, pair.link.a.address, UP_MS)]);

    const ends: Array<{ name: string; d: NsDaemon; peer: string; samples: Sample[] }> = [
      { name: 'a', d: pair.a, peer: pair.link.b.address, samples: [] },
      { name: 'b', d: pair.b, peer: pair.link.a.address, samples: [] },
    ];
    const gaps: string[] = [];
    while (Date.now() - started < WATCH_MS) {
      const views = await Promise.all(ends.map(async (e) => viewOf(await e.d.run(['show crypto isakmp sa', `show crypto ipsec sa peer ${e.peer}`]), e.d.address, e.peer)));
      views.forEach((v, i) => {
        const end = ends[i] as (typeof ends)[number];
        const s = sampleOf(v, Date.now() - started);
        end.samples.push(s);
        if (s.outbound.length === 0) gaps.push(`${end.name} at ${s.at} ms:\n${v.text}`);
      });
      await new Promise((r) => setTimeout(r, 250));
    }
    t.comment(`${ends[0]?.samples.length} samples per end over ${WATCH_MS / 1000} s`);
    t.same(gaps, [], 'every sample of each end shows an outbound ESP SA');

    for (const end of ends) {
      const ikes = firstSeen(end.samples, (s) => s.ike);
      t.ok(ikes.length >= 2, `${end.name}: the IKE SA was rekeyed (conn-ids ${ikes.join(', ')})`);
      if (ikes.length >= 2) {
        const [first, second] = ikes as [number, number];
        t.ok(overlapped(end.samples, (s) => s.ike, first, second), `${end.name}: IKE SA ${second} was up before ${first} expired`);
        const last = end.samples.at(-1) as Sample;
        t.notOk(last.ike.includes(first), `${end.name}: the first IKE SA is gone at the end`);
      }
      const spis = firstSeen(end.samples, (s) => s.outbound);
      t.ok(spis.length >= 2, `${end.name}: the IPsec SA was rekeyed (outbound ${spis.map(hex).join(', ')})`);
      if (spis.length >= 2) {
        const [first, second] = spis as [number, number];
        t.ok(overlapped(end.samples, (s) => s.outbound, first, second), `${end.name}: outbound ${hex(second)} was installed before ${hex(first)} expired`);
        const last = end.samples.at(-1) as Sample;
        t.notOk(last.outbound.includes(first), `${end.name}: the first outbound SA is gone at the end`);
        const at = end.samples.find((s) => s.outbound.includes(second))?.at ?? NaN;
        t.comment(`${end.name}: new outbound SA first seen ${at} ms after the tunnel came up`);
      }
    }
    const [a, b] = ends.map((e) => e.samples.at(-1) as Sample) as [Sample, Sample];
    t.same([...a.outbound].sort(), [...b.inbound].sort(), 'A\'s outbound SPIs are B\'s inbound ones at the end');
    t.same([...b.outbound].sort(), [...a.inbound].sort(), 'and the other way round');
    t.match(pair.a.log() + pair.b.log(), /rekeying the IPsec SA with/, 'an IPsec rekey was logged');
  });
}

/**
 * IPsec SA rekey against strongSwan's charon, each role in turn, with no moment without an
 * SA: ikegate initiating (a ping) with the shortest lifetime its CLI allows (120 s), so it
 * renews at 80-88% and deletes the old SA at expiry; then charon initiating with its CHILD_SA
 * renewed within a minute (rekey_time 60 s, life_time 90 s), ikegate answering the new Quick
 * Mode under the same IKE SA; charon keeps a renewed CHILD_SA (REKEYED) until its life_time
 * ends, and ikegate, holding charon's shorter lifetime, expires its bundle then too. Both ends
 * are sampled as often as `ikegate -c` and `swanctl --list-sas` allow: ikegate must always
 * show an outbound ESP SA and charon a CHILD_SA in use; a new SA must appear while the old one
 * stands; at the end the first SPIs are gone from both and both hold the same SPIs.
 * Needs root, `ip netns`, nft and strongSwan (bash scripts/setup); spawns dist/.
 */
import t from 'tap';
import { charonUnavailable, type ChildSa, type IkeSa } from './helpers/charon';
import { missingBuild, nsTestsUnavailable } from './fixtures/ikegated-ns';
import { CHARON_LAN, CHARON_NET, GW_LAN, GW_NET, interopLab, PSK, SUITES, type InteropLab, type Suite } from './fixtures/ikegated-ns-interop';
import { pingCommand, siteToSite } from './fixtures/ikegated-ns-lab';
import { hexSpi, parseIpsecSa } from './fixtures/ikegated-ns-show';
import { waitTunnel } from './fixtures/ikegated-ns-tunnel';

const GW_LIFETIME = 120;
const UP_MS = 20_000;

interface Sample {
  readonly at: number;
  /** ikegate's outbound and inbound ESP SPIs, as charon prints them. */
  readonly gwOut: string[];
  readonly gwIn: string[];
  /** charon's CHILD_SAs with SAs in its kernel (installedChildren). */
  readonly children: ChildSa[];
}

/** CHILD_SAs with their SAs in charon's kernel: in use, being renewed, or renewed and not yet expired. */
function installedChildren(sas: readonly IkeSa[]): ChildSa[] {
  return sas.filter((s) => s.state === 'ESTABLISHED').flatMap((s) => s.children.filter((c) => ['INSTALLED', 'REKEYING', 'REKEYED'].includes(c.state)));
}

/** A CHILD_SA charon sends with: not yet replaced by a newer one. */
const inUse = (c: ChildSa): boolean => c.state === 'INSTALLED' || c.state === 'REKEYING';

function firstSeen(samples: readonly Sample[], pick: (s: Sample) => string[]): string[] {
  const order: string[] = [];
  for (const s of samples) for (const v of pick(s)) if (!order.includes(v)) order.push(v);
  return order;
}

/** Both ends' listings, taken together, and the raw output for a failure report. */
async function takeSample(lab: InteropLab, peer: string, started: number): Promise<{ sample: Sample; seen: string }> {
  const [text, sas] = await Promise.all([lab.gw.run([`show crypto ipsec sa peer ${peer}`]), lab.charon.listSas()]);
  const views = parseIpsecSa(text).filter((v) => v.peer === peer);
  const sample: Sample = {
    at: Date.now() - started,
    gwOut: views.flatMap((v) => v.outbound.map((x) => hexSpi(x.spi))),
    gwIn: views.flatMap((v) => v.inbound.map((x) => hexSpi(x.spi))),
    children: installedChildren(sas),
  };
  return { sample, seen: `${text}\ncharon: ${JSON.stringify(sas)}` };
}

const sorted = (a: readonly string[]): string => [...a].sort().join(' ');

const skip = nsTestsUnavailable() ?? charonUnavailable();
const build = missingBuild();
if (skip) t.plan(0, skip);
else if (build) t.fail(build);
else {
  t.setTimeout(2 * (GW_LIFETIME + 60) * 1000);
  const s = SUITES[0] as Suite;
  const cases = [
    { title: `ikegate initiates, lifetime ${GW_LIFETIME} s: it renews and deletes the old SA`, charonInitiates: false, watchS: GW_LIFETIME + 8 },
    { title: 'charon initiates, rekey_time 60 s: ikegate answers the renewal', charonInitiates: true, watchS: 100 },
  ];
  for (const c of cases) {
    t.test(c.title, async (t) => {
      const lab = await interopLab(t, (link) => siteToSite(link.a, link.b, GW_LAN, CHARON_LAN, { policies: [s.policy], key: PSK, transformSets: { TS: s.transforms } }));
      await lab.gw.configure(['crypto map VPN 10', `set security-association lifetime seconds ${GW_LIFETIME}`, 'exit']);
      const peer = lab.link.b.address;
      await lab.charon.loadConfig([{
        name: 'gw', psk: PSK, localAddrs: peer, remoteAddrs: lab.link.a.address, localId: peer, remoteId: lab.link.a.address, ikeProposal: s.ike,
        children: [{ name: 'net', espProposal: s.esp, localTs: CHARON_NET, remoteTs: GW_NET, ...(c.charonInitiates ? { rekeyTime: 60, lifeTime: 90 } : {}) }],
      }]);
      if (c.charonInitiates) await lab.charon.initiate('net', { ike: 'gw', timeoutMs: UP_MS });
      else await lab.gw.run([pingCommand(GW_LAN, CHARON_LAN)]);
      const started = Date.now();
      await waitTunnel(lab.gw, peer, UP_MS);
      await lab.charon.waitFor('an installed CHILD_SA', (sas) => (installedChildren(sas).some(inUse) ? true : undefined), UP_MS);

      const samples: Sample[] = [];
      const gaps: string[] = [];
      let lastSeen = '';
      while (Date.now() - started < c.watchS * 1000) {
        const { sample, seen } = await takeSample(lab, peer, started);
        samples.push(sample);
        lastSeen = seen;
        if (sample.gwOut.length === 0) gaps.push(`ikegate at ${sample.at} ms:\n${seen}`);
        if (!sample.children.some(inUse)) gaps.push(`charon at ${sample.at} ms:\n${seen}`);
        await new Promise((r) => setTimeout(r, 250));
      }
      t.comment(`${samples.length} samples over ${c.watchS} s`);
      t.same(gaps, [], 'ikegate always had an outbound ESP SA and charon a CHILD_SA in use');
      const outs = firstSeen(samples, (x) => x.gwOut);
      t.ok(outs.length >= 2, `ikegate's outbound SA was renewed (${outs.join(', ')})`, { log: lab.gw.logTail() });
      if (outs.length >= 2) {
        const [first, second] = outs as [string, string];
        t.ok(samples.some((x) => x.gwOut.includes(first) && x.gwOut.includes(second)), `${second} was installed before ${first} went`);
        const seen = samples.find((x) => x.gwOut.includes(second))?.at;
        t.comment(`new outbound SA first seen ${seen} ms after the tunnel came up`);
        const end = samples.at(-1) as Sample;
        t.notOk(end.gwOut.includes(first), 'the old outbound SA is gone from ikegate at the end');
        t.notOk(end.children.some((ch) => ch.spiIn === first), 'and from charon');
      }
      // The two listings are not taken at the same instant: a renewal or an expiry between
      // them is allowed for a few seconds before the ends must agree.
      let last = samples.at(-1) as Sample;
      const agree = (x: Sample): boolean => sorted(x.children.map((ch) => ch.spiIn)) === sorted(x.gwOut) && sorted(x.children.map((ch) => ch.spiOut)) === sorted(x.gwIn);
      for (let i = 0; i < 20 && !agree(last); i++) {
        await new Promise((r) => setTimeout(r, 500));
        ({ sample: last, seen: lastSeen } = await takeSample(lab, peer, started));
      }
      t.same(last.children.map((ch) => ch.spiIn).sort(), [...last.gwOut].sort(), 'ikegate\'s outbound SPIs are charon\'s inbound ones at the end', { lastSeen });
      t.same(last.children.map((ch) => ch.spiOut).sort(), [...last.gwIn].sort(), 'and the other way round', { lastSeen, log: lab.gw.logTail(60) });
    });
  }
}

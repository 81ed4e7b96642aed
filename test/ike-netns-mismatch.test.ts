/**
 * Two ikegated gateways in two namespaces whose configurations do not fit: with no common IKE
 * policy the responder answers Main Mode message 1 with NO-PROPOSAL-CHOSEN, with no common
 * transform set it answers Quick Mode message 1 so; the initiator reports it, the ping fails,
 * and neither end keeps a half-built SA.
 * Needs root, `ip netns` and nft; spawns dist/ (`npm run build:ts` first).
 */
import t from 'tap';
import { missingBuild, nsTestsUnavailable } from './fixtures/ikegated-ns';
import { defaultPair, LAN_A, LAN_B, pingCommand } from './fixtures/ikegated-ns-lab';
import { IsakmpProbe } from './fixtures/ikegated-ns-probe';
import { isEstablished, parsePing } from './fixtures/ikegated-ns-show';
import { gatewayView, poll, waitNoSa } from './fixtures/ikegated-ns-tunnel';

/** However the daemon spells the notify type in its log (RFC 2408 writes NO-PROPOSAL-CHOSEN). */
const NO_PROPOSAL = /NO[-_ ]PROPOSAL[-_ ]CHOSEN/i;
/** The notification arrives within a round trip; the clean-up follows it at once. */
const NOTICE_MS = 10_000;

const skip = nsTestsUnavailable();
const build = missingBuild();
if (skip) t.plan(0, skip);
else if (build) t.fail(build);
else {
  t.test('no common IKE policy: NO-PROPOSAL-CHOSEN, the ping fails, no SA on either end', async (t) => {
    const pair = await defaultPair(t,
      { policies: [{ priority: 10, encryption: 'aes 256', hash: 'sha256', group: 14 }] },
      // Each differs from a's in one attribute only: hash, then group.
      { policies: [{ priority: 10, encryption: 'aes 256', hash: 'sha', group: 14 }, { priority: 20, encryption: 'aes 256', hash: 'sha256', group: 5 }] });
    const [pa, pb] = await Promise.all([IsakmpProbe.install(pair.link.a.ns), IsakmpProbe.install(pair.link.b.ns)]);
    const out = await pair.a.run([pingCommand(LAN_A, LAN_B, 2)]);
    t.equal(parsePing(out)?.percent, 0, 'no tunnel, so the ping fails: 0 percent', { out });
    await poll('NO-PROPOSAL-CHOSEN in a\'s log', async () => (NO_PROPOSAL.test(pair.a.log()) ? true : undefined), NOTICE_MS, () => pair.a.logTail());
    t.pass('the initiator logged NO-PROPOSAL-CHOSEN');
    const [ca, cb] = await Promise.all([pa.read(), pb.read()]);
    t.ok(cb.notifies['NO-PROPOSAL-CHOSEN'].packets >= 1, 'b answered with a plaintext NO-PROPOSAL-CHOSEN notification', { b: cb });
    t.equal(cb.exchanges.main.packets, 0, 'b accepted no proposal (sent no Main Mode message 2)', { b: cb });
    t.equal(ca.exchanges.quick.packets + cb.exchanges.quick.packets, 0, 'no Quick Mode');
    const waits = await Promise.all([waitNoSa(pair.a, pair.link.b.address, NOTICE_MS), waitNoSa(pair.b, pair.link.a.address, NOTICE_MS)]);
    t.pass(`no ISAKMP or IPsec SA left on a (after ${waits[0]} ms) nor on b (after ${waits[1]} ms)`);
  });

  t.test('no common transform set: phase 1 completes, Quick Mode ends in NO-PROPOSAL-CHOSEN, no IPsec SA', async (t) => {
    const pair = await defaultPair(t, { transformSets: { TA: 'esp-aes 256 esp-sha256-hmac' } }, { transformSets: { TB: 'esp-3des esp-md5-hmac' } });
    const [pa, pb] = await Promise.all([IsakmpProbe.install(pair.link.a.ns), IsakmpProbe.install(pair.link.b.ns)]);
    const out = await pair.a.run([pingCommand(LAN_A, LAN_B, 2)]);
    t.equal(parsePing(out)?.percent, 0, 'no IPsec SA, so the ping fails: 0 percent', { out });
    await poll('NO-PROPOSAL-CHOSEN in a\'s log', async () => (NO_PROPOSAL.test(pair.a.log()) ? true : undefined), NOTICE_MS, () => pair.a.logTail());
    t.pass('the initiator logged NO-PROPOSAL-CHOSEN');
    const [ca, cb] = await Promise.all([pa.read(), pb.read()]);
    t.equal(cb.exchanges.main.packets, 3, 'phase 1 ran to its end (b sent Main Mode messages 2, 4, 6)', { b: cb });
    t.ok(ca.exchanges.quick.packets >= 1, 'a offered Quick Mode', { a: ca });
    t.equal(cb.exchanges.quick.packets, 0, 'b accepted no proposal (sent no Quick Mode message 2)', { b: cb });
    t.ok(cb.exchanges.informational.packets >= 1, 'b answered with an (encrypted) Informational exchange', { b: cb });
    for (const [d, peer] of [[pair.a, pair.link.b.address], [pair.b, pair.link.a.address]] as const) {
      const v = await gatewayView(d, peer);
      t.ok(v.isakmp.length === 1 && v.isakmp.every(isEstablished), `${d.ns.label}: the ISAKMP SA is established (QM_IDLE), nothing half-built`, { text: v.text });
      t.same(v.ipsec.flatMap((p) => [...p.inbound, ...p.outbound]), [], `${d.ns.label}: no IPsec SA`, { text: v.text });
    }
  });
}

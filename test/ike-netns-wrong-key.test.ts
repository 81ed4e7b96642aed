/**
 * Two ikegated gateways in two namespaces whose pre-shared keys differ: phase 1 must end in an
 * authentication failure that a daemon logs, no tunnel, and neither end may keep a half-built
 * SA. In Main Mode the responder finds out (message 5 does not decrypt or verify with its
 * key); in Aggressive Mode the initiator does (the responder's HASH_R does not verify).
 *
 * How long the clean-up may take: the end that detects the failure drops its SA at once. The
 * other end may only learn of it by its retransmissions running out (an unauthenticated
 * notification cannot be trusted to abort it), so it gets the driver's default retransmission
 * span (retransmitSpanMs(DEFAULT_RETRANSMIT), about 165 s) plus a margin; the two scenarios run
 * in parallel to keep the file's time near one such span.
 * Needs root, `ip netns` and nft; spawns dist/ (`npm run build:ts` first).
 */
import t, { type Test } from 'tap';
import { DEFAULT_RETRANSMIT, retransmitSpanMs } from '../src/ike/transport/retransmit';
import { missingBuild, nsTestsUnavailable } from './fixtures/ikegated-ns';
import { defaultPair, gatewayPair, hostnameKeyed, LAN_A, LAN_B, pingCommand, siteToSite, type GatewayPair } from './fixtures/ikegated-ns-lab';
import { IsakmpProbe } from './fixtures/ikegated-ns-probe';
import { parsePing } from './fixtures/ikegated-ns-show';
import { poll, waitNoSa } from './fixtures/ikegated-ns-tunnel';

/**
 * The failure as the detecting end logs it, however worded: RFC 2408 has two notify types for
 * it, AUTHENTICATION-FAILED and INVALID-HASH-INFORMATION (a HASH_I/HASH_R that does not verify),
 * or plain words about the failed authentication or the differing keys.
 */
const AUTH_FAILED = /AUTHENTICATION[-_ ]FAILED|INVALID[-_ ]HASH[-_ ]INFORMATION|authentication fail|pre-shared keys differ/i;
const DETECT_MS = 15_000;
const CLEAN_DETECTOR_MS = 10_000;
const CLEAN_OTHER_MS = retransmitSpanMs(DEFAULT_RETRANSMIT) + 15_000;

async function wrongKey(t: Test, pair: GatewayPair, detector: 'a' | 'b'): Promise<void> {
  const probes = await Promise.all([IsakmpProbe.install(pair.link.a.ns), IsakmpProbe.install(pair.link.b.ns)]);
  const out = await pair.a.run([pingCommand(LAN_A, LAN_B, 2)]);
  t.equal(parsePing(out)?.percent, 0, 'no tunnel, so the ping fails: 0 percent', { out });
  const d = detector === 'a' ? pair.a : pair.b;
  await poll(`an authentication failure in ${detector}'s log`, async () => (AUTH_FAILED.test(d.log()) ? true : undefined), DETECT_MS, () => d.logTail());
  t.pass(`${detector} logged the authentication failure`);
  const other = detector === 'a' ? pair.b : pair.a;
  const peerOf = (x: typeof d): string => (x === pair.a ? pair.link.b.address : pair.link.a.address);
  const detectorWait = await waitNoSa(d, peerOf(d), CLEAN_DETECTOR_MS);
  t.pass(`${detector} kept no SA (clean ${detectorWait} ms after the failure was logged)`);
  const otherWait = await waitNoSa(other, peerOf(other), CLEAN_OTHER_MS);
  t.pass(`${other.ns.label} kept no SA (clean ${otherWait} ms later)`);
  const [ca, cb] = await Promise.all(probes.map((p) => p.read()));
  t.equal(ca.exchanges.quick.packets + cb.exchanges.quick.packets, 0, 'no Quick Mode ran', { a: ca, b: cb });
  const sent = (c: typeof ca): string => Object.entries(c.notifies).filter(([, n]) => n.packets > 0).map(([name, n]) => `${name} x${n.packets}`).join(', ') || 'none';
  t.comment(`plaintext notifications sent by a: ${sent(ca)}; by b: ${sent(cb)}`);
}

const skip = nsTestsUnavailable();
const build = missingBuild();
if (skip) t.plan(0, skip);
else if (build) t.fail(build);
else {
  t.setTimeout(CLEAN_OTHER_MS + 90_000);
  t.jobs = 2;
  t.test('Main Mode with different address keys: authentication fails, no SA left', async (t) => {
    const pair = await defaultPair(t, { key: 'the-right-key' }, { key: 'a-wrong-key' });
    await wrongKey(t, pair, 'b');
  });

  t.test('Aggressive Mode with different hostname keys: authentication fails, no SA left', async (t) => {
    const pair = await gatewayPair(t, (link) => [
      hostnameKeyed(siteToSite(link.a, link.b, LAN_A, LAN_B), 'ra', 'rb', link.b.address, 'the-right-key'),
      hostnameKeyed(siteToSite(link.b, link.a, LAN_B, LAN_A), 'rb', 'ra', link.a.address, 'a-wrong-key'),
    ]);
    await wrongKey(t, pair, 'a');
  });
}

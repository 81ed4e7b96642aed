/**
 * Main Mode + Quick Mode between ikegated gateways in two namespaces, started by ping, for
 * every encryption x hash x group of the seed (5 x 4 x 9 = 180 suites).
 *
 * How it stays within a few minutes on two cores: one responder holds all 180 suites as
 * policies 1-180 and never changes; INITIATORS initiator daemons share the other namespace,
 * each bound to its own address on the veth (port 500 is per address), and each carries one
 * policy, 10, rewritten before every run. An initiator offers only that policy (the default
 * suite is rsa-sig, which has no certificate here, so it is not offered), so the one suite the
 * responder can accept is the one under test. One `ikegate -c` call per run reconfigures the
 * policy, clears the previous SAs (Delete to the responder), pings, and shows the result; a
 * second call reads the responder's side. The runs are tap subtests executed INITIATORS at a
 * time, each borrowing a free initiator.
 * Needs root, `ip netns` and nft; spawns dist/ (`npm run build:ts` first).
 */
import t, { type Test } from 'tap';
import { Lab } from './helpers/netns';
import { missingBuild, nsTestsUnavailable, type NsDaemon } from './fixtures/ikegated-ns';
import { ENCRYPTIONS, GROUPS, HASHES, policyChangeLines, type GatewaySpec, type PolicySpec } from './fixtures/ikegated-ns-config';
import { applyConfig, insideNamespace, KEY, pingCommand, startGateway } from './fixtures/ikegated-ns-lab';
import { parsePing } from './fixtures/ikegated-ns-show';
import { checkTunnel, tunnelUp, viewOf, waitTunnel } from './fixtures/ikegated-ns-tunnel';

const INITIATORS = 6;
const UP_MS = 15_000;
/** After this many failed runs in a row the driver is broken, not one suite: the rest are reported, not run. */
const GIVE_UP_AFTER = 3;
const TRANSFORMS = 'esp-aes esp-sha-hmac';
const RESPONDER_LAN = '10.2.0.1/24';

interface Initiator {
  readonly d: NsDaemon;
  readonly address: string;
  readonly lan: string;
}

interface Matrix {
  readonly responder: NsDaemon;
  readonly responderAddress: string;
  readonly free: Initiator[];
  readonly waiting: Array<(i: Initiator) => void>;
}

const SUITES: readonly PolicySpec[] = ENCRYPTIONS.flatMap((encryption) => HASHES.flatMap((hash) =>
  // Groups vary fastest, so the slow MODP 3072/4096 runs spread over all initiators.
  GROUPS.map((group) => ({ priority: 10, encryption, hash, group }))));

function acquire(m: Matrix): Promise<Initiator> {
  const i = m.free.pop();
  return i ? Promise.resolve(i) : new Promise((resolve) => m.waiting.push(resolve));
}

function release(m: Matrix, i: Initiator): void {
  const next = m.waiting.shift();
  if (next) next(i);
  else m.free.push(i);
}

/** The lab: both namespaces, the responder with every suite, the initiators with the first. */
async function buildMatrix(t: Test): Promise<Matrix> {
  const lab = Lab.create(t);
  const ni = await lab.namespace('i');
  const nr = await insideNamespace(lab, 'r', RESPONDER_LAN);
  const link = await lab.link(ni, nr);
  const responderAddress = link.b.address;
  const initiators = Array.from({ length: INITIATORS }, (_, k) => ({ address: `10.99.0.${11 + k}`, lan: `10.1.${k}.1/24` }));
  for (const i of initiators) {
    await ni.addAddress(`${i.address}/24`, link.a.dev);
    await ni.addAddress(i.lan);
  }
  const responderSpec: GatewaySpec = {
    policies: SUITES.map((s, n) => ({ ...s, priority: n + 1 })),
    keys: [{ key: KEY, address: '10.99.0.0', mask: '255.255.255.0' }],
    transformSets: { TS: TRANSFORMS },
    entries: initiators.map((i, k) => ({
      map: 'VPN', seq: 10 + k, peer: i.address, transformSets: ['TS'], acl: 110 + k, local: RESPONDER_LAN, remote: i.lan,
    })),
    wan: { name: link.b.dev, address: `${responderAddress}/24` },
    lans: [{ name: 'lo', address: RESPONDER_LAN }],
  };
  const responder = await startGateway(t, link.b);
  await applyConfig(t, responder, responderSpec, 'responder');
  const free = await Promise.all(initiators.map(async (i, k): Promise<Initiator> => {
    const name = `i${k}`;
    const d = await startGateway(t, { ns: ni, dev: link.a.dev, address: i.address }, name);
    await applyConfig(t, d, {
      policies: [SUITES[0] as PolicySpec],
      keys: [{ key: KEY, address: responderAddress }],
      transformSets: { TS: TRANSFORMS },
      entries: [{ map: 'VPN', seq: 10, peer: responderAddress, transformSets: ['TS'], acl: 101, local: i.lan, remote: RESPONDER_LAN }],
      wan: { name: link.a.dev, address: `${i.address}/24` },
      lans: [{ name: 'lo', address: i.lan }],
    }, name);
    return { d, address: i.address, lan: i.lan };
  }));
  return { responder, responderAddress, free, waiting: [] };
}

/** One suite on one initiator; true when the tunnel came up and every check held. */
async function runSuite(t: Test, m: Matrix, i: Initiator, s: PolicySpec): Promise<boolean> {
  const started = Date.now();
  const show = ['show crypto isakmp sa', 'show crypto isakmp sa detail', `show crypto ipsec sa peer ${m.responderAddress}`];
  const out = await i.d.run([
    'configure terminal', ...policyChangeLines(s), 'end',
    // The previous run's SAs go (with Deletes to the responder), so this run negotiates anew.
    'clear crypto sa', 'clear crypto isakmp',
    pingCommand(i.lan, RESPONDER_LAN),
    ...show,
  ]);
  t.ok(parsePing(out) !== undefined, 'ping printed its summary', { out });
  let mine = viewOf(out, i.address, m.responderAddress);
  if (!tunnelUp(mine)) mine = await waitTunnel(i.d, m.responderAddress, UP_MS);
  const theirs = await waitTunnel(m.responder, i.address, UP_MS);
  const ok = checkTunnel(t, `${s.encryption}/${s.hash}/group ${s.group}`, { name: 'initiator', view: mine }, { name: 'responder', view: theirs }, {
    transforms: ['esp-aes', 'esp-sha-hmac'], ike: { encryption: s.encryption, hash: s.hash, group: s.group }, pfs: false, port: 500,
  });
  t.comment(`${Date.now() - started} ms on ${i.address}`);
  return ok;
}

const skip = nsTestsUnavailable();
const build = missingBuild();
if (skip) t.plan(0, skip);
else if (build) t.fail(build);
else {
  // 180 negotiations, several DH groups of 3072 and 4096 bits among them, plus the setup.
  t.setTimeout(300_000);
  t.test(`${SUITES.length} IKE suites (encryption x hash x group), ${INITIATORS} initiators against one responder`, async (t) => {
    const started = Date.now();
    const m = await buildMatrix(t);
    t.comment(`lab with ${INITIATORS + 1} daemons configured in ${Date.now() - started} ms`);
    let failedInARow = 0;
    let failed = 0;
    t.jobs = INITIATORS;
    for (const s of SUITES) {
      t.test(`encryption ${s.encryption}, hash ${s.hash}, group ${s.group}`, async (t) => {
        if (failedInARow >= GIVE_UP_AFTER) {
          t.fail(`not run: the last ${failedInARow} suites failed, so the driver is broken rather than this suite`);
          return;
        }
        const i = await acquire(m);
        let ok = false;
        try {
          ok = await runSuite(t, m, i, s);
        } catch (err) {
          t.fail((err as Error).message);
        } finally {
          release(m, i);
        }
        failedInARow = ok ? 0 : failedInARow + 1;
        if (!ok) failed += 1;
      });
    }
    t.teardown(() => {
      t.comment(`${SUITES.length} suites in ${Date.now() - started} ms, ${failed} failed`);
    });
  });
}

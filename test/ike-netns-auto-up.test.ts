/**
 * Two ikegated in namespaces: `set auto-up` on A's crypto map entry brings the tunnel up with
 * no ping, when it is entered and when A boots with it in its startup-config (after a restart
 * whose Deletes took the tunnel down at B). With `crypto isakmp key-log` on, A appends each
 * IKE SA's Wireshark decryption line to <config-dir>/ikev1_decryption_table, mode 0600, and
 * the key stays out of its log.
 * Needs root, `ip netns` and nft; spawns dist/ (`npm run build:ts` first).
 */
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import { missingBuild, nsTestsUnavailable } from './fixtures/ikegated-ns';
import { defaultPair, startGateway } from './fixtures/ikegated-ns-lab';
import { waitNoSa, waitTunnel } from './fixtures/ikegated-ns-tunnel';

const UP_MS = 15_000;
const AUTO_UP_LOG = /auto-up: negotiating the tunnel with/;

const skip = nsTestsUnavailable();
const build = missingBuild();
if (skip) t.plan(0, skip);
else if (build) t.fail(build);
else {
  t.setTimeout(120_000);
  t.test('set auto-up: the tunnel comes up with no ping, when entered and at boot', async (t) => {
    const pair = await defaultPair(t);
    const peerOfA = pair.link.b.address;
    let started = Date.now();
    await pair.a.configure(['crypto isakmp key-log', 'crypto map VPN 10', 'set auto-up', 'exit']);
    await Promise.all([waitTunnel(pair.a, peerOfA, UP_MS), waitTunnel(pair.b, pair.link.a.address, UP_MS)]);
    t.comment(`up on both ends ${Date.now() - started} ms after set auto-up`);
    t.match(pair.a.log(), AUTO_UP_LOG, 'A negotiated for auto-up');
    t.notMatch(pair.a.log(), /ACQUIRE: negotiating/, 'no traffic asked for it');

    const table = path.join(pair.a.dir, 'config', 'ikev1_decryption_table');
    t.equal(statSync(table).mode & 0o777, 0o600, 'the key log is mode 0600');
    const lines = readFileSync(table, 'utf8').split('\n').filter(Boolean);
    t.equal(lines.length, 1, 'one line for the one IKE SA');
    const key = /^[0-9a-f]{16},([0-9a-f]{32,64})$/.exec(lines[0] ?? '')?.[1];
    t.ok(key, 'cookie,key in hex', { lines });
    if (key) t.notOk(pair.a.log().includes(key), 'the key is not in the log');

    await pair.a.run(['write memory']);
    await pair.a.stop();
    await waitNoSa(pair.b, pair.link.a.address, UP_MS);
    started = Date.now();
    const rebooted = await startGateway(t, pair.link.a, 'a');
    await Promise.all([waitTunnel(rebooted, peerOfA, UP_MS), waitTunnel(pair.b, pair.link.a.address, UP_MS)]);
    t.comment(`up again ${Date.now() - started} ms after A was started with set auto-up in its startup-config`);
    t.match(await rebooted.runningConfig(), /^ set auto-up$/m, 'the knob survived the reboot');
    t.equal(rebooted.log().match(new RegExp(AUTO_UP_LOG.source, 'g'))?.length, 2, 'A negotiated for auto-up once before and once after the reboot');
    t.equal(readFileSync(table, 'utf8').split('\n').filter(Boolean).length, 2, 'a second key log line for the new IKE SA');
  });
}

/**
 * ikegated --kernel xfrm on this host's kernel, in two network namespaces (a lab of
 * test/helpers/netns.ts): the crypto maps become XFRM policies, `ping` sends real ICMP (the
 * system's ping: iputils-ping or busybox), answered where no crypto map applies and, where one
 * does, giving the ACQUIRE that reaches the key manager and starts IKE with the peer, and a kernel that cannot take
 * the negotiated ESP SA (this host has no esp4: "Requested type not found") is reported in
 * the log while the daemon and its console go on. Also: a start without the rights XFRM needs
 * ends with one line on stderr.
 * Spawns dist/: `npm run build:ts && npx tap test/daemon-kernel-xfrm.test.ts` (as root).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import t from 'tap';
import { Lab } from './helpers/netns';
import { DAEMON, missingBuild } from './fixtures/daemon-harness';
import { NsDaemon, nsTestsUnavailable } from './fixtures/ikegated-ns';
import { applyConfig, insideNamespace, LAN_A, LAN_B, pingCommand, siteToSite } from './fixtures/ikegated-ns-lab';

t.setTimeout(180_000);

/** Polls `test` every 200 ms until it holds; fails with `what` after `ms`. */
async function until(test: () => boolean, what: string, ms = 30_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const built = missingBuild();
const skip = nsTestsUnavailable();
if (built) t.fail(built);
else if (skip) t.plan(0, skip);
else {
  const noSetpriv = spawnSync('setpriv', ['--version']).error && 'setpriv (util-linux) is missing';
  t.test('not root: one line on stderr, status 1', { skip: noSetpriv }, async (t) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'h4-nobody-'));
    chmodSync(dir, 0o777);
    t.teardown(() => rmSync(dir, { recursive: true, force: true }));
    // env -i: tap's process tracking, which follows children through NODE_OPTIONS, would
    // write files the unprivileged daemon cannot.
    const r = spawnSync('env', ['-i', `PATH=${process.env.PATH ?? ''}`, 'setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--openssl-legacy-provider', DAEMON,
      '--kernel', 'xfrm', '--config-dir', path.join(dir, 'config'), '--control', 'none', '--console', 'none', '--ike-port', '15500', '--nat-t-port', '15501'],
    { encoding: 'utf8', timeout: 30_000 });
    t.equal(r.status, 1);
    const lines = r.stderr.trimEnd().split('\n');
    t.equal(lines.length, 1, 'one line', { stderr: r.stderr });
    t.match(lines[0], /^ikegated: --kernel xfrm: cannot use the kernel's SA database: .*\(EPERM\); run ikegated as root \(CAP_NET_ADMIN\)$/);
  });

  t.test('crypto maps become XFRM policies; ping\'s ACQUIRE starts IKE; an SA the kernel refuses is logged', async (t) => {
    const lab = Lab.create(t);
    const na = await insideNamespace(lab, 'h4a', LAN_A);
    const nb = await insideNamespace(lab, 'h4b', LAN_B);
    const link = await lab.link(na, nb);
    // Routes to the far inside network: the kernel looks up XFRM policies after routing.
    await na.ip('route', 'add', '10.2.0.0/24', 'via', link.b.address);
    await nb.ip('route', 'add', '10.1.0.0/24', 'via', link.a.address);
    const [a, b] = await Promise.all([
      NsDaemon.start(na, { address: link.a.address, kernel: 'xfrm' }),
      NsDaemon.start(nb, { address: link.b.address, kernel: 'xfrm' }),
    ]);
    await Promise.all([
      applyConfig(t, a, siteToSite(link.a, link.b, LAN_A, LAN_B)),
      applyConfig(t, b, siteToSite(link.b, link.a, LAN_B, LAN_A)),
    ]);

    const policies = await na.ip('xfrm', 'policy');
    t.match(policies, /src 10\.1\.0\.0\/24 dst 10\.2\.0\.0\/24\s+dir out/, 'the outbound policy is in the kernel', { policies });
    t.match(policies, /src 10\.2\.0\.0\/24 dst 10\.1\.0\.0\/24\s+dir in/, 'so is the inbound one');
    t.match(policies, new RegExp(`tmpl src ${link.a.address.replace(/\./g, '\\.')} dst ${link.b.address.replace(/\./g, '\\.')}\\s+proto esp`), 'tunnel template to the peer');

    const plain = await a.run([`ping ${link.b.address} source ${link.a.address} repeat 3`]);
    t.match(plain, /^!!!$/m, 'traffic no crypto map covers is real ICMP, answered by the peer\'s kernel');
    t.match(plain, /Success rate is 100 percent \(3\/3\)/);

    const ping = await a.run([pingCommand(LAN_A, LAN_B, 2)]);
    t.match(ping, /Sending 2, 100-byte ICMP Echos to 10\.2\.0\.1, timeout is 2 seconds:/);
    t.match(ping, /Success rate is 0 percent \(0\/2\)/, 'no SA can carry it: the echo is lost');
    await until(() => /ACQUIRE: negotiating an IPsec SA/.test(a.log()), 'the ACQUIRE in a\'s log');
    await until(() => /cannot install the negotiated IPsec SAs/.test(a.log()) && /cannot install the negotiated IPsec SAs/.test(b.log()),
      'both sides to report the refused SA');
    const refused = a.log().split('\n').find((l) => l.includes('cannot install the negotiated IPsec SAs')) ?? '';
    t.match(refused, /"level":50/, 'an error in the log');
    t.match(refused, /Requested type not found|EPROTONOSUPPORT|ENOENT|ENOSYS/, 'with the kernel\'s own reason', { refused });

    t.ok(a.running && b.running, 'both daemons still run');
    const isakmp = await a.run(['show crypto isakmp sa']);
    t.match(isakmp, new RegExp(`${link.b.address.replace(/\./g, '\\.')}\\s+${link.a.address.replace(/\./g, '\\.')}\\s+QM_IDLE`), 'phase 1 came up through the ACQUIRE', { isakmp });
    const states = await na.ip('xfrm', 'state');
    // The kernel's own ACQUIRE placeholder (SPI 0) stays until net.core.xfrm_acq_expires.
    t.equal(states.match(/proto esp spi 0x(?!00000000)/g)?.length ?? 0, 0, 'no half-installed ESP SA (nor reserved SPI) is left behind', { states });
  });
}

/**
 * ikegated against strongSwan's charon, each in its own network namespace, with pre-shared
 * keys: charon initiating to ikegate, and ikegate initiating (a ping through its crypto map)
 * to charon, in Main Mode (address identities and keys) and Aggressive Mode (FQDN identities,
 * ikegate's key tied to charon's host name), for the three suites. Both sides must
 * then report the same SPIs and algorithms (swanctl --list-sas against `show crypto ipsec sa`
 * and `show crypto isakmp sa detail`), and ikegate must show the NAT-T float charon's
 * kernel-libipsec forces (port 4500, UDP-encapsulated ESP). Which exchange ran is read from
 * charon's log, which names every message it parses. Last, two charon identities at one
 * address, each with its own IKE SA: the second's INITIAL-CONTACT must not take the first down.
 * The 30% loss run is test/interop-charon-loss.test.ts.
 * Needs root, `ip netns`, nft and strongSwan (bash scripts/setup); spawns dist/.
 */
import { readFileSync } from 'node:fs';
import t from 'tap';
import { charonUnavailable, established, type ConnectionConfig } from './helpers/charon';
import type { Link } from './helpers/netns';
import { missingBuild, nsTestsUnavailable } from './fixtures/ikegated-ns';
import type { GatewaySpec } from './fixtures/ikegated-ns-config';
import {
  CHARON_LAN, CHARON_NET, compareWithCharon, GW_LAN, GW_NET, interopLab, perHostSpec, PSK, SUITES, toHost, type Suite,
} from './fixtures/ikegated-ns-interop';
import { DOMAIN, hostnameKeyed, pingCommand, siteToSite } from './fixtures/ikegated-ns-lab';
import { parsePing } from './fixtures/ikegated-ns-show';
import { viewOf, waitTunnel } from './fixtures/ikegated-ns-tunnel';

const UP_MS = 20_000;

function gwSpec(link: Link, s: Suite, aggressive: boolean): GatewaySpec {
  const base = siteToSite(link.a, link.b, GW_LAN, CHARON_LAN, { policies: [s.policy], key: PSK, transformSets: { TS: s.transforms } });
  return aggressive ? hostnameKeyed(base, 'gw', 'charon', link.b.address, PSK) : base;
}

function charonConnection(link: Link, s: Suite, aggressive: boolean): ConnectionConfig {
  return {
    name: 'gw', aggressive, psk: PSK, localAddrs: link.b.address, remoteAddrs: link.a.address,
    localId: aggressive ? `charon.${DOMAIN}` : link.b.address,
    remoteId: aggressive ? `gw.${DOMAIN}` : link.a.address,
    ikeProposal: s.ike,
    children: [{ name: 'net', espProposal: s.esp, localTs: CHARON_NET, remoteTs: GW_NET }],
  };
}

const skip = nsTestsUnavailable() ?? charonUnavailable();
const build = missingBuild();
if (skip) t.plan(0, skip);
else if (build) t.fail(build);
else {
  // Thirteen labs; a failing negotiation waits out its 20 s deadline, so a broken build takes minutes, not the default 2.
  t.setTimeout(300_000);
  // Independent labs; two at a time keeps both cores busy without starving either negotiation.
  t.jobs = 2;
  for (const s of SUITES) {
    for (const aggressive of [false, true]) {
      const mode = aggressive ? 'Aggressive Mode' : 'Main Mode';
      for (const charonInitiates of [true, false]) {
        const roles = charonInitiates ? 'charon -> ikegate' : 'ikegate (ping) -> charon';
        t.test(`${mode} ${s.title}: ${roles}`, async (t) => {
          const lab = await interopLab(t, (link) => gwSpec(link, s, aggressive));
          await lab.charon.loadConfig([charonConnection(lab.link, s, aggressive)]);
          const started = Date.now();
          if (charonInitiates) {
            await lab.charon.initiate('net', { ike: 'gw', timeoutMs: UP_MS });
          } else {
            const out = await lab.gw.run([pingCommand(GW_LAN, CHARON_LAN)]);
            t.ok(parsePing(out) !== undefined, 'ping printed its summary', { out });
          }
          const theirs = await lab.charon.waitFor('tunnel gw/net', (sas) => established(sas, 'gw', 'net'), UP_MS);
          const ours = await waitTunnel(lab.gw, lab.link.b.address, UP_MS);
          t.comment(`up on both ends ${Date.now() - started} ms after the start`);
          compareWithCharon(t, roles, ours, theirs, s, { charonInitiated: charonInitiates, gwAddress: lab.link.a.address });
          const log = readFileSync(lab.charon.logFile, 'utf8');
          const exchange = aggressive ? /(parsed|generating) AGGRESSIVE (request|response) 0/ : /(parsed|generating) ID_PROT (request|response) 0/;
          const other = aggressive ? /ID_PROT (request|response) 0/ : /AGGRESSIVE (request|response) 0/;
          t.ok(exchange.test(log) && !other.test(log), `charon's log shows ${mode} and only that`, { log: lab.charon.logTail(30) });
        });
      }
    }
  }

  t.test('two charon identities at one address: the second IKE SA\'s INITIAL-CONTACT leaves the first tunnel up', async (t) => {
    // charon sends INITIAL-CONTACT with the first IKE SA of each identity pair, so a gateway
    // talking to several identities of one host gets one from each; the host has plainly not
    // rebooted (its other IKE SA is live), so that SA and its tunnel must stay.
    const s = SUITES[0] as Suite;
    const hosts = ['10.2.0.1/32', '10.2.0.2/32'];
    const lab = await interopLab(t, (link) => perHostSpec(link, s, hosts, () => link.b.address, { address: link.b.address }), hosts);
    await lab.charon.loadConfig(hosts.map((host, k) => ({
      name: `init${k}`, psk: PSK, localAddrs: lab.link.b.address, remoteAddrs: lab.link.a.address,
      localId: `i${k}.${DOMAIN}`, remoteId: lab.link.a.address, ikeProposal: s.ike,
      children: [{ name: `net${k}`, espProposal: s.esp, localTs: host, remoteTs: GW_NET }],
    })));
    for (let k = 0; k < hosts.length; k++) {
      await lab.charon.initiate(`net${k}`, { ike: `init${k}`, timeoutMs: UP_MS });
      await waitTunnel(lab.gw, lab.link.b.address, UP_MS);
    }
    const sas = await lab.charon.waitFor('both tunnels', (all) => (established(all, 'init0', 'net0') && established(all, 'init1', 'net1') ? all : undefined), UP_MS);
    const text = await lab.gw.run(['show crypto isakmp sa', 'show crypto isakmp sa detail', 'show crypto ipsec sa']);
    const view = viewOf(text, lab.link.a.address, lab.link.b.address);
    hosts.forEach((host, k) => {
      const theirs = established(sas, `init${k}`, `net${k}`);
      if (!theirs) throw new Error(`charon lost tunnel ${k}`);
      compareWithCharon(t, `identity i${k}.${DOMAIN}`, toHost(view, host), theirs, s, {
        charonInitiated: true, gwAddress: lab.link.a.address, charonNet: host, ikeSas: 2,
      });
    });
  });
}

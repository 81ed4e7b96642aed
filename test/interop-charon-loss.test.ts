/**
 * charon -> ikegated with 30% packet loss in both directions: TUNNELS tunnels, each its own
 * Main Mode IKE SA and Quick Mode, all initiated at once, must all end established with the
 * same cookies, SPIs and algorithms on both ends. The loss is nftables' random drop on each
 * end's veth egress (netns.ts: the kernel has no netem). About 9 x TUNNELS messages cross the
 * link, so in all but 0.7^36 of runs some are lost, and both sides' retransmission and
 * duplicate handling are exercised: charon's own retries (made quicker, as in the harness),
 * ikegate answering a repeated request from its stored response and repeating its Quick Mode
 * message 2 when message 3 is lost. Message 3 may then come more than 30 s after message 2,
 * when the larval SA that reserved ikegate's inbound SPI has lapsed (xfrm_acq_expires, which
 * the memory backend keeps too): ikegate must still install (key-manager-reserved-spi.test.ts
 * has that case on its own). charon 5.9.8 answers a repeated message 2 of the Quick
 * Mode it finished last by sending its message 3 again ("received retransmit of response with
 * ID ..., resending last request"); the first test checks exactly that, dropping message 3
 * twice, and that ikegate installs on it and not by giving up on it.
 *
 * Why each tunnel comes from its own charon address: several Quick Modes over one IKE SA do
 * not survive loss with charon as initiator (it starts the next Quick Mode once it has sent
 * message 3 of the last, and answers a retransmitted message 2 only with "received retransmit
 * of response ..., but next request already sent", so a lost message 3 is never sent again);
 * and several IKE SAs from one address with distinct identities are what
 * interop-charon-ikegate.test.ts checks on its own (each sends INITIAL-CONTACT).
 * Needs root, `ip netns`, nft and strongSwan (bash scripts/setup); spawns dist/.
 */
import { readFileSync } from 'node:fs';
import t from 'tap';
import { charonUnavailable, established, type IkeSa } from './helpers/charon';
import { addDrop, addLoss, type Link } from './helpers/netns';
import { missingBuild, nsTestsUnavailable } from './fixtures/ikegated-ns';
import type { GatewaySpec } from './fixtures/ikegated-ns-config';
import {
  CHARON_LAN, CHARON_NET, compareWithCharon, GW_LAN, GW_NET, interopLab, perHostSpec, PSK, SUITES, type Suite,
} from './fixtures/ikegated-ns-interop';
import { siteToSite } from './fixtures/ikegated-ns-lab';
import { poll, viewOf, waitTunnel, type GatewayView } from './fixtures/ikegated-ns-tunnel';

const TUNNELS = 4;
const UP_MS = 90_000;
/** Tunnel k's network behind charon: one host each, so each has its own crypto map entry on ikegate. */
const charonHost = (k: number): string => `10.2.0.${k + 1}/32`;
/** Tunnel k's IKE address on charon's end of the link (10.99.0.2 is the link's own). */
const charonAddress = (link: Link, k: number): string => (k === 0 ? link.b.address : `10.99.0.${10 + k}`);
const SHOW = ['show crypto isakmp sa', 'show crypto isakmp sa detail', 'show crypto ipsec sa'];

/**
 * Charon's further addresses on its veth, with permanent neighbour entries on ikegate's side
 * as Lab.link makes for the link's own: the loss must hit IKE, not ARP.
 */
async function addCharonAddresses(link: Link): Promise<void> {
  const [info] = JSON.parse(await link.b.ns.ip('-j', 'link', 'show', 'dev', link.b.dev)) as Array<{ address: string }>;
  if (!info) throw new Error(`no ${link.b.dev} in ${link.b.ns.name}`);
  for (let k = 1; k < TUNNELS; k++) {
    await link.b.ns.addAddress(`${charonAddress(link, k)}/24`, link.b.dev);
    await link.a.ns.ip('neigh', 'replace', charonAddress(link, k), 'lladdr', info.address, 'dev', link.a.dev, 'nud', 'permanent');
  }
}

/**
 * charon's Quick Mode message 3 as it leaves charon: Quick Mode (exchange type 32, byte 18 of
 * the ISAKMP header) in a datagram far shorter than message 1, on port 4500 behind the
 * non-ESP marker (charon's kernel-libipsec makes both ends float).
 */
const QM3_FROM_CHARON = 'udp dport 4500 udp length < 120 @th,240,8 32';

const skip = nsTestsUnavailable() ?? charonUnavailable();
const build = missingBuild();
if (skip) t.plan(0, skip);
else if (build) t.fail(build);
else {
  t.setTimeout(3 * UP_MS + 60_000);
  t.test('Quick Mode message 3 lost twice: ikegate\'s repeated message 2 brings it again', async (t) => {
    const s = SUITES[0] as Suite;
    const lab = await interopLab(t, (link) => siteToSite(link.a, link.b, GW_LAN, CHARON_LAN, { policies: [s.policy], key: PSK, transformSets: { TS: s.transforms } }));
    await lab.charon.loadConfig([{
      name: 'gw', psk: PSK, localAddrs: lab.link.b.address, remoteAddrs: lab.link.a.address, localId: lab.link.b.address,
      remoteId: lab.link.a.address, ikeProposal: s.ike, children: [{ name: 'net', espProposal: s.esp, localTs: CHARON_NET, remoteTs: GW_NET }],
    }]);
    const drop = await addDrop(lab.link.b, 'h1_qm3', QM3_FROM_CHARON, 'a drop of Quick Mode message 3');
    const started = Date.now();
    await lab.charon.initiate('net', { ike: 'gw', timeoutMs: UP_MS });
    // The original message 3 and the copy charon sends on our first repeated message 2.
    await poll('two copies of message 3 dropped', async () => ((await drop.dropped()) >= 2 ? true : undefined), UP_MS, () => lab.charon.logTail());
    await drop.remove();
    const removed = Date.now();
    await waitTunnel(lab.gw, lab.link.b.address, UP_MS);
    t.comment(`ikegate installed ${Date.now() - removed} ms after message 3 could pass again, ${Date.now() - started} ms after initiating`);
    const charonLog = readFileSync(lab.charon.logFile, 'utf8');
    const resent = charonLog.match(/received retransmit of response with ID \d+, resending last request/g) ?? [];
    t.ok(resent.length >= 2, `charon resent message 3 on each repeated message 2 (${resent.length} times)`, { log: lab.charon.logTail(40) });
    const gwLog = readFileSync(lab.gw.logFile, 'utf8');
    t.notOk(/never came|no longer reads Quick Mode message 2/.test(gwLog), 'ikegate installed on message 3 itself, not by giving up on it', { log: lab.gw.logTail() });
  });

  t.test(`30% loss both ways: ${TUNNELS} tunnels from charon all establish with ikegate`, async (t) => {
    const s = SUITES[0] as Suite;
    const hosts = Array.from({ length: TUNNELS }, (_, k) => charonHost(k));
    const gwSpec = (link: Link): GatewaySpec => perHostSpec(link, s, hosts, (k) => charonAddress(link, k), { address: '10.99.0.0', mask: '255.255.255.0' });
    const lab = await interopLab(t, gwSpec, hosts,
      // From 1 s, x1.2, 10 retransmits: seven losses in a row (p = 2e-4 with 30% each way) cost 13 s.
      { retransmit: { timeout: 1, base: 1.2, tries: 10 } });
    await addCharonAddresses(lab.link);
    await lab.charon.loadConfig(Array.from({ length: TUNNELS }, (_, k) => ({
      name: `init${k}`, psk: PSK, localAddrs: charonAddress(lab.link, k), remoteAddrs: lab.link.a.address,
      localId: charonAddress(lab.link, k), remoteId: lab.link.a.address, ikeProposal: s.ike,
      children: [{ name: `net${k}`, espProposal: s.esp, localTs: charonHost(k), remoteTs: GW_NET }],
    })));
    const losses = await Promise.all([addLoss(lab.link.a, 30), addLoss(lab.link.b, 30)]);
    const started = Date.now();
    await Promise.all(Array.from({ length: TUNNELS }, (_, k) => lab.charon.initiate(`net${k}`, { ike: `init${k}`, timeoutMs: UP_MS })));
    const sas: IkeSa[] = await lab.charon.waitFor(`${TUNNELS} tunnels`, (all) =>
      (Array.from({ length: TUNNELS }, (_, k) => established(all, `init${k}`, `net${k}`)).every(Boolean) ? all : undefined), UP_MS);
    const tunnelView = (shown: string, k: number): GatewayView => viewOf(shown, lab.link.a.address, charonAddress(lab.link, k));
    // A responder installs its SAs on Quick Mode message 3, which the loss may delay by some of
    // ikegate's own retransmissions of message 2 (after 4 s, then every 7.2 s).
    const deadline = Date.now() + UP_MS;
    let text = '';
    for (;;) {
      text = await lab.gw.run(SHOW);
      const views = Array.from({ length: TUNNELS }, (_, k) => tunnelView(text, k).ipsec);
      if (views.every((v) => v.length === 1 && v[0]?.inbound.length === 1 && v[0]?.outbound.length === 1)) break;
      if (Date.now() > deadline) throw new Error(`ikegate did not install all ${TUNNELS} tunnels within ${UP_MS} ms\n${text}\n${lab.gw.logTail(80)}\n${lab.charon.logTail(120)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    t.comment(`all ${TUNNELS} tunnels up on both ends ${Date.now() - started} ms after initiating`);
    const dropped = await Promise.all(losses.map((l) => l.dropped()));
    t.ok(dropped[0] + dropped[1] > 0, `the loss dropped packets: ${dropped[0]} from ikegate, ${dropped[1]} from charon`);
    for (let k = 0; k < TUNNELS; k++) {
      const theirs = established(sas, `init${k}`, `net${k}`);
      if (!theirs) throw new Error(`tunnel ${k} vanished`);
      compareWithCharon(t, `tunnel ${k}`, tunnelView(text, k), theirs, s, {
        charonInitiated: true, gwAddress: lab.link.a.address, charonNet: charonHost(k),
      });
    }
  });
}

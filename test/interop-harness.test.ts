/**
 * The interop harness proven against charon alone, before ikegate can negotiate: two charons in
 * two namespaces establish IKEv1 PSK SAs and agree on SPIs and algorithms as read back through
 * the helpers, also with 30% packet loss; and a Main Mode message 1 built by our wire codec,
 * sent from another namespace, draws a message 2 from charon that our codec decodes.
 * Needs root, `ip netns`, strongSwan and nftables (bash scripts/setup installs them).
 */
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import t, { type Test } from 'tap';
import {
  attributeNumber,
  basicAttribute,
  decodeMessage,
  encodeMessage,
  ExchangeType,
  GroupDescription,
  IkeAttribute,
  IkeAuthMethod,
  IkeEncryption,
  IkeHash,
  IsakmpTransformId,
  LifeType,
  PayloadType,
  ProtocolId,
  type Transform,
} from '../src/ike/wire';
import { Charon, charonUnavailable, established, type CharonOptions, type ChildSa, type IkeSa } from './helpers/charon';
import { addLoss, Lab, netnsUnavailable, type Link, type TestLike } from './helpers/netns';

const PSK = 'interop harness key';
const INNER_R = '10.98.2.0/24';
const INNER_I = '10.98.1.0/24';
/** Tunnel k's initiator side: a /32 inside INNER_I, which the responder narrows its selector to. */
const innerI = (k: number): string => `10.98.1.${k + 1}/32`;

interface Scenario {
  readonly title: string;
  readonly ike: string;
  readonly esp: string;
  readonly aggressive?: boolean;
  /** IKE identities: the link addresses (ID_IPV4_ADDR) or host names (ID_FQDN). */
  readonly identities: 'address' | 'fqdn';
  /** The initiator starts when its config is loaded (start_action = start), not by swanctl --initiate. */
  readonly startOnLoad?: boolean;
  /** What both ends must report for the IKE SA and the CHILD_SA. */
  readonly expectIke: Pick<IkeSa, 'encrAlg' | 'encrKeysize' | 'integAlg' | 'prfAlg' | 'dhGroup'>;
  readonly expectChild: Pick<ChildSa, 'encrAlg' | 'encrKeysize' | 'integAlg' | 'dhGroup'>;
}

interface Pair {
  readonly lab: Lab;
  readonly link: Link;
  readonly i: Charon;
  readonly r: Charon;
  /** Initiator connection k is `init<k>` with child `net<k>`; the responder has one, `resp` / `net`. */
  readonly tunnels: number;
}

/**
 * Initiator charon in namespace i with `tunnels` connections, responder in r serving them all
 * with one connection. Several tunnels need distinct (FQDN) identities: with equal addresses and
 * identities charon reuses the first IKE SA for every connection's CHILD_SA (one Main Mode, all
 * children listed under one connection's name).
 */
async function charonPair(t: TestLike, s: Scenario, tunnels = 1, opts: CharonOptions = {}): Promise<Pair> {
  if (tunnels > 1 && s.identities !== 'fqdn') throw new RangeError('several tunnels need FQDN identities');
  const lab = Lab.create(t);
  const ni = await lab.namespace('i');
  const nr = await lab.namespace('r');
  const link = await lab.link(ni, nr);
  // kernel-libipsec needs a local address inside local_ts to route a CHILD_SA (charon.ts).
  for (let k = 0; k < tunnels; k++) await ni.addAddress(innerI(k));
  await nr.addAddress('10.98.2.1/32');
  const [i, r] = await Promise.all([Charon.start(ni, opts), Charon.start(nr, opts)]);
  const fqdn = s.identities === 'fqdn';
  const rId = fqdn ? 'r.interop.test' : link.b.address;
  await r.loadConfig([{
    name: 'resp', aggressive: s.aggressive, psk: PSK, localAddrs: link.b.address, localId: rId, ikeProposal: s.ike,
    children: [{ name: 'net', espProposal: s.esp, localTs: INNER_R, remoteTs: INNER_I }],
  }]);
  await i.loadConfig(Array.from({ length: tunnels }, (_, k) => ({
    name: `init${k}`, aggressive: s.aggressive, psk: PSK, localAddrs: link.a.address, remoteAddrs: link.b.address,
    localId: fqdn ? `i${k}.interop.test` : link.a.address, remoteId: rId, ikeProposal: s.ike, rekeyTime: 1200,
    children: [{
      name: `net${k}`, espProposal: s.esp, localTs: innerI(k), remoteTs: INNER_R, rekeyTime: 600, lifeTime: 660,
      startAction: s.startOnLoad ? 'start' as const : 'none' as const,
    }],
  })));
  return { lab, link, i, r, tunnels };
}

/**
 * Initiate every tunnel from i (unless loading did); for each, both ends must show the SAs up,
 * the responder's found by the initiator's IKE SPIs, with the same SPIs and algorithms.
 */
async function establishAndCompare(t: Test, pair: Pair, s: Scenario, timeoutMs: number): Promise<void> {
  const started = Date.now();
  const ks = Array.from({ length: pair.tunnels }, (_, k) => k);
  if (!s.startOnLoad) await Promise.all(ks.map((k) => pair.i.initiate(`net${k}`, { ike: `init${k}`, timeoutMs })));
  for (const k of ks) {
    const a = await pair.i.waitFor(`tunnel ${k}`, (sas) => established(sas, `init${k}`, `net${k}`), timeoutMs);
    const b = await pair.r.waitFor(`tunnel ${k}`, (sas) => established(sas.filter((sa) => sa.initiatorSpi === a.ike.initiatorSpi), 'resp', 'net'), timeoutMs);
    compare(t, pair, s, `tunnel ${k}: `, a, b, innerI(k));
  }
  t.comment(`${s.title}: ${pair.tunnels} tunnel(s) up on both ends ${Date.now() - started} ms after ${s.startOnLoad ? 'loading' : 'initiating'}`);
}

function compare(t: Test, pair: Pair, s: Scenario, tag: string, a: { ike: IkeSa; child: ChildSa }, b: { ike: IkeSa; child: ChildSa }, inner: string): void {
  t.ok(a.ike.initiator && !b.ike.initiator, `${tag}i initiated, r responded`);
  t.equal(a.ike.version, 1, `${tag}IKEv1`);
  t.equal(a.ike.responderSpi, b.ike.responderSpi, `${tag}same responder cookie on both ends (the initiator's matched)`);
  t.same([a.ike.remoteHost, b.ike.remoteHost], [pair.link.b.address, pair.link.a.address], `${tag}each end talks to the other`);
  for (const [side, sa] of [['i', a], ['r', b]] as const) {
    t.match(sa.ike, s.expectIke, `${tag}${side}: IKE algorithms`);
    t.match(sa.child, s.expectChild, `${tag}${side}: ESP algorithms`);
    // kernel-libipsec forces NAT-T: IKE floats to 4500 and ESP is UDP-encapsulated.
    t.equal(sa.ike.localPort, 4500, `${tag}${side}: IKE floated to 4500`);
    t.ok(sa.child.encap, `${tag}${side}: ESP in UDP`);
    t.equal(sa.child.mode, 'TUNNEL', `${tag}${side}: tunnel mode`);
  }
  t.equal(a.child.spiIn, b.child.spiOut, `${tag}i inbound SPI = r outbound SPI`);
  t.equal(a.child.spiOut, b.child.spiIn, `${tag}i outbound SPI = r inbound SPI`);
  t.not(a.child.spiIn, a.child.spiOut, `${tag}the two directions have their own SPIs`);
  t.same([a.child.localTs, a.child.remoteTs], [[inner], [INNER_R]], `${tag}i traffic selectors`);
  t.same([b.child.localTs, b.child.remoteTs], [[INNER_R], [inner]], `${tag}r traffic selectors, narrowed to i's`);
  // The generated rekey settings reached charon (which subtracts a random jitter).
  t.ok(a.child.rekeyTime !== undefined && a.child.rekeyTime <= 600, `${tag}CHILD_SA rekey in ${a.child.rekeyTime} s <= 600`);
  t.ok(a.child.lifeTime !== undefined && a.child.lifeTime <= 660, `${tag}CHILD_SA expiry in ${a.child.lifeTime} s <= 660`);
  t.ok(a.ike.rekeyTime !== undefined && a.ike.rekeyTime <= 1200, `${tag}IKE SA re-established in ${a.ike.rekeyTime} s <= 1200`);
}

const MAIN_MODE: Scenario = {
  title: 'Main Mode aes128-sha256-modp2048',
  ike: 'aes128-sha256-modp2048',
  identities: 'address',
  esp: 'aes128-sha1',
  expectIke: { encrAlg: 'AES_CBC', encrKeysize: 128, integAlg: 'HMAC_SHA2_256_128', prfAlg: 'PRF_HMAC_SHA2_256', dhGroup: 'MODP_2048' },
  expectChild: { encrAlg: 'AES_CBC', encrKeysize: 128, integAlg: 'HMAC_SHA1_96' },
};

const SCENARIOS: readonly Scenario[] = [
  MAIN_MODE,
  {
    title: 'Main Mode aes128-sha1-ecp256, started on load',
    ike: 'aes128-sha1-ecp256',
    identities: 'address',
    startOnLoad: true,
    esp: 'aes128-sha256',
    expectIke: { encrAlg: 'AES_CBC', encrKeysize: 128, integAlg: 'HMAC_SHA1_96', prfAlg: 'PRF_HMAC_SHA1', dhGroup: 'ECP_256' },
    expectChild: { encrAlg: 'AES_CBC', encrKeysize: 128, integAlg: 'HMAC_SHA2_256_128' },
  },
  {
    title: 'Main Mode 3des-sha1-modp1024',
    ike: '3des-sha1-modp1024',
    identities: 'address',
    esp: '3des-sha1',
    expectIke: { encrAlg: '3DES_CBC', integAlg: 'HMAC_SHA1_96', prfAlg: 'PRF_HMAC_SHA1', dhGroup: 'MODP_1024' },
    expectChild: { encrAlg: '3DES_CBC', integAlg: 'HMAC_SHA1_96' },
  },
  {
    title: 'Aggressive Mode aes256-sha256-modp2048, FQDN identities, PFS',
    ike: 'aes256-sha256-modp2048',
    esp: 'aes256-sha256-modp2048',
    aggressive: true,
    identities: 'fqdn',
    expectIke: { encrAlg: 'AES_CBC', encrKeysize: 256, integAlg: 'HMAC_SHA2_256_128', prfAlg: 'PRF_HMAC_SHA2_256', dhGroup: 'MODP_2048' },
    expectChild: { encrAlg: 'AES_CBC', encrKeysize: 256, integAlg: 'HMAC_SHA2_256_128', dhGroup: 'MODP_2048' },
  },
];

const skip = netnsUnavailable() ?? charonUnavailable();
if (skip) t.plan(0, skip);
else {
  for (const s of SCENARIOS) {
    t.test(`two charons: ${s.title}`, async (t) => {
      const pair = await charonPair(t, s);
      await establishAndCompare(t, pair, s, 15_000);
    });
  }

  t.test('addLoss drops about 30% of what leaves a link end, and nothing else is lost', async (t) => {
    const lab = Lab.create(t);
    const a = await lab.namespace('a');
    const b = await lab.namespace('b');
    const link = await lab.link(a, b);
    const loss = await addLoss(link.a, 30);
    const [tx, rx] = await Promise.all([a.udp(link.a.address, 4000), b.udp(link.b.address, 4000)]);
    const sent = 200;
    for (let n = 0; n < sent; n++) tx.send(link.b.address, 4000, Buffer.from([n & 0xff]));
    let received = 0;
    // Everything has arrived once the line is quiet for half a second.
    while (await rx.receive(500).then(() => true, () => false)) received += 1;
    await Promise.all([tx.close(), rx.close()]);
    const dropped = await loss.dropped();
    t.equal(received + dropped, sent, `${received} arrived, ${dropped} dropped`);
    // Binomial(200, 0.3): mean 60, standard deviation 6.5; this range is beyond 4.5 deviations.
    t.ok(dropped >= 30 && dropped <= 90, `${dropped} of ${sent} dropped, about 30%`);
  });

  t.test('two charons: Main Mode, 6 tunnels at once, 30% loss on the initiator\'s egress: all establish', async (t) => {
    // Six tunnels send about 30 packets into the loss, so some are dropped in all but
    // 0.7^30 = 2e-5 of runs. The retries are charon's own, but quicker than its defaults (4 s,
    // x1.8, 5 retransmits: four losses in a row, p = 0.8%, already cost 47 s): from 1 s, x1.2,
    // 10 retransmits, seven losses in a row (p = 2e-4) cost 13 s and giving up takes 11 (p = 2e-6).
    const lossy: Scenario = { ...MAIN_MODE, title: 'Main Mode, FQDN identities, 30% loss', identities: 'fqdn' };
    const pair = await charonPair(t, lossy, 6, { retransmit: { timeout: 1, base: 1.2, tries: 10 } });
    const loss = await addLoss(pair.link.a, 30);
    await establishAndCompare(t, pair, lossy, 45_000);
    const dropped = await loss.dropped();
    t.ok(dropped > 0, `the loss dropped ${dropped} of the initiator's packets`);
  });

  t.test('our codec\'s Main Mode message 1 draws a message 2 from charon that our codec decodes', async (t) => {
    const lab = Lab.create(t);
    const nr = await lab.namespace('r');
    const np = await lab.namespace('p');
    const link = await lab.link(np, nr);
    const r = await Charon.start(nr);
    await r.loadConfig([{
      name: 'resp', psk: PSK, localAddrs: link.b.address, localId: link.b.address, ikeProposal: 'aes256-sha256-modp2048',
      children: [{ name: 'net', espProposal: 'aes256-sha256', localTs: INNER_R, remoteTs: INNER_I }],
    }]);

    const natTVid = createHash('md5').update('RFC 3947').digest();
    const offered: Transform = {
      number: 1,
      transformId: IsakmpTransformId.KEY_IKE,
      attributes: [
        basicAttribute(IkeAttribute.ENCRYPTION_ALGORITHM, IkeEncryption.AES_CBC),
        basicAttribute(IkeAttribute.KEY_LENGTH, 256),
        basicAttribute(IkeAttribute.HASH_ALGORITHM, IkeHash.SHA2_256),
        basicAttribute(IkeAttribute.AUTHENTICATION_METHOD, IkeAuthMethod.PRE_SHARED_KEY),
        basicAttribute(IkeAttribute.GROUP_DESCRIPTION, GroupDescription.MODP_2048),
        basicAttribute(IkeAttribute.LIFE_TYPE, LifeType.SECONDS),
        basicAttribute(IkeAttribute.LIFE_DURATION, 28800),
      ],
    };
    const cookie = randomBytes(8);
    const message1 = encodeMessage({
      header: { initiatorCookie: cookie, responderCookie: Buffer.alloc(8), exchangeType: ExchangeType.IDENTITY_PROTECTION, flags: 0, messageId: 0 },
      payloads: [
        { type: PayloadType.SA, proposals: [{ number: 1, protocolId: ProtocolId.ISAKMP, spi: Buffer.alloc(0), transforms: [offered] }] },
        { type: PayloadType.VID, data: natTVid },
      ],
    });

    const socket = await np.udp(link.a.address, 500);
    socket.send(link.b.address, 500, message1);
    const reply = await socket.receive(5_000);
    await socket.close();
    t.same([reply.from, reply.port], [link.b.address, 500], 'answered from charon\'s port 500');

    const message2 = decodeMessage(reply.data);
    t.equal(message2.header.exchangeType, ExchangeType.IDENTITY_PROTECTION, 'Main Mode');
    t.same(message2.header.initiatorCookie, cookie, 'our cookie comes back');
    t.not(message2.header.responderCookie.toString('hex'), '0000000000000000', 'charon chose its cookie');
    t.equal(message2.header.messageId, 0, 'message id 0');
    t.equal(message2.header.flags, 0, 'not encrypted');

    const sa = message2.payloads.find((p) => p.type === PayloadType.SA);
    t.equal(sa?.proposals.length, 1, 'one proposal chosen');
    const transforms = sa?.proposals[0].transforms ?? [];
    t.equal(transforms.length, 1, 'one transform chosen');
    const chosen = (type: number): number | undefined => {
      const a = transforms[0]?.attributes.find((x) => x.type === type);
      return a && attributeNumber(a);
    };
    t.same(
      [IkeAttribute.ENCRYPTION_ALGORITHM, IkeAttribute.KEY_LENGTH, IkeAttribute.HASH_ALGORITHM, IkeAttribute.AUTHENTICATION_METHOD,
        IkeAttribute.GROUP_DESCRIPTION].map(chosen),
      [IkeEncryption.AES_CBC, 256, IkeHash.SHA2_256, IkeAuthMethod.PRE_SHARED_KEY, GroupDescription.MODP_2048],
      'the offered aes256/sha256/psk/group 14 transform is chosen',
    );
    const vids = message2.payloads.flatMap((p) => (p.type === PayloadType.VID ? [p.data.toString('hex')] : []));
    t.ok(vids.includes(natTVid.toString('hex')), 'charon answers the RFC 3947 NAT-T vendor ID');

    const log = readFileSync(r.logFile, 'utf8');
    t.match(log, /parsed ID_PROT request 0 \[ SA V \]/, 'charon parsed our message 1 as SA + VID');
    t.match(log, /selected proposal: IKE:AES_CBC_256\/HMAC_SHA2_256_128\/PRF_HMAC_SHA2_256\/MODP_2048/, 'charon read our transform');
  });
}

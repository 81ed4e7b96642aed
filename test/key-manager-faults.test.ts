/**
 * The key manager when the network or the peer misbehaves: lost datagrams (retransmission,
 * giving up), duplicates (answered from the cache, no second state), a wrong pre-shared key
 * and a proposal mismatch (no SA either side), a NAT in the path (float to 4500).
 */
import { randomBytes } from 'node:crypto';
import t from 'tap';
import { notifyMessage } from '../src/ike/exchange/informational';
import { ExchangeType, NotifyType } from '../src/ike/wire';
import { ADDRESS_A, ADDRESS_B } from './helpers/ike-exchange-harness';
import { keyManagerPair, logged, nextIpsecSa, quiet, sasFrom, trafficAtoB, until, type Pair, type Wire } from './helpers/key-manager-pair';

/** A's Quick Mode messages after the first one (message 3, and resends of it). */
function quickModeConfirmation(): (wire: Wire) => boolean {
  let seen = 0;
  return (wire) => {
    if (wire.from.address !== ADDRESS_A || wire.message[18] !== ExchangeType.QUICK_MODE) return false;
    return ++seen > 1;
  };
}

/** A pair whose A initiates with `drop` in the path, once A installed on Quick Mode message 2. */
async function quickModeUpAtA(t: Tap.Test, drop: (wire: Wire) => boolean): Promise<Pair> {
  const pair = await keyManagerPair();
  t.teardown(() => pair.close());
  pair.net.drop = drop;
  trafficAtoB(pair);
  await until(async () => {
    await quiet(pair.net);
    return pair.a.km.table.ipsecSas().length === 1;
  }, 5000, 'A installed on message 2');
  return pair;
}

async function sameSasAtBothEnds(t: Tap.Test, pair: Pair): Promise<void> {
  const [out] = await sasFrom(pair.a.backend, ADDRESS_A, ADDRESS_B);
  const [inB] = await sasFrom(pair.b.backend, ADDRESS_A, ADDRESS_B);
  t.equal(inB.spec.spi, out.spec.spi, 'the same SAs at both ends');
}

async function nothingLeft(t: Tap.Test, pair: Pair): Promise<void> {
  for (const s of [pair.a, pair.b]) {
    const name = s.gw.config.hostname;
    t.equal(s.km.table.ikeSas().length, 0, `${name}: no IKE SA`);
    t.equal(s.km.table.ipsecSas().length, 0, `${name}: no IPsec SA`);
    t.equal(s.km.phase1Exchanges().length, 0, `${name}: no phase 1 in progress`);
    t.same(await s.backend.listSas(), [], `${name}: nothing in the kernel`);
  }
}

t.test('a lost first message is retransmitted and the tunnel comes up', async (t) => {
  const pair = await keyManagerPair();
  t.teardown(() => pair.close());
  pair.net.drop = (_wire, index) => index === 0;
  const installed = Promise.all([nextIpsecSa(pair.a), nextIpsecSa(pair.b)]);
  trafficAtoB(pair);
  await quiet(pair.net);
  t.equal(pair.net.log.length, 1, 'one datagram sent, and lost');
  t.equal(pair.b.km.phase1Exchanges().length, 0, 'B saw nothing');
  pair.clock.advance(1000);
  await installed;
  t.same(pair.net.log[1].message, pair.net.log[0].message, 'the same message again after the first wait');
  t.equal(trafficAtoB(pair).verdict, 'protected');
});

t.test('a lost answer: the retransmitted request is answered from the cache, not processed again', async (t) => {
  const pair = await keyManagerPair();
  t.teardown(() => pair.close());
  // Lose B's message 6 once: A sends message 5 again, B (already done) sends 6 again.
  let lost = false;
  pair.net.drop = (wire) => {
    if (lost || wire.from.address !== ADDRESS_B || wire.message.length !== pair.net.log.filter((w) => w.from.address === ADDRESS_B)[2]?.message.length) return false;
    lost = true;
    return true;
  };
  const installed = Promise.all([nextIpsecSa(pair.a), nextIpsecSa(pair.b)]);
  trafficAtoB(pair);
  await until(() => lost && pair.b.km.table.ikeSas().length === 1, 5000, 'B established, its answer lost');
  await quiet(pair.net);
  t.equal(pair.a.km.table.ikeSas().length, 0, 'A still waits for message 6');
  pair.clock.advance(1000);
  await installed;
  await quiet(pair.net);
  t.equal(pair.b.km.table.ikeSas().length, 1, 'B still has exactly one IKE SA');
  t.ok(logged(pair.b, 'answered from the duplicate cache').length >= 1, 'B answered from its cache');
});

t.test('no answer at all: the initiator gives up and nothing is left', async (t) => {
  const pair = await keyManagerPair();
  t.teardown(() => pair.close());
  pair.net.drop = () => true;
  trafficAtoB(pair);
  await quiet(pair.net);
  for (const wait of [1000, 2000, 4000]) {
    pair.clock.advance(wait);
    await quiet(pair.net);
  }
  t.equal(pair.net.log.length, 3, 'sent once and retransmitted twice');
  t.ok(logged(pair.a, 'no answer from 198.51.100.2 after 3 transmissions').length === 1, 'the failure names the peer');
  await nothingLeft(t, pair);
});

t.test('every datagram twice: one IKE SA, one bundle, duplicates answered from the cache', async (t) => {
  const pair = await keyManagerPair();
  t.teardown(() => pair.close());
  const seen = new Set<string>();
  pair.net.duplicate = (wire) => {
    const key = wire.message.toString('hex');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  };
  const installed = Promise.all([nextIpsecSa(pair.a), nextIpsecSa(pair.b)]);
  trafficAtoB(pair);
  await installed;
  await quiet(pair.net);
  t.same([pair.a.km.table.ikeSas().length, pair.b.km.table.ikeSas().length], [1, 1], 'one IKE SA each');
  t.same([pair.a.km.table.ipsecSas().length, pair.b.km.table.ipsecSas().length], [1, 1], 'one bundle each');
  t.equal((await pair.b.backend.listSas()).length, 2, 'no stray SAs at B');
  t.ok(logged(pair.b, 'answered from the duplicate cache').length >= 3, 'B resent its answers');
  t.equal(trafficAtoB(pair).verdict, 'protected');
});

t.test('a wrong pre-shared key: authentication fails, no SA either side', async (t) => {
  const pair = await keyManagerPair({ a: { key: 'secret' }, b: { key: 'other-secret' } });
  t.teardown(() => pair.close());
  trafficAtoB(pair);
  await until(async () => {
    await quiet(pair.net);
    return pair.a.km.phase1Exchanges().length === 0 && pair.b.km.phase1Exchanges().length === 0;
  }, 5000, 'both phase 1s ended');
  t.match(String(logged(pair.b, 'negotiation failed')[0]?.msg), /pre-shared keys (probably )?differ/, 'B says why');
  t.equal(logged(pair.a, 'negotiation failed')[0]?.notify, 'AUTHENTICATION_FAILED', 'A learns of it by notification');
  t.ok(logged(pair.a, 'phase 1 did not complete').length === 1, 'the waiting Quick Mode is dropped');
  await nothingLeft(t, pair);
  t.notMatch(JSON.stringify([...pair.a.logs, ...pair.b.logs]), /other-secret|"secret"/, 'the keys never reach the log');
});

t.test('no common transform set: NO_PROPOSAL_CHOSEN ends the Quick Mode, no SA either side', async (t) => {
  const pair = await keyManagerPair({
    a: { transformSets: [{ name: 'A', transforms: [{ name: 'esp-3des' }, { name: 'esp-md5-hmac' }] }] },
    b: { transformSets: [{ name: 'B', transforms: [{ name: 'esp-aes', keyBits: 256 }, { name: 'esp-sha256-hmac' }] }] },
  });
  t.teardown(() => pair.close());
  trafficAtoB(pair);
  await until(async () => {
    await quiet(pair.net);
    return logged(pair.a, 'peer refused with NO_PROPOSAL_CHOSEN').length > 0;
  }, 5000, 'the refusal');
  await quiet(pair.net);
  t.equal(pair.a.km.table.ipsecSas().length, 0);
  t.equal(pair.b.km.table.ipsecSas().length, 0);
  t.same(await pair.a.backend.listSas(), [], 'A released its reserved SPI');
  t.same(await pair.b.backend.listSas(), [], 'B released its reserved SPI');
  t.equal(pair.a.km.table.ikeSas().length, 1, 'phase 1 itself succeeded');
});

t.test('a NAT in front of A: both float to 4500 and the SAs carry the encapsulation ports', async (t) => {
  const pair = await keyManagerPair({
    edit: (_a, b) => {
      // B knows A by its public address.
      b.isakmp.keys[0].target = { kind: 'address', address: '203.0.113.9', mask: '255.255.255.255' };
      b.cryptoMaps[0].entries[0].peers = ['203.0.113.9'];
    },
  });
  t.teardown(() => pair.close());
  pair.net.nat = { inside: ADDRESS_A, outside: '203.0.113.9' };
  const installed = Promise.all([nextIpsecSa(pair.a), nextIpsecSa(pair.b)]);
  trafficAtoB(pair);
  await installed;
  await quiet(pair.net);
  const [ikeA] = pair.a.km.table.ikeSas();
  t.ok(ikeA.natT.natLocal, 'A sees it is behind a NAT');
  t.equal(ikeA.local.port, 4500, 'A floated');
  t.ok(pair.net.log.some((w) => w.from.address === ADDRESS_A && w.via === 'nat-t'), 'A sent on its NAT-T port');
  const [outA] = await sasFrom(pair.a.backend, ADDRESS_A, ADDRESS_B);
  t.same(outA.spec.encap, { type: 'espinudp', sport: 4500, dport: 4500 }, 'A encapsulates from 4500 to 4500');
  const [inB] = await sasFrom(pair.b.backend, '203.0.113.9', ADDRESS_B);
  t.same(inB.spec.encap, { type: 'espinudp', sport: 44500, dport: 4500 }, 'B expects ESP from the NAT\'s mapped port');
  t.equal(inB.spec.spi, outA.spec.spi);
});

t.test('Quick Mode message 3 lost for good: B installs the SAs when it gives up waiting', async (t) => {
  const pair = await quickModeUpAtA(t, quickModeConfirmation());
  t.equal(pair.b.km.table.ipsecSas().length, 0, 'B waits for message 3');
  for (const wait of [1000, 2000, 4000]) {
    pair.clock.advance(wait);
    await quiet(pair.net);
  }
  t.equal(pair.b.km.table.ipsecSas().length, 1, 'B installed the SAs A confirmed');
  t.ok(logged(pair.b, 'never came').length === 1);
  await sameSasAtBothEnds(t, pair);
});

t.test('Quick Mode message 3 lost twice: B repeats message 2 (1 s, then every 2 s) until A\'s copy of message 3 gets through', async (t) => {
  const confirmation = quickModeConfirmation();
  let copies = 0;
  const pair = await quickModeUpAtA(t, (wire) => confirmation(wire) && ++copies <= 2);
  const start = pair.clock.now();
  const fromB = (): number[] => pair.net.log.filter((w) => w.from.address === ADDRESS_B && w.message[18] === ExchangeType.QUICK_MODE).map(() => pair.clock.now() - start);
  for (const wait of [1000, 2000]) {
    pair.clock.advance(wait);
    await quiet(pair.net);
  }
  t.equal(copies, 3, 'A sent message 3 once and again on each repeated message 2; the first two were lost');
  t.equal(fromB().length, 3, 'B sent message 2 three times: at once, after 1 s, then 2 s later (not 4)');
  t.equal(pair.b.km.table.ipsecSas().length, 1, 'B installed on the copy that got through');
  t.equal(logged(pair.b, 'never came').length, 0, 'on message 3 itself, not by giving up');
  await sameSasAtBothEnds(t, pair);
});

t.test('Quick Mode message 3 lost and the initiator answers the resent message 2 with an error: B installs at once', async (t) => {
  const pair = await quickModeUpAtA(t, quickModeConfirmation());
  pair.clock.advance(1000);
  await quiet(pair.net);
  t.equal(pair.b.km.table.ipsecSas().length, 0, 'B resent message 2 and still waits');
  // What charon does with a message 2 of a Quick Mode it finished: it cannot decrypt it.
  const [ikeA] = pair.a.km.table.ikeSas();
  pair.net.inject({ address: ADDRESS_A, port: 500 }, { address: ADDRESS_B, port: 500 }, notifyMessage(ikeA, { notifyType: NotifyType.PAYLOAD_MALFORMED }, randomBytes));
  await quiet(pair.net);
  t.equal(pair.b.km.table.ipsecSas().length, 1, 'B installed without waiting for more retransmissions');
  t.ok(logged(pair.b, 'no longer reads Quick Mode message 2').length === 1);
});

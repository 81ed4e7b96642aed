/**
 * The initiation limit: at most `initiationLimit` phase-1 exchanges we initiated run at once;
 * further peers wait and start oldest first as places free (an exchange done, failed or timed
 * out), each peer once however many of its flows wait; a waiting peer whose crypto map entry
 * went meanwhile is dropped, and closing the key manager drops the waiting ones.
 */
import t from 'tap';
import type { AclEntry, Config } from '../src/config/model';
import { ExchangeType } from '../src/ike/wire';
import { ADDRESS_A, ADDRESS_B } from './helpers/ike-exchange-harness';
import { keyManagerPair, logged, quiet, type Pair } from './helpers/key-manager-pair';

const LIMIT = 2;

/** Peers that never answer (nothing listens at their addresses), by name. */
const DEAD: Record<string, string> = Object.fromEntries(
  ['D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'D7', 'D8'].map((name, i) => [name, `203.0.113.${i + 1}`]),
);
const NAMES = new Map<string, string>([[ADDRESS_B, 'B'], ...Object.entries(DEAD).map(([name, address]) => [address, name] as [string, string])]);

/** A's traffic towards a peer's LAN: 10.2/16 for B, 10.3x.0.0/16 (and 10.13x for a second line) for Dx. */
function lan(name: string, second = false): string {
  return name === 'B' ? '10.2.0.0' : `10.${second ? 1 : ''}3${name.slice(1)}.0.0`;
}

const line = (destination: string): AclEntry => ({
  action: 'permit', protocol: 'ip',
  source: { kind: 'wildcard', address: '10.1.0.0', wildcard: '0.0.255.255' },
  destination: { kind: 'wildcard', address: destination, wildcard: '0.0.255.255' },
});

/** A: one crypto map entry per dead peer (D3's with two lines, two flows), a key for any peer. */
function deadPeers(a: Config): void {
  const entries = a.cryptoMaps[0]?.entries;
  if (!entries) throw new Error('no crypto map');
  Object.entries(DEAD).forEach(([name, address], i) => {
    a.accessLists[name] = name === 'D3' ? [line(lan(name)), line(lan(name, true))] : [line(lan(name))];
    entries.push({ seq: 20 + i, peers: [address], transformSets: ['TS'], matchAddress: name });
  });
  a.isakmp.keys.push({ key: 'secret', target: { kind: 'address', address: '0.0.0.0', mask: '0.0.0.0' }, noXauth: false });
}

/** Peers A has sent a first Main Mode message to, in order: one per phase 1 (its initiator cookie). */
function started(pair: Pair): string[] {
  const cookies = new Set<string>();
  const peers: string[] = [];
  for (const w of pair.net.log) {
    const m = w.message;
    if (w.from.address !== ADDRESS_A || m[18] !== ExchangeType.IDENTITY_PROTECTION || !m.subarray(8, 16).equals(Buffer.alloc(8))) continue;
    const cookie = m.subarray(0, 8).toString('hex');
    if (cookies.has(cookie)) continue;
    cookies.add(cookie);
    peers.push(NAMES.get(w.to.address) ?? w.to.address);
  }
  return peers;
}

/** A's phase-1 exchanges as initiator, by peer name. */
function inFlight(pair: Pair): string[] {
  return pair.a.km.phase1Exchanges().filter((s) => s.role === 'initiator').map((s) => NAMES.get(s.peer) ?? s.peer).sort();
}

/** Traffic from A's LAN that needs a tunnel: an ACQUIRE for that peer's crypto map line. */
function traffic(pair: Pair, name: string, second = false): void {
  const dst = lan(name, second).replace(/0$/, '7');
  const verdict = pair.a.backend.simulateTraffic({ src: '10.1.0.5', dst, proto: 1 }).verdict;
  if (verdict !== 'acquire') throw new Error(`traffic to ${name} (${dst}): ${verdict}, not acquire`);
}

t.test('phase 1s beyond the limit wait their turn, in order, each peer once', async (t) => {
  const pair = await keyManagerPair({ edit: (a) => deadPeers(a), sides: { a: { initiationLimit: LIMIT } } });
  t.teardown(() => pair.close());
  // Sampled at every datagram A sends: a phase 1 is in the table before its first message.
  let most = 0;
  pair.net.drop = () => {
    most = Math.max(most, inFlight(pair).length);
    return false;
  };

  for (const name of ['D1', 'D2', 'D3', 'B']) traffic(pair, name);
  traffic(pair, 'D3', true); // a second flow with a peer already waiting
  for (const name of ['D4', 'D5', 'D6', 'D7', 'D8']) traffic(pair, name);
  await quiet(pair.net);
  t.same(inFlight(pair), ['D1', 'D2'], 'the first two run');
  t.same(started(pair), ['D1', 'D2'], 'nothing else was sent a first message');

  // D4's entry goes while D4 waits.
  const config = pair.a.gw.config;
  const map = config.cryptoMaps[0];
  if (!map) throw new Error('no crypto map');
  map.entries = map.entries.filter((e) => !e.peers.includes(DEAD.D4 as string));
  await pair.a.km.configChanged();

  // D1 and D2 time out (1 + 2 + 4 s): D3 and B start; B answers and finishes, so D5 (D4
  // being gone) takes its place.
  for (let s = 0; s < 7; s++) {
    pair.clock.advance(1000);
    await quiet(pair.net);
  }
  t.same(started(pair), ['D1', 'D2', 'D3', 'B', 'D5'], 'started oldest first as places freed; D4 skipped');
  t.same(inFlight(pair), ['D3', 'D5'], 'a timed-out and a finished exchange freed their places');
  t.equal(pair.a.km.table.ipsecSas().filter((sa) => sa.remote.address === ADDRESS_B).length, 1, 'the tunnel with B came up');
  t.ok(logged(pair.a, `${DEAD.D4}`).some((r) => String(r.msg).includes('crypto map entry')), 'dropping D4 is logged');

  // Failed exchanges free their places too: clear crypto isakmp cancels D3 and D5.
  await pair.a.km.clearIsakmp();
  await quiet(pair.net);
  t.same(started(pair), ['D1', 'D2', 'D3', 'B', 'D5', 'D6', 'D7'], 'D6 and D7 start after two failures');
  t.same(inFlight(pair), ['D6', 'D7']);
  t.equal(started(pair).filter((p) => p === 'D3').length, 1, 'D3, with two flows waiting, had one phase 1');

  // Closing drops D8, still waiting.
  await pair.a.km.close();
  for (let s = 0; s < 10; s++) {
    pair.clock.advance(1000);
    await quiet(pair.net);
  }
  t.same(inFlight(pair), [], 'nothing runs after close');
  t.notOk(started(pair).includes('D8'), 'D8 never started');
  t.equal(most, LIMIT, `never more than ${LIMIT} at once`);
});

/**
 * PolicySync's incremental paths against its full pass: whatever SAs come and go (addSa,
 * removeSa) between configuration changes (apply), the kernel holds exactly the policies a
 * full apply(desiredPolicies(...)) of the same configuration and SAs installs. Then the key
 * manager's removal paths (clear crypto sa, kernel hard expiry, shutdown) on a dynamic-map
 * responder.
 */
import t from 'tap';
import pino from 'pino';
import type { AclEntry, Config } from '../src/config/model';
import { desiredPolicies, PolicySync } from '../src/ike/key-manager/policy-sync';
import { Reqids } from '../src/ike/key-manager/reqids';
import type { ProxyId } from '../src/ike/policy/proxy-id';
import type { IpsecSa } from '../src/ike/sa';
import { IdType } from '../src/ike/wire';
import { MemoryBackend } from '../src/kernel/memory-backend';
import type { PolicyState } from '../src/kernel/sad-backend';
import { ADDRESS_B, gatewayPair, phase1, quickMode, type Gateway } from './helpers/ike-exchange-harness';
import { keyManagerPair, quiet, until } from './helpers/key-manager-pair';

const silent = pino({ level: 'silent' });

/** A deterministic PRNG (mulberry32), so a failing sequence can be replayed. */
function prng(seed: number): (n: number) => number {
  let s = seed >>> 0;
  return (n) => {
    s = (s + 0x6d2b79f5) >>> 0;
    let x = Math.imul(s ^ (s >>> 15), 1 | s);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return Math.floor((((x ^ (x >>> 14)) >>> 0) / 4294967296) * n);
  };
}

const subnet = (address: string, mask: string, protocolId = 0, port = 0): ProxyId =>
  ({ identity: { idType: IdType.IPV4_ADDR_SUBNET, address, mask }, protocolId, port });
const host = (address: string, protocolId = 0, port = 0): ProxyId => ({ identity: { idType: IdType.IPV4_ADDR, address }, protocolId, port });
const range = (start: string, end: string): ProxyId => ({ identity: { idType: IdType.IPV4_ADDR_RANGE, start, end }, protocolId: 0, port: 0 });

/** Proxies on A's side and the peer's: one pair is A's crypto map line (10.1/16 - 10.2/16), a range has no selector. */
const LOCALS = [subnet('10.1.0.0', '255.255.0.0'), subnet('10.1.1.0', '255.255.255.0'), host('10.1.3.3'), host('10.1.4.4', 6, 80), range('10.1.5.1', '10.1.5.9')];
const REMOTES = [subnet('10.2.0.0', '255.255.0.0'), subnet('10.2.5.0', '255.255.255.0'), host('10.2.6.6', 6, 0)];
const PEERS = [ADDRESS_B, '203.0.113.9'];

/** A bundle A negotiated with B, to vary. */
function negotiated(a: Gateway, b: Gateway): IpsecSa {
  const p1 = phase1(a, b);
  if (!p1.ikeSaI || !p1.ikeSaR) throw new Error('phase 1 failed');
  const sa = quickMode(a, b, { ikeSaI: p1.ikeSaI, ikeSaR: p1.ikeSaR }).saI;
  if (!sa) throw new Error('quick mode failed');
  return sa;
}

/** Policies as comparable text, whatever their installation order and kernel index. */
function canonical(states: readonly PolicyState[]): string[] {
  return states.map((p) => JSON.stringify(p.spec)).sort();
}

/** What a full pass from scratch installs for this configuration and these SAs. */
async function fullPass(config: Readonly<Config>, gw: Gateway, reqids: Reqids, sas: readonly IpsecSa[]): Promise<{ policies: string[]; origins: string }> {
  const backend = new MemoryBackend();
  const sync = new PolicySync(backend, silent);
  await sync.apply(desiredPolicies(config, gw.engine, reqids, sas));
  const result = { policies: canonical(await backend.listPolicies()), origins: JSON.stringify(sync.origins()) };
  await backend.close();
  return result;
}

t.test('SAs added and removed one at a time leave the policies a full pass makes', async (t) => {
  const { a, b } = gatewayPair();
  const template = negotiated(a, b);
  const config = a.config;
  // A second crypto map line, toggled below, that covers some SAs' traffic.
  const extraLine: AclEntry = {
    action: 'permit', protocol: 'ip',
    source: { kind: 'wildcard', address: '10.1.1.0', wildcard: '0.0.0.255' },
    destination: { kind: 'wildcard', address: '10.2.5.0', wildcard: '0.0.0.255' },
  };
  const random = prng(20261122);
  const reqids = new Reqids();
  const backend = new MemoryBackend();
  t.teardown(() => backend.close());
  const sync = new PolicySync(backend, silent);
  await sync.apply(desiredPolicies(config, a.engine, reqids, []));
  const live: IpsecSa[] = [];
  const gone: IpsecSa[] = [];
  const counts = { add: 0, remove: 0, config: 0, stale: 0 };
  for (let step = 0; step < 300; step++) {
    const roll = random(100);
    if (roll < 45 || live.length === 0) {
      const sa: IpsecSa = {
        ...template,
        localProxy: LOCALS[random(LOCALS.length)] as ProxyId,
        remoteProxy: REMOTES[random(REMOTES.length)] as ProxyId,
        remote: { ...template.remote, address: PEERS[random(PEERS.length)] as string },
        mode: random(2) === 0 ? 'tunnel' : 'transport',
      };
      live.push(sa);
      await sync.addSa(reqids, sa);
      counts.add++;
    } else if (roll < 85) {
      const [sa] = live.splice(random(live.length), 1) as [IpsecSa];
      gone.push(sa);
      await sync.removeSa(reqids, sa);
      counts.remove++;
    } else if (roll < 95) {
      const lines = config.accessLists['101'];
      if (lines.includes(extraLine)) lines.splice(lines.indexOf(extraLine), 1);
      else lines.unshift(extraLine);
      await sync.apply(desiredPolicies(config, a.engine, reqids, live));
      counts.config++;
    } else if (gone.length > 0) {
      // An SA removed twice (a peer's Delete racing an expiry) changes nothing.
      await sync.removeSa(reqids, gone[random(gone.length)] as IpsecSa);
      counts.stale++;
    }
    const full = await fullPass(config, a, reqids, live);
    const policies = canonical(await backend.listPolicies());
    if (JSON.stringify(policies) !== JSON.stringify(full.policies) || JSON.stringify(sync.origins()) !== full.origins) {
      t.same(policies, full.policies, `step ${step}: the policies of a full pass`);
      t.equal(JSON.stringify(sync.origins()), full.origins, `step ${step}: the crypto map lines of a full pass`);
      return;
    }
  }
  t.pass(`300 steps equal to a full pass (${JSON.stringify(counts)})`);
  t.ok(counts.add > 50 && counts.remove > 50 && counts.config > 5 && counts.stale > 0, 'every kind of step ran');
});

t.test('removing the SA whose policies stand for a selector hands them to the next SA with that traffic', async (t) => {
  const { a, b } = gatewayPair();
  const template = negotiated(a, b);
  const reqids = new Reqids();
  const backend = new MemoryBackend();
  t.teardown(() => backend.close());
  const sync = new PolicySync(backend, silent);
  const proxies = { localProxy: host('10.1.3.3'), remoteProxy: host('10.2.6.6') };
  const first: IpsecSa = { ...template, ...proxies, mode: 'tunnel' };
  const second: IpsecSa = { ...template, ...proxies, remote: { ...template.remote, address: '203.0.113.9' }, mode: 'transport' };
  await sync.addSa(reqids, first);
  await sync.addSa(reqids, second);
  const dirs = async (): Promise<string[]> => (await backend.listPolicies()).map((p) => `${p.spec.dir} ${p.spec.templates.map((x) => `${x.mode} ${x.dst ?? ''}`).join()}`).sort();
  t.same(await dirs(), [`fwd tunnel ${template.local.address}`, `in tunnel ${template.local.address}`, `out tunnel ${ADDRESS_B}`], 'the first SA decides');
  await sync.removeSa(reqids, first);
  t.same(await dirs(), ['in transport ', 'out transport '], 'the second takes over: transport mode, no fwd policy');
  await sync.removeSa(reqids, second);
  t.same(await backend.listPolicies(), [], 'the last one takes them with it');
});

t.test('a dynamic-map responder removes the policies of cleared, expired and shut-down SAs only', async (t) => {
  const flows = 6;
  const pair = await keyManagerPair({
    edit: (a, b) => {
      a.accessLists['101'] = Array.from({ length: flows }, (_, i) => ({
        action: 'permit' as const, protocol: 'ip',
        source: { kind: 'host' as const, address: `10.1.0.${i + 1}` },
        destination: { kind: 'wildcard' as const, address: '10.2.0.0', wildcard: '0.0.255.255' },
      }));
      (a.cryptoMaps[0]?.entries[0] as { autoUp?: boolean }).autoUp = true;
      b.dynamicMaps = [{ tag: 'DYN', entries: [{ seq: 10, peers: [], transformSets: ['TS'] }] }];
      b.cryptoMaps[0].entries = [{ seq: 10, dynamicMap: 'DYN', peers: [], transformSets: [] }];
    },
  });
  t.teardown(() => pair.close());
  pair.clock.advance(1000);
  await until(async () => {
    await quiet(pair.net);
    return pair.b.km.table.ipsecSas().length === flows;
  }, 10000, 'the tunnels');
  const b = pair.b;
  const outSources = async (): Promise<string[]> => (await b.backend.listPolicies()).filter((p) => p.spec.dir === 'out').map((p) => p.spec.selector.dst.address).sort();
  const all = Array.from({ length: flows }, (_, i) => `10.1.0.${i + 1}`);
  t.same(await outSources(), all, 'one out policy per negotiated flow');
  t.equal((await b.backend.listPolicies()).length, flows * 3, 'out, in and fwd each');

  // A does not hear of it: its auto-up would bring the tunnels back.
  pair.net.drop = () => true;
  const [cleared, expired] = b.km.table.ipsecSas() as [IpsecSa, IpsecSa];
  const spiOf = (sa: IpsecSa): number => (sa.protocols[0]?.inbound.spi as Buffer).readUInt32BE(0);
  await b.km.clearIpsec({ kind: 'entry', destination: cleared.local.address, protocol: 'esp', spi: spiOf(cleared) });
  // The kernel's hard expiry of one SA of the bundle.
  b.backend.emit('expire', { sa: { src: expired.remote.address, dst: expired.local.address, proto: 'esp', spi: spiOf(expired) }, reqid: 0, hard: true });
  await quiet(pair.net);
  await b.km.inspect(() => undefined);
  const left = b.km.table.ipsecSas().map((sa) => (sa.remoteProxy.identity as { address: string }).address).sort();
  t.equal(left.length, flows - 2, 'two SAs gone');
  t.same(await outSources(), left, 'their policies went with them, the others stay');
  const before = canonical(await b.backend.listPolicies());
  await b.km.configChanged();
  t.same(canonical(await b.backend.listPolicies()), before, 'a full pass finds nothing to change');

  await b.km.close();
  t.same(await b.backend.listPolicies(), [], 'shutdown removes them all');
});

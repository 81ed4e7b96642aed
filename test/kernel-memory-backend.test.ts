import t from 'tap';
import { MemoryBackend, type TrafficVerdict } from '../src/kernel/memory-backend';
import type { PolicySpec, SaSpec } from '../src/kernel/sad-backend';
import { FakeClock } from './helpers/fake-clock';
import {
  espSa, FLOW, key, LOCAL, LOCAL_NET, outPolicy, PEER, record, rejectsWith, REMOTE_NET, sadBackendContract, TUNNEL_SELECTOR,
  tunnelTemplate,
} from './helpers/sad-backend-contract';

function setup(acquireExpiresSeconds?: number): { backend: MemoryBackend; clock: FakeClock } {
  const clock = new FakeClock();
  return { backend: new MemoryBackend({ clock, ...(acquireExpiresSeconds ? { acquireExpiresSeconds } : {}) }), clock };
}

t.test('contract', async (t) => {
  sadBackendContract(t, async () => {
    const { backend, clock } = setup();
    return {
      backend,
      now: () => clock.now(),
      elapse: async (ms) => clock.advance(ms),
      sendTraffic: async (flow) => {
        backend.simulateTraffic(flow);
      },
    };
  });
});

t.test('byte lifetimes through account()', async (t) => {
  const cases: Array<{ name: string; lifetimes: SaSpec['lifetimes']; packets: number[]; expires: boolean[]; gone: boolean }> = [
    { name: 'below the soft limit', lifetimes: { softBytes: 1000, hardBytes: 2000 }, packets: [999], expires: [], gone: false },
    { name: 'soft limit reached', lifetimes: { softBytes: 1000, hardBytes: 2000 }, packets: [500, 500], expires: [false], gone: false },
    { name: 'soft fires once', lifetimes: { softBytes: 1000, hardBytes: 2000 }, packets: [1000, 10, 10], expires: [false], gone: false },
    { name: 'soft then hard', lifetimes: { softBytes: 1000, hardBytes: 2000 }, packets: [1200, 900], expires: [false, true], gone: true },
    { name: 'both at once: hard only', lifetimes: { softBytes: 1000, hardBytes: 2000 }, packets: [5000], expires: [true], gone: true },
    { name: 'hard limit alone', lifetimes: { hardBytes: 100 }, packets: [60, 60], expires: [true], gone: true },
    { name: 'no byte limits', lifetimes: { hardSeconds: 3600 }, packets: [1e12], expires: [], gone: false },
  ];
  for (const c of cases) {
    t.test(c.name, async (t) => {
      const { backend } = setup();
      const log = record(backend);
      const sa = espSa({ lifetimes: c.lifetimes });
      await backend.addSa(sa);
      for (const bytes of c.packets) backend.account(PEER, sa.spi, 'esp', bytes);
      t.same(log.expire.map((e) => e.hard), c.expires, 'expire events');
      const listed = await backend.listSas();
      t.equal(listed.length === 0, c.gone, c.gone ? 'removed' : 'still installed');
      if (!c.gone) {
        const total = c.packets.reduce((a, b) => a + b, 0);
        t.match(listed[0]?.counters, { bytes: total, packets: c.packets.length }, 'counted');
      }
    });
  }
});

t.test('account() of a missing or larval SA is ESRCH', async (t) => {
  const { backend } = setup();
  t.throws(() => backend.account(PEER, 0x1234, 'esp', 1), { code: 'ESRCH', operation: 'account' });
  const spi = await backend.allocateSpi({ src: PEER, dst: LOCAL, proto: 'esp' });
  t.throws(() => backend.account(LOCAL, spi, 'esp', 1), { code: 'ESRCH' }, 'larval');
});

t.test('counters and remaining lifetimes follow the clock', async (t) => {
  const { backend, clock } = setup();
  const sa = espSa({ lifetimes: { softSeconds: 100, hardSeconds: 120, softBytes: 5000, hardBytes: 6000 } });
  await backend.addSa(sa);
  const added = clock.now();
  clock.advance(10_500);
  backend.account(PEER, sa.spi, 'esp', 300);
  clock.advance(1000);
  backend.account(PEER, sa.spi, 'esp', 200);
  const s = await backend.getSa(sa);
  t.same(s.counters, { bytes: 500, packets: 2, addTime: added, useTime: added + 10_500 }, 'use time is the first use');
  t.same(s.remaining, { softSeconds: 89, hardSeconds: 109, softBytes: 4500, hardBytes: 5500 }, 'remaining, seconds rounded up');
  clock.advance(88_500);
  t.same((await backend.getSa(sa)).remaining, { softSeconds: 0, hardSeconds: 20, softBytes: 0, hardBytes: 5500 }, 'after the soft expire');
});

t.test('updateSa re-arms lifetimes from the installation time', async (t) => {
  const { backend, clock } = setup();
  const log = record(backend);
  const sa = espSa({ lifetimes: { softSeconds: 10, hardSeconds: 20 } });
  await backend.addSa(sa);
  clock.advance(11_000);
  t.same(log.expire.map((e) => e.hard), [false], 'soft at 10 s');
  await backend.updateSa({ ...sa, lifetimes: { softSeconds: 30, hardSeconds: 40 } });
  clock.advance(15_000);
  t.same(log.expire.map((e) => e.hard), [false], 'the old hard limit no longer applies');
  clock.advance(5000);
  t.same(log.expire.map((e) => e.hard), [false, false], 'soft again at 30 s from installation');
  clock.advance(10_000);
  t.same(log.expire.map((e) => e.hard), [false, false, true], 'hard at 40 s');
  await backend.addSa(sa);
  clock.advance(1000);
  await backend.updateSa({ ...sa, lifetimes: { hardSeconds: 1 } });
  t.same(log.expire.map((e) => e.hard), [false, false, true, true], 'a limit already passed expires at once');
});

t.test('updateSa does not add or remove an encapsulation', async (t) => {
  const { backend } = setup();
  await backend.addSa(espSa());
  await backend.updateSa(espSa({ encap: { type: 'espinudp', sport: 4500, dport: 4500 } }));
  t.equal((await backend.getSa(espSa())).spec.encap, undefined);
});

t.test('larval SAs lapse after acquireExpiresSeconds with a hard expire', async (t) => {
  const { backend, clock } = setup(10);
  const log = record(backend);
  const spi = await backend.allocateSpi({ src: PEER, dst: LOCAL, proto: 'esp', min: 0x500, max: 0x500 });
  clock.advance(9_999);
  t.same(log.expire, []);
  clock.advance(1);
  t.same(log.expire, [{ sa: { src: PEER, dst: LOCAL, proto: 'esp', spi }, reqid: 0, hard: true }], 'as XFRM, a hard expire');
  t.equal(await backend.allocateSpi({ src: PEER, dst: LOCAL, proto: 'esp', min: 0x500, max: 0x500 }), 0x500, 'the SPI is free again');
  await backend.updateSa(espSa({ src: PEER, dst: LOCAL, spi: 0x500 }));
  clock.advance(60_000);
  t.equal(log.expire.length, 1, 'an installed SA does not lapse');
});

t.test('SPI allocation fills a small range exactly', async (t) => {
  const { backend } = setup();
  const req = { src: PEER, dst: LOCAL, proto: 'esp' as const, min: 1000, max: 1063 };
  const got = [];
  for (let i = 0; i < 64; i++) got.push(await backend.allocateSpi(req));
  t.same([...got].sort((a, b) => a - b), Array.from({ length: 64 }, (_, i) => 1000 + i), 'every SPI once');
  await rejectsWith(t, backend.allocateSpi(req), 'allocateSpi', 'ENOENT', 'then exhausted');
  await backend.deleteSa({ src: PEER, dst: LOCAL, proto: 'esp', spi: 1031 });
  t.equal(await backend.allocateSpi(req), 1031, 'the freed one is found');
});

t.test('IPv6 spellings name one SA', async (t) => {
  const { backend } = setup();
  const sa = espSa({ src: '2001:db8::1', dst: '2001:db8:1::2' });
  await backend.addSa(sa);
  await rejectsWith(t, backend.addSa({ ...sa, dst: '2001:0db8:0001:0:0:0:0:2' }), 'addSa', 'EEXIST', 'same address, other spelling');
  t.equal((await backend.getSa({ ...sa, dst: '2001:db8:1:0::2' })).spec.spi, sa.spi);
});

t.test('stored specs are copies', async (t) => {
  const { backend } = setup();
  const sa = espSa();
  await backend.addSa(sa);
  sa.encryption?.key.fill(0);
  const got = await backend.getSa(espSa());
  t.same(got.spec.encryption?.key, key(16), 'mutating the argument changes nothing');
  got.spec.lifetimes.hardSeconds = 1;
  t.same((await backend.getSa(espSa())).spec.lifetimes, {}, 'nor does mutating the result');
  const policy = outPolicy();
  await backend.addPolicy(policy);
  policy.templates[0]!.reqid = 99;
  t.equal((await backend.listPolicies())[0]?.spec.templates[0]?.reqid, 1);
});

t.test('simulateTraffic verdicts', async (t) => {
  const other = { address: '10.9.0.0', prefixLength: 16 };
  const cases: Array<{ name: string; policies: PolicySpec[]; sas?: SaSpec[]; verdict: TrafficVerdict['verdict']; acquires: number; policy?: number }> = [
    { name: 'no policy: clear', policies: [], verdict: 'clear', acquires: 0 },
    { name: 'in and fwd policies do not apply to output', policies: [outPolicy({ dir: 'in' }), outPolicy({ dir: 'fwd' })], verdict: 'clear', acquires: 0 },
    { name: 'selector elsewhere: clear', policies: [outPolicy({ selector: { src: LOCAL_NET, dst: other } })], verdict: 'clear', acquires: 0 },
    { name: 'block', policies: [outPolicy({ action: 'block', templates: [] })], verdict: 'blocked', acquires: 0, policy: 0 },
    { name: 'bypass', policies: [outPolicy({ templates: [] })], verdict: 'bypass', acquires: 0, policy: 0 },
    { name: 'required template without SA', policies: [outPolicy()], verdict: 'acquire', acquires: 1, policy: 0 },
    { name: 'optional template without SA', policies: [outPolicy({ templates: [tunnelTemplate({ level: 'use' })] })], verdict: 'protected', acquires: 1, policy: 0 },
    { name: 'SA present', policies: [outPolicy()], sas: [espSa()], verdict: 'protected', acquires: 0, policy: 0 },
    { name: 'SA of another reqid', policies: [outPolicy()], sas: [espSa({ reqid: 2 })], verdict: 'acquire', acquires: 1, policy: 0 },
    { name: 'SA of another mode', policies: [outPolicy()], sas: [espSa({ mode: 'transport' })], verdict: 'acquire', acquires: 1, policy: 0 },
    { name: 'SA to another peer', policies: [outPolicy()], sas: [espSa({ dst: '198.51.100.3' })], verdict: 'acquire', acquires: 1, policy: 0 },
    {
      name: 'AH over ESP: ESP present, AH missing', policies: [outPolicy({ templates: [tunnelTemplate({ proto: 'ah' }), tunnelTemplate()] })],
      sas: [espSa()], verdict: 'acquire', acquires: 1, policy: 0,
    },
    {
      name: 'lower priority value wins', verdict: 'blocked', acquires: 0, policy: 1,
      policies: [outPolicy({ selector: { src: LOCAL_NET, dst: { address: '10.0.0.0', prefixLength: 8 } } }), outPolicy({ priority: 10, action: 'block', templates: [] })],
    },
    {
      name: 'equal priorities: first installed wins', verdict: 'bypass', acquires: 0, policy: 0,
      policies: [outPolicy({ templates: [] }), outPolicy({ selector: { src: { address: '0.0.0.0', prefixLength: 0 }, dst: REMOTE_NET }, action: 'block', templates: [] })],
    },
    { name: 'port selector matches', policies: [outPolicy({ selector: { ...TUNNEL_SELECTOR, proto: 17, dstPort: 53 }, templates: [] })], verdict: 'bypass', acquires: 0, policy: 0 },
    { name: 'port selector misses', policies: [outPolicy({ selector: { ...TUNNEL_SELECTOR, proto: 17, dstPort: 54 }, templates: [] })], verdict: 'clear', acquires: 0 },
    { name: 'protocol selector misses', policies: [outPolicy({ selector: { ...TUNNEL_SELECTOR, proto: 6 }, templates: [] })], verdict: 'clear', acquires: 0 },
    { name: 'source port selector misses', policies: [outPolicy({ selector: { ...TUNNEL_SELECTOR, proto: 17, srcPort: 1 }, templates: [] })], verdict: 'clear', acquires: 0 },
  ];
  for (const c of cases) {
    t.test(c.name, async (t) => {
      const { backend } = setup();
      const log = record(backend);
      const indexes = [];
      for (const p of c.policies) indexes.push(await backend.addPolicy(p));
      for (const sa of c.sas ?? []) await backend.addSa(sa);
      const v = backend.simulateTraffic(FLOW);
      t.equal(v.verdict, c.verdict, 'verdict');
      t.equal(log.acquire.length, c.acquires, 'acquires');
      if (c.policy !== undefined) t.match(v, { policyIndex: indexes[c.policy] }, 'policy used');
    });
  }
});

t.test('a protected packet is counted on every SA of the bundle', async (t) => {
  const { backend } = setup();
  await backend.addPolicy(outPolicy({ templates: [tunnelTemplate({ proto: 'ah' }), tunnelTemplate()] }));
  const ah = espSa({ proto: 'ah', encryption: undefined });
  await backend.addSa(ah);
  await backend.addSa(espSa());
  const v = backend.simulateTraffic({ ...FLOW, bytes: 1400 });
  t.match(v, { verdict: 'protected', sas: [{ proto: 'ah', spi: ah.spi }, { proto: 'esp' }] });
  for (const sa of [ah, espSa()]) t.match((await backend.getSa(sa)).counters, { bytes: 1400, packets: 1 });
  backend.simulateTraffic(FLOW);
  t.equal((await backend.getSa(ah)).counters.bytes, 1400 + 84, 'the default packet is an 84-byte ping');
});

t.test('after a rekey the newer SA carries the traffic, and a soft-expired one is avoided', async (t) => {
  const { backend, clock } = setup();
  await backend.addPolicy(outPolicy());
  const old = espSa({ lifetimes: { softSeconds: 10, hardSeconds: 20 } });
  await backend.addSa(old);
  clock.advance(1000);
  const fresh = espSa({ spi: 0xc0de0099 });
  await backend.addSa(fresh);
  t.match(backend.simulateTraffic(FLOW), { sas: [{ spi: fresh.spi }] }, 'the newest');
  await backend.deleteSa(fresh);
  const older = espSa({ spi: 0xc0de0042 });
  await backend.addSa(older);
  clock.advance(10_000);
  t.match(backend.simulateTraffic(FLOW), { sas: [{ spi: older.spi }] }, 'not the soft-expired one, though it is newer');
});

t.test('ACQUIRE is asked again once acquireExpiresSeconds pass, or at once after the SA is lost', async (t) => {
  const { backend, clock } = setup(30);
  const log = record(backend);
  await backend.addPolicy(outPolicy());
  backend.simulateTraffic(FLOW);
  clock.advance(29_000);
  backend.simulateTraffic(FLOW);
  t.equal(log.acquire.length, 1, 'within 30 s: once');
  clock.advance(1000);
  backend.simulateTraffic(FLOW);
  t.equal(log.acquire.length, 2, 'after 30 s: again');
  await backend.addSa(espSa());
  await backend.deleteSa(espSa());
  backend.simulateTraffic(FLOW);
  t.equal(log.acquire.length, 3, 'the SA came and went: at once');
  const transport = { src: LOCAL, dst: PEER, proto: 6 };
  await backend.addPolicy(outPolicy({
    selector: { src: { address: '192.0.2.0', prefixLength: 24 }, dst: { address: '198.51.100.0', prefixLength: 24 } },
    templates: [{ proto: 'esp', mode: 'transport', reqid: 5, level: 'required' }],
  }));
  backend.simulateTraffic(transport);
  backend.simulateTraffic({ ...transport, dst: '198.51.100.3' });
  t.match(log.acquire.slice(3), [{ dst: PEER }, { dst: '198.51.100.3' }], 'one ACQUIRE per transport peer');
});

t.test('a transport SA with a selector carries only its traffic', async (t) => {
  const { backend } = setup();
  const hosts = { src: { address: '192.0.2.0', prefixLength: 24 }, dst: { address: '198.51.100.0', prefixLength: 24 } };
  await backend.addPolicy(outPolicy({ selector: hosts, templates: [{ proto: 'esp', mode: 'transport', reqid: 5, level: 'required' }] }));
  await backend.addSa(espSa({ mode: 'transport', reqid: 5, selector: { ...hosts, proto: 6 } }));
  t.equal(backend.simulateTraffic({ src: LOCAL, dst: PEER, proto: 6 }).verdict, 'protected');
  t.equal(backend.simulateTraffic({ src: LOCAL, dst: PEER, proto: 17 }).verdict, 'acquire');
});

t.test('a listener may delete SAs while a packet is being counted', async (t) => {
  const { backend } = setup();
  await backend.addPolicy(outPolicy({ templates: [tunnelTemplate({ proto: 'ah' }), tunnelTemplate()] }));
  const ah = espSa({ proto: 'ah', encryption: undefined, lifetimes: { softBytes: 10 } });
  const esp = espSa({ lifetimes: { hardBytes: 10 } });
  await backend.addSa(ah);
  await backend.addSa(esp);
  const log = record(backend);
  backend.on('expire', () => void backend.deleteSa(esp));
  backend.simulateTraffic(FLOW);
  t.same(log.expire.map((e) => [e.sa.proto, e.hard]), [['ah', false]], 'no expire for an SA already deleted');
  t.same((await backend.listSas()).map((s) => s.spec.proto), ['ah']);
});

t.test('policy lifetimes: hard only, and soft equal to hard', async (t) => {
  for (const lifetimes of [{ hardSeconds: 5 }, { softSeconds: 5, hardSeconds: 5 }]) {
    const { backend, clock } = setup();
    const log = record(backend);
    await backend.addPolicy(outPolicy({ lifetimes }));
    clock.advance(5000);
    t.same(log['policy-expire'].map((e) => e.hard), [true], JSON.stringify(lifetimes));
    t.same(await backend.listPolicies(), []);
  }
  const { backend, clock } = setup();
  const log = record(backend);
  await backend.addPolicy(outPolicy({ lifetimes: { softSeconds: 5 } }));
  clock.advance(3_600_000);
  t.same(log['policy-expire'].map((e) => e.hard), [false], 'soft only: stays');
  t.equal((await backend.listPolicies()).length, 1);
});

t.test('lifetimes beyond setTimeout\'s range are honoured', async (t) => {
  const { backend, clock } = setup();
  const log = record(backend);
  const days40 = 40 * 86_400;
  await backend.addSa(espSa({ lifetimes: { hardSeconds: days40 } }));
  clock.advance(days40 * 1000 - 1);
  t.same(log.expire, [], 'not early');
  clock.advance(1);
  t.equal(log.expire.length, 1, 'on time');
});

t.test('updatePolicy and deletePolicy cancel lifetimes; close cancels every timer', async (t) => {
  const { backend, clock } = setup();
  const log = record(backend);
  await backend.addPolicy(outPolicy({ lifetimes: { hardSeconds: 5 } }));
  await backend.updatePolicy(outPolicy());
  await backend.addPolicy(outPolicy({ dir: 'in', lifetimes: { hardSeconds: 5 } }));
  await backend.deletePolicy(TUNNEL_SELECTOR, 'in');
  clock.advance(10_000);
  t.same(log['policy-expire'], []);
  await backend.addSa(espSa({ lifetimes: { hardSeconds: 5 } }));
  await backend.allocateSpi({ src: PEER, dst: LOCAL, proto: 'esp' });
  await backend.addPolicy(outPolicy({ dir: 'fwd', lifetimes: { hardSeconds: 5 } }));
  t.ok(clock.pending > 0);
  await backend.close();
  t.equal(clock.pending, 0, 'no timers left');
  t.same(await backend.listSas(), []);
  t.same(await backend.listPolicies(), []);
});

t.test('deletePolicy checks its selector', async (t) => {
  const { backend } = setup();
  await rejectsWith(t, backend.deletePolicy({ src: LOCAL_NET, dst: { address: 'x', prefixLength: 8 } }, 'out'), 'deletePolicy', 'EINVAL', 'bad address');
});

t.test('the real clock drives lifetimes by default', async (t) => {
  const backend = new MemoryBackend();
  t.teardown(() => backend.close());
  const log = record(backend);
  await backend.addSa(espSa({ lifetimes: { hardSeconds: 1 } }));
  const s = await backend.getSa(espSa());
  t.ok(Math.abs(s.counters.addTime - Date.now()) < 1000, 'added at the wall-clock time');
  await new Promise((r) => setTimeout(r, 1100));
  t.equal(log.expire.length, 1, 'expired after a second');
});

/**
 * The behaviour every SadBackend owes the IKE side, as one suite each backend runs:
 * `sadBackendContract(t, makeSubject)`. The memory backend runs it on a fake clock; the xfrm
 * and pfkey backends run it against a kernel (in a network namespace), with real waits.
 *
 * Addresses used, so a kernel harness can route them: tunnel endpoints 192.0.2.1 (local) and
 * 198.51.100.2 (peer), protected networks 10.1.0.0/16 (local) and 10.2.0.0/16 (remote), and
 * 2001:db8::1 / 2001:db8:1::2 for IPv6. Waits are whole seconds with a margin, because the
 * kernels count lifetimes in seconds.
 */
import type { Test } from 'tap';
import type {
  PolicySpec, PolicyTemplate, SadBackend, SadBackendEvents, SaSpec, Selector,
} from '../../src/kernel/sad-backend';
import { SadError, type SadOperation } from '../../src/kernel/sad-error';
import type { Flow } from '../../src/kernel/selector';

export interface SadBackendSubject {
  /** A backend with empty SAD and SPD. */
  backend: SadBackend;
  /** The backend's notion of now, milliseconds since the epoch. */
  now(): number;
  /** Lets `ms` pass: a fake clock jumps (firing timers), a kernel harness sleeps. */
  elapse(ms: number): Promise<void>;
  /** One outbound packet of `flow` meets the backend's out policies. */
  sendTraffic(flow: Flow): Promise<void>;
  /**
   * How far an SA's add time may be from now(), 2000 ms unless given: a kernel reached over a
   * slow link (a QEMU board's serial line, test/fixtures/board-sad-agent.ts) adds its latency.
   */
  addTimeToleranceMs?: number;
}

export const LOCAL = '192.0.2.1';
export const PEER = '198.51.100.2';
export const LOCAL_NET: Selector['src'] = { address: '10.1.0.0', prefixLength: 16 };
export const REMOTE_NET: Selector['dst'] = { address: '10.2.0.0', prefixLength: 16 };
export const TUNNEL_SELECTOR: Selector = { src: LOCAL_NET, dst: REMOTE_NET };
/** A packet from the local to the remote network. */
export const FLOW: Flow = { src: '10.1.0.5', dst: '10.2.0.9', proto: 17, srcPort: 40000, dstPort: 53 };

/** Distinct, non-weak key bytes (3DES refuses equal thirds, DES its weak keys). */
export function key(bytes: number, seed = 1): Buffer {
  return Buffer.from(Array.from({ length: bytes }, (_, i) => (seed * 31 + i * 7 + 1) & 0xff));
}

/** An outbound ESP tunnel SA (AES-128-CBC, HMAC-SHA1-96); `over` replaces fields. */
export function espSa(over: Partial<SaSpec> = {}): SaSpec {
  return {
    src: LOCAL, dst: PEER, proto: 'esp', spi: 0xc0de0001, mode: 'tunnel', reqid: 1,
    encryption: { name: 'cbc(aes)', key: key(16) },
    integrity: { name: 'hmac(sha1)', key: key(20, 2), truncationBits: 96 },
    replayWindow: 32, lifetimes: {},
    ...over,
  };
}

export function tunnelTemplate(over: Partial<PolicyTemplate> = {}): PolicyTemplate {
  return { proto: 'esp', mode: 'tunnel', reqid: 1, src: LOCAL, dst: PEER, level: 'required', ...over };
}

export function outPolicy(over: Partial<PolicySpec> = {}): PolicySpec {
  return { selector: TUNNEL_SELECTOR, dir: 'out', action: 'allow', priority: 1000, templates: [tunnelTemplate()], ...over };
}

type EventLog = { [E in keyof SadBackendEvents]: SadBackendEvents[E][0][] };

/** Every event from now on, by name. */
export function record(backend: SadBackend): EventLog {
  const log: EventLog = { acquire: [], expire: [], 'policy-expire': [] };
  backend.on('acquire', (e) => log.acquire.push(e));
  backend.on('expire', (e) => log.expire.push(e));
  backend.on('policy-expire', (e) => log['policy-expire'].push(e));
  return log;
}

/** Asserts a SadError of `operation` with errno name `code`. */
export async function rejectsWith(t: Test, promise: Promise<unknown>, operation: SadOperation, code: string, what: string): Promise<void> {
  try {
    await promise;
    t.fail(`${what}: expected ${code}, it succeeded`);
  } catch (err) {
    t.ok(err instanceof SadError, `${what}: a SadError`);
    t.match(err, { operation, code }, `${what}: ${operation} ${code}`);
  }
}

/** SAs every backend installs and reads back unchanged. */
export const SA_TABLE: Array<[string, SaSpec]> = [
  ['ESP AES-128-CBC + HMAC-SHA1-96, tunnel', espSa()],
  ['ESP AES-256-CBC + HMAC-SHA256-128', espSa({ encryption: { name: 'cbc(aes)', key: key(32) }, integrity: { name: 'hmac(sha256)', key: key(32, 3), truncationBits: 128 } })],
  ['ESP 3DES + HMAC-MD5-96', espSa({ encryption: { name: 'cbc(des3_ede)', key: key(24) }, integrity: { name: 'hmac(md5)', key: key(16, 4), truncationBits: 96 } })],
  ['ESP DES + HMAC-SHA384-192', espSa({ encryption: { name: 'cbc(des)', key: key(8) }, integrity: { name: 'hmac(sha384)', key: key(48, 5), truncationBits: 192 } })],
  ['ESP AES-192-CBC + HMAC-SHA512-256', espSa({ encryption: { name: 'cbc(aes)', key: key(24) }, integrity: { name: 'hmac(sha512)', key: key(64, 6), truncationBits: 256 } })],
  ['ESP AES-GCM-128 (ICV 16)', espSa({ encryption: { name: 'rfc4106(gcm(aes))', key: key(20), icvBits: 128 }, integrity: undefined })],
  ['ESP AES-GCM-256 (ICV 8)', espSa({ encryption: { name: 'rfc4106(gcm(aes))', key: key(36), icvBits: 64 }, integrity: undefined })],
  ['ESP NULL + HMAC-SHA1-96', espSa({ encryption: { name: 'ecb(cipher_null)', key: Buffer.alloc(0) } })],
  ['AH HMAC-SHA1-96', espSa({ proto: 'ah', encryption: undefined })],
  ['AH HMAC-MD5-96, transport with selector', espSa({
    proto: 'ah', mode: 'transport', encryption: undefined, integrity: { name: 'hmac(md5)', key: key(16), truncationBits: 96 },
    selector: { src: { address: LOCAL, prefixLength: 32 }, dst: { address: PEER, prefixLength: 32 }, proto: 6, dstPort: 179 },
  })],
  ['ESP in UDP (NAT-T), with lifetimes', espSa({
    encap: { type: 'espinudp', sport: 4500, dport: 4500 }, replayWindow: 0,
    lifetimes: { softSeconds: 3240, hardSeconds: 3600, softBytes: 4_000_000_000, hardBytes: 4_718_592_000 },
  })],
  ['ESP in UDP, transport with NAT-OA', espSa({
    mode: 'transport', encap: { type: 'espinudp', sport: 4500, dport: 61001, originalAddress: '172.16.0.7' },
    selector: { src: { address: LOCAL, prefixLength: 32 }, dst: { address: PEER, prefixLength: 32 } },
  })],
  ['IPv6 ESP tunnel', espSa({ src: '2001:db8::1', dst: '2001:db8:1::2' })],
];

function strip(spec: SaSpec): SaSpec {
  // The table writes `integrity: undefined` / `encryption: undefined` for absent algorithms.
  const copy = { ...spec };
  if (copy.encryption === undefined) delete copy.encryption;
  if (copy.integrity === undefined) delete copy.integrity;
  return copy;
}

export function sadBackendContract(t: Test, makeSubject: () => Promise<SadBackendSubject>): void {
  const subject = async (t: Test): Promise<SadBackendSubject> => {
    const s = await makeSubject();
    t.teardown(async () => {
      await s.backend.flushSas();
      await s.backend.flushPolicies();
      await s.backend.close();
    });
    return s;
  };

  t.test('allocateSpi reserves SPIs that updateSa installs', async (t) => {
    const { backend } = await subject(t);
    const req = { src: PEER, dst: LOCAL, proto: 'esp' as const, min: 0xc0000000, max: 0xcfffffff };
    const spis = await Promise.all(Array.from({ length: 20 }, () => backend.allocateSpi(req)));
    t.equal(new Set(spis).size, 20, 'distinct');
    t.ok(spis.every((s) => s >= req.min && s <= req.max), 'in the range');
    const byDefault = await backend.allocateSpi({ src: PEER, dst: LOCAL, proto: 'ah' });
    t.ok(byDefault >= 256 && byDefault <= 0xffffffff, 'default range skips the reserved 1-255');
    t.same(await backend.listSas(), [], 'larval SAs are not listed');
    const id = { src: PEER, dst: LOCAL, proto: 'esp' as const, spi: spis[0] as number };
    await rejectsWith(t, backend.getSa(id), 'getSa', 'ESRCH', 'a larval SA is not visible');
    const inbound = espSa({ ...id, reqid: 9 });
    await rejectsWith(t, backend.addSa(inbound), 'addSa', 'EEXIST', 'addSa on a reserved SPI');
    await backend.updateSa(inbound);
    t.same((await backend.getSa(id)).spec, inbound, 'updateSa installed it');
    await backend.deleteSa({ ...id, spi: spis[1] as number });
    t.equal((await backend.listSas()).length, 1, 'deleting a larval SA leaves the installed one');
  });

  t.test('allocateSpi: a full range is ENOENT, a bad range EINVAL', async (t) => {
    const { backend } = await subject(t);
    const one = { src: PEER, dst: LOCAL, proto: 'esp' as const, min: 0x1000, max: 0x1000 };
    t.equal(await backend.allocateSpi(one), 0x1000);
    await rejectsWith(t, backend.allocateSpi(one), 'allocateSpi', 'ENOENT', 'the only SPI is taken');
    t.equal(await backend.allocateSpi({ ...one, proto: 'ah' }), 0x1000, 'AH has its own SPI space');
    t.equal(await backend.allocateSpi({ ...one, dst: PEER, src: LOCAL }), 0x1000, 'so does another destination');
    await backend.deleteSa({ src: PEER, dst: LOCAL, proto: 'esp', spi: 0x1000 });
    t.equal(await backend.allocateSpi(one), 0x1000, 'free again after delete');
    await rejectsWith(t, backend.allocateSpi({ ...one, min: 0x2000 }), 'allocateSpi', 'EINVAL', 'min > max');
  });

  for (const [name, spec] of SA_TABLE) {
    t.test(`SA round trip: ${name}`, async (t) => {
      const s = await subject(t);
      await s.backend.addSa(spec);
      const state = await s.backend.getSa(spec);
      t.same(state.spec, strip(spec), 'getSa returns what addSa installed');
      t.match(state.counters, { bytes: 0, packets: 0 }, 'no traffic yet');
      t.equal(state.counters.useTime, undefined, 'never used');
      t.ok(Math.abs(state.counters.addTime - s.now()) <= (s.addTimeToleranceMs ?? 2000), 'added now');
      const l = spec.lifetimes;
      if (l.hardSeconds !== undefined) t.ok((state.remaining.hardSeconds as number) >= l.hardSeconds - 2, 'hard seconds remaining');
      if (l.hardBytes !== undefined) t.equal(state.remaining.hardBytes, l.hardBytes, 'hard bytes remaining');
      if (l.hardSeconds === undefined) t.same(state.remaining, {}, 'nothing to count down');
      t.same((await s.backend.listSas()).map((x) => x.spec), [strip(spec)], 'listed');
      await s.backend.deleteSa(spec);
      await rejectsWith(t, s.backend.getSa(spec), 'getSa', 'ESRCH', 'gone after delete');
    });
  }

  t.test('missing and duplicate SAs', async (t) => {
    const { backend } = await subject(t);
    const sa = espSa();
    await rejectsWith(t, backend.updateSa(sa), 'updateSa', 'ESRCH', 'update of a missing SA');
    await rejectsWith(t, backend.deleteSa(sa), 'deleteSa', 'ESRCH', 'delete of a missing SA');
    await rejectsWith(t, backend.getSa(sa), 'getSa', 'ESRCH', 'get of a missing SA');
    await backend.addSa(sa);
    await rejectsWith(t, backend.addSa(sa), 'addSa', 'EEXIST', 'the same SA again');
    await rejectsWith(t, backend.addSa({ ...sa, src: '192.0.2.77' }), 'addSa', 'EEXIST', 'the same (dst, spi, proto) from another source');
    await backend.addSa({ ...sa, proto: 'ah', encryption: undefined });
    t.equal((await backend.listSas()).length, 2, 'the same SPI for AH is another SA');
  });

  const invalid: Array<[string, SaSpec]> = [
    ['SPI 0', espSa({ spi: 0 })],
    ['bad address', espSa({ dst: '198.51.100.300' })],
    ['mixed address families', espSa({ dst: '2001:db8::2' })],
    ['AES key of 15 bytes', espSa({ encryption: { name: 'cbc(aes)', key: key(15) } })],
    ['HMAC-SHA1 key of 16 bytes', espSa({ integrity: { name: 'hmac(sha1)', key: key(16), truncationBits: 96 } })],
    ['truncation beyond the digest', espSa({ integrity: { name: 'hmac(md5)', key: key(16), truncationBits: 160 } })],
    ['ESP without encryption', espSa({ encryption: undefined })],
    ['ESP NULL without integrity', espSa({ encryption: { name: 'ecb(cipher_null)', key: Buffer.alloc(0) }, integrity: undefined })],
    ['GCM with integrity', espSa({ encryption: { name: 'rfc4106(gcm(aes))', key: key(20), icvBits: 128 } })],
    ['GCM without ICV length', espSa({ encryption: { name: 'rfc4106(gcm(aes))', key: key(20) }, integrity: undefined })],
    ['CBC with an ICV length', espSa({ encryption: { name: 'cbc(aes)', key: key(16), icvBits: 96 } })],
    ['AH with encryption', espSa({ proto: 'ah' })],
    ['AH without integrity', espSa({ proto: 'ah', encryption: undefined, integrity: undefined })],
    ['soft lifetime above hard', espSa({ lifetimes: { softSeconds: 100, hardSeconds: 50 } })],
    ['zero lifetime', espSa({ lifetimes: { hardBytes: 0 } })],
    ['encapsulated AH', espSa({ proto: 'ah', encryption: undefined, encap: { type: 'espinudp', sport: 4500, dport: 4500 } })],
    ['encapsulation port 0', espSa({ encap: { type: 'espinudp', sport: 4500, dport: 0 } })],
    ['replay window too large', espSa({ replayWindow: 100000 })],
    ['selector with host bits', espSa({ mode: 'transport', selector: { src: { address: '10.1.0.1', prefixLength: 16 }, dst: REMOTE_NET } })],
  ];
  t.test('invalid SAs are EINVAL', async (t) => {
    const { backend } = await subject(t);
    for (const [name, spec] of invalid) await rejectsWith(t, backend.addSa(spec), 'addSa', 'EINVAL', name);
    t.same(await backend.listSas(), [], 'nothing installed');
  });

  t.test('updateSa on an installed SA changes lifetimes and encapsulation ports only', async (t) => {
    const { backend } = await subject(t);
    const sa = espSa({ encap: { type: 'espinudp', sport: 4500, dport: 4500 }, lifetimes: { hardSeconds: 3600 } });
    await backend.addSa(sa);
    await backend.updateSa({
      ...sa, encap: { type: 'espinudp', sport: 4500, dport: 62000 }, lifetimes: { softSeconds: 100, hardSeconds: 200 },
      encryption: { name: 'cbc(aes)', key: key(16, 9) }, reqid: 77,
    });
    const got = (await backend.getSa(sa)).spec;
    t.same(got.encap, { type: 'espinudp', sport: 4500, dport: 62000 }, 'the NAT mapping moved');
    t.same(got.lifetimes, { softSeconds: 100, hardSeconds: 200 }, 'new lifetimes');
    t.same(got.encryption, sa.encryption, 'keys stay');
    t.equal(got.reqid, 1, 'reqid stays');
  });

  t.test('flushSas by protocol and all', async (t) => {
    const { backend } = await subject(t);
    await backend.addSa(espSa());
    await backend.addSa(espSa({ spi: 0xc0de0002 }));
    await backend.addSa(espSa({ proto: 'ah', encryption: undefined }));
    await backend.flushSas('ah');
    t.same((await backend.listSas()).map((s) => s.spec.proto), ['esp', 'esp'], 'AH flushed');
    await backend.flushSas();
    t.same(await backend.listSas(), [], 'all flushed');
  });

  t.test('time lifetimes: soft expire once, then hard expire removes the SA', async (t) => {
    const s = await subject(t);
    const log = record(s.backend);
    const sa = espSa({ reqid: 42, lifetimes: { softSeconds: 2, hardSeconds: 5 } });
    await s.backend.addSa(sa);
    await s.elapse(500);
    t.same(log.expire, [], 'nothing yet');
    await s.elapse(3000);
    t.same(log.expire, [{ sa: { src: LOCAL, dst: PEER, proto: 'esp', spi: sa.spi }, reqid: 42, hard: false }], 'soft expire');
    const mid = await s.backend.getSa(sa);
    t.equal(mid.remaining.softSeconds, 0, 'soft lifetime used up');
    t.ok((mid.remaining.hardSeconds as number) <= 2, 'hard lifetime running out');
    await s.elapse(3000);
    t.same(log.expire.map((e) => e.hard), [false, true], 'then hard expire');
    await rejectsWith(t, s.backend.getSa(sa), 'getSa', 'ESRCH', 'the SA is gone');
  });

  t.test('policies: add, list, update keeps the index, delete, flush', async (t) => {
    const { backend } = await subject(t);
    const out = outPolicy();
    const inbound: PolicySpec = { ...out, dir: 'in', selector: { src: REMOTE_NET, dst: LOCAL_NET }, templates: [tunnelTemplate({ src: PEER, dst: LOCAL })] };
    const fwd: PolicySpec = { ...inbound, dir: 'fwd' };
    const indexes = [await backend.addPolicy(out), await backend.addPolicy(inbound), await backend.addPolicy(fwd)];
    t.equal(new Set(indexes).size, 3, 'distinct indexes');
    t.ok(indexes.every((i) => Number.isInteger(i) && i > 0), 'positive integers');
    t.same((await backend.listPolicies()).map((p) => [p.spec, p.index]), [[out, indexes[0]], [inbound, indexes[1]], [fwd, indexes[2]]], 'listed as installed');
    await rejectsWith(t, backend.addPolicy({ ...out, priority: 5 }), 'addPolicy', 'EEXIST', 'same selector and direction');
    const changed = { ...out, priority: 10, templates: [tunnelTemplate({ reqid: 2 })] };
    t.equal(await backend.updatePolicy(changed), indexes[0], 'update keeps the index');
    t.same((await backend.listPolicies()).find((p) => p.index === indexes[0])?.spec, changed, 'update replaced the spec');
    const other = outPolicy({ selector: { src: LOCAL_NET, dst: { address: '10.3.0.0', prefixLength: 16 } } });
    t.notOk(indexes.includes(await backend.updatePolicy(other)), 'update of a new selector adds a policy');
    await backend.deletePolicy(fwd.selector, 'fwd');
    await rejectsWith(t, backend.deletePolicy(fwd.selector, 'fwd'), 'deletePolicy', 'ENOENT', 'delete of a missing policy');
    t.equal((await backend.listPolicies()).length, 3);
    await backend.flushPolicies();
    t.same(await backend.listPolicies(), [], 'flushed');
  });

  const invalidPolicies: Array<[string, PolicySpec]> = [
    ['block with templates', outPolicy({ action: 'block' })],
    ['tunnel template without endpoints', outPolicy({ templates: [tunnelTemplate({ src: undefined })] })],
    ['transport template with endpoints', outPolicy({ templates: [tunnelTemplate({ mode: 'transport' })] })],
    ['ports without TCP/UDP', outPolicy({ selector: { ...TUNNEL_SELECTOR, dstPort: 80 } })],
    ['prefix length 33', outPolicy({ selector: { src: { address: '10.1.0.0', prefixLength: 33 }, dst: REMOTE_NET } })],
    ['mixed families', outPolicy({ selector: { src: LOCAL_NET, dst: { address: '2001:db8::', prefixLength: 32 } } })],
    ['soft lifetime above hard', outPolicy({ lifetimes: { softSeconds: 9, hardSeconds: 3 } })],
  ];
  t.test('invalid policies are EINVAL', async (t) => {
    const { backend } = await subject(t);
    for (const [name, spec] of invalidPolicies) await rejectsWith(t, backend.addPolicy(spec), 'addPolicy', 'EINVAL', name);
    t.same(await backend.listPolicies(), [], 'nothing installed');
  });

  t.test('traffic without an SA raises one ACQUIRE; with the SA it is counted', async (t) => {
    const s = await subject(t);
    const log = record(s.backend);
    const index = await s.backend.addPolicy(outPolicy({ templates: [tunnelTemplate({ reqid: 7 })] }));
    await s.sendTraffic(FLOW);
    await s.elapse(200);
    t.same(log.acquire, [{ policyIndex: index, selector: TUNNEL_SELECTOR, proto: 'esp', mode: 'tunnel', reqid: 7, src: LOCAL, dst: PEER }], 'ACQUIRE names policy, template and tunnel');
    await s.sendTraffic(FLOW);
    await s.elapse(200);
    t.equal(log.acquire.length, 1, 'not asked again while the first ACQUIRE stands');
    const sa = espSa({ reqid: 7 });
    await s.backend.addSa(sa);
    await s.sendTraffic(FLOW);
    await s.elapse(200);
    t.equal(log.acquire.length, 1, 'no ACQUIRE once the SA exists');
    const { counters } = await s.backend.getSa(sa);
    t.ok(counters.packets >= 1 && counters.bytes > 0, 'the SA counted the packet');
    t.ok(counters.useTime !== undefined, 'and has a use time');
  });

  t.test('transport mode ACQUIRE carries the packet\'s addresses', async (t) => {
    const s = await subject(t);
    const log = record(s.backend);
    const selector: Selector = { src: { address: LOCAL, prefixLength: 32 }, dst: { address: PEER, prefixLength: 32 } };
    await s.backend.addPolicy(outPolicy({ selector, templates: [{ proto: 'esp', mode: 'transport', reqid: 3, level: 'required' }] }));
    await s.sendTraffic({ src: LOCAL, dst: PEER, proto: 6, srcPort: 50000, dstPort: 179 });
    await s.elapse(200);
    t.match(log.acquire, [{ mode: 'transport', reqid: 3, src: LOCAL, dst: PEER, selector }]);
  });

  t.test('policy lifetimes: soft then hard policy-expire, and the policy is gone', async (t) => {
    const s = await subject(t);
    const log = record(s.backend);
    const index = await s.backend.addPolicy(outPolicy({ lifetimes: { softSeconds: 2, hardSeconds: 5 } }));
    await s.elapse(3500);
    t.same(log['policy-expire'], [{ index, selector: TUNNEL_SELECTOR, dir: 'out', hard: false }], 'soft');
    await s.elapse(3000);
    t.same(log['policy-expire'].map((e) => e.hard), [false, true], 'then hard');
    t.same(await s.backend.listPolicies(), [], 'removed');
  });
}

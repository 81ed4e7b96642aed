/**
 * Policies through the addon and XfrmBackend against the running kernel, cross-checked with
 * iproute2 (`ip xfrm policy`), an independent reader and writer of the same netlink messages.
 */
import t, { type Test } from 'tap';
import type { PolicySpec } from '../src/kernel/sad-backend';
import { XfrmSocket, type XfrmPolicy, type XfrmPolicyInput } from '../src/native/xfrm';
import { Lab } from './helpers/netns';
import { XfrmNamespace, xfrmUnavailable } from './helpers/kernel-xfrm-lab';
import { LOCAL, outPolicy, PEER, tunnelTemplate } from './helpers/sad-backend-contract';

t.test('policies', { skip: xfrmUnavailable() ?? false }, async (t) => {
  const lab = Lab.create(t);
  let n = 0;
  const namespace = (): Promise<XfrmNamespace> => XfrmNamespace.create(lab, `p${++n}`);
  const socketIn = (t: Test, x: XfrmNamespace): XfrmSocket => {
    const socket = new XfrmSocket({ netns: x.path });
    t.teardown(() => socket.close());
    return socket;
  };

  /** Out, with a port selector and AH (optional, transport) over ESP (tunnel). */
  const layered: XfrmPolicyInput = {
    selector: { src: { address: '10.1.0.0', prefixLength: 16 }, dst: { address: '10.2.3.0', prefixLength: 24 }, proto: 17, srcPort: 40000, dstPort: 53 },
    dir: 'out', action: 'allow', priority: 2000,
    lifetime: { softAddSeconds: 3000, hardAddSeconds: 3600 },
    templates: [
      { proto: 'ah', mode: 'transport', reqid: 11, optional: true },
      { proto: 'esp', mode: 'tunnel', reqid: 12, src: LOCAL, dst: PEER },
    ],
  };

  t.test('what the addon installs, iproute2 reads, and the addon reads back', async (t) => {
    const x = await namespace();
    const socket = socketIn(t, x);
    const announced = await socket.newPolicy(layered);
    const listing = await x.ns.ip('xfrm', 'policy', 'list');
    t.match(listing, /src 10\.1\.0\.0\/16 dst 10\.2\.3\.0\/24 proto udp sport 40000 dport 53/, 'selector');
    t.match(listing, /dir out priority 2000/, 'direction and priority');
    t.match(listing, /proto ah reqid 11 mode transport\s+level use/, 'optional AH template');
    t.match(listing, /tmpl src 192\.0\.2\.1 dst 198\.51\.100\.2\s+proto esp reqid 12 mode tunnel/, 'ESP tunnel template');
    const all = await socket.dumpPolicy();
    t.equal(all.length, 1);
    const [got] = all;
    t.match(got, {
      selector: layered.selector, dir: 'out', action: 'allow', priority: 2000, type: 'main',
      lifetime: { softAddSeconds: 3000, hardAddSeconds: 3600 },
      templates: [
        { proto: 'ah', mode: 'transport', reqid: 11, optional: true },
        { proto: 'esp', mode: 'tunnel', reqid: 12, src: LOCAL, dst: PEER, optional: false },
      ],
    }, 'the dump has every field');
    t.notOk('src' in (got?.templates[0] ?? {}), 'a transport template has no endpoints');
    t.ok(Math.abs((got?.current.addTime ?? 0) - Date.now() / 1000) < 5, 'added now (seconds)');
    const index = got?.index as number;
    t.equal(announced, index, 'NEWPOLICY resolves with the index (the kernel\'s announcement)');
    t.same(await socket.getPolicy({ selector: layered.selector, dir: 'out' }), got, 'GETPOLICY by selector');
    t.same(await socket.getPolicy({ index, dir: 'out' }), got, 'GETPOLICY by index');
    t.equal(await socket.updPolicy({ ...layered, priority: 5 }), index, 'UPDPOLICY resolves with the index it kept');
    const updated = await socket.getPolicy({ index, dir: 'out' });
    t.equal(updated.priority, 5, 'UPDPOLICY changed the priority');
    t.equal(updated.index, index, 'and kept the index');
    await socket.delPolicy({ index, dir: 'out' });
    t.same(await socket.dumpPolicy(), [], 'DELPOLICY by index');
    t.equal(await x.ns.ip('xfrm', 'policy', 'list'), '', 'iproute2 agrees');
  });

  t.test('what iproute2 installs, the addon and the backend read', async (t) => {
    const x = await namespace();
    await x.ns.ip('xfrm', 'policy', 'add', 'src', '10.5.0.0/16', 'dst', '10.6.0.0/16', 'proto', 'tcp', 'dport', '443', 'dir', 'fwd',
      'priority', '7', 'tmpl', 'src', PEER, 'dst', LOCAL, 'proto', 'esp', 'reqid', '5', 'mode', 'tunnel', 'level', 'use');
    const [got] = await socketIn(t, x).dumpPolicy();
    t.match(got, {
      selector: { src: { address: '10.5.0.0', prefixLength: 16 }, dst: { address: '10.6.0.0', prefixLength: 16 }, proto: 6, dstPort: 443 },
      dir: 'fwd', priority: 7, templates: [{ proto: 'esp', mode: 'tunnel', reqid: 5, src: PEER, dst: LOCAL, optional: true }],
    });
    const backend = x.backend();
    t.teardown(() => backend.close());
    t.same((await backend.listPolicies()).map((p) => p.spec), [{
      selector: { src: { address: '10.5.0.0', prefixLength: 16 }, dst: { address: '10.6.0.0', prefixLength: 16 }, proto: 6, dstPort: 443 },
      dir: 'fwd', action: 'allow', priority: 7, templates: [{ proto: 'esp', mode: 'tunnel', reqid: 5, src: PEER, dst: LOCAL, level: 'use' }],
    }], 'as a PolicySpec');
  });

  t.test('backend round trips: IPv6, block, bypass, lifetimes', async (t) => {
    const x = await namespace();
    const backend = x.backend();
    t.teardown(() => backend.close());
    const specs: PolicySpec[] = [
      outPolicy({
        selector: { src: { address: '2001:db8:a::', prefixLength: 48 }, dst: { address: '2001:db8:b::', prefixLength: 48 }, proto: 58 },
        templates: [tunnelTemplate({ src: '2001:db8::1', dst: '2001:db8:1::2' })],
      }),
      outPolicy({ selector: { src: { address: '10.1.0.0', prefixLength: 16 }, dst: { address: '10.9.0.0', prefixLength: 16 } }, action: 'block', templates: [] }),
      outPolicy({ selector: { src: { address: '10.1.0.0', prefixLength: 16 }, dst: { address: '10.1.0.0', prefixLength: 16 } }, priority: 10, templates: [] }),
      { ...outPolicy({ selector: { src: { address: '10.1.0.0', prefixLength: 16 }, dst: { address: '10.8.0.0', prefixLength: 16 }, proto: 17, srcPort: 500 } }), lifetimes: { softSeconds: 100, hardSeconds: 200 } },
    ];
    const indexes: number[] = [];
    for (const spec of specs) indexes.push(await backend.addPolicy(spec));
    t.same(await backend.listPolicies(), specs.map((spec, i) => ({ spec, index: indexes[i] })), 'listed as installed, in order');
    t.match(await x.ns.ip('xfrm', 'policy', 'list'), /src 2001:db8:a::\/48 dst 2001:db8:b::\/48 proto ipv6-icmp/, 'iproute2 sees the IPv6 policy');
  });

  t.test('kernel errors keep their errno name, operation and policy', async (t) => {
    const x = await namespace();
    const backend = x.backend();
    t.teardown(() => backend.close());
    const socket = socketIn(t, x);
    await backend.addPolicy(outPolicy());
    const duplicate = await backend.addPolicy(outPolicy()).catch((e: Error) => e);
    t.match(duplicate, { name: 'SadError', operation: 'addPolicy', code: 'EEXIST', message: /^addPolicy out 10\.1\.0\.0\/16 -> 10\.2\.0\.0\/16: XFRM_MSG_NEWPOLICY: File exists \(EEXIST\)$/ });
    t.match((duplicate as Error).cause, { code: 'EEXIST', errno: 17, operation: 'XFRM_MSG_NEWPOLICY' }, 'the kernel\'s error is the cause');
    const missing = await backend.deletePolicy(outPolicy().selector, 'in').catch((e: Error) => e);
    t.match(missing, { operation: 'deletePolicy', code: 'ENOENT', message: /XFRM_MSG_DELPOLICY: No such file or directory \(ENOENT\)$/ });
    // The low three bits of an index are its direction; the kernel checks.
    t.match(await socket.newPolicy({ ...layered, index: 8 | 0 }).catch((e: unknown) => e), { code: 'EINVAL', errno: 22, operation: 'XFRM_MSG_NEWPOLICY' }, 'a mismatched index is the kernel\'s EINVAL');
    const saMissing = await backend.deleteSa({ src: LOCAL, dst: PEER, proto: 'esp', spi: 0x1234 }).catch((e: Error) => e);
    t.match(saMissing, { operation: 'deleteSa', code: 'ESRCH', message: /esp spi 0x00001234 192\.0\.2\.1->198\.51\.100\.2: XFRM_MSG_DELSA: No such process \(ESRCH\)$/ });
  });

  t.test('a malformed request fails alone; a closed socket refuses', async (t) => {
    const x = await namespace();
    const socket = new XfrmSocket({ netns: x.path });
    const results = await socket.batch([
      { op: 'newpolicy', policy: layered },
      { op: 'newpolicy', policy: { ...layered, selector: { ...layered.selector, src: { address: '10.1.0.300', prefixLength: 16 } } } },
      { op: 'dumppolicy' },
    ]);
    t.match(results[1], { name: 'TypeError', message: "xfrm: ops[1].policy.selector.src.address must be an IPv4 or IPv6 address, got '10.1.0.300'" });
    const dumped = results[2] as XfrmPolicy[];
    t.equal(dumped.length, 1, 'the dump after');
    t.equal(results[0], dumped[0]?.index, 'the good one before, with its index');
    socket.close();
    await t.rejects(socket.dumpPolicy(), /closed/);
  });
});

/**
 * XFRM events through the addon's uv_poll'd monitor and XfrmBackend: ACQUIRE when traffic
 * meets an out policy with no SA, isolation between namespaces, and the monitor's lifecycle.
 * (Larval SA expiry is in kernel-xfrm-spi.test.ts, policy expiry in the contract.)
 */
import t from 'tap';
import { XfrmMonitor, type XfrmEvent } from '../src/native/xfrm';
import { Lab } from './helpers/netns';
import { sleep, XfrmNamespace, xfrmUnavailable } from './helpers/kernel-xfrm-lab';
import { FLOW, LOCAL, outPolicy, PEER, record, TUNNEL_SELECTOR, tunnelTemplate } from './helpers/sad-backend-contract';

async function until(done: () => boolean, ms = 3000): Promise<void> {
  for (let waited = 0; !done() && waited < ms; waited += 50) await sleep(50);
}

t.test('events', { skip: xfrmUnavailable() ?? false }, async (t) => {
  const lab = Lab.create(t);
  let n = 0;
  const namespace = (): Promise<XfrmNamespace> => XfrmNamespace.create(lab, `e${++n}`);

  t.test('ACQUIRE: once per missing SA, naming the policy, template and packet', async (t) => {
    const x = await namespace();
    const backend = x.backend();
    t.teardown(() => backend.close());
    const log = record(backend);
    const raw: XfrmEvent[] = [];
    const monitor = new XfrmMonitor((events) => raw.push(...events), { netns: x.path, groups: ['acquire'] });
    t.teardown(() => monitor.close());
    const index = await backend.addPolicy(outPolicy({ templates: [tunnelTemplate({ reqid: 7 })] }));
    await x.send(FLOW);
    await until(() => log.acquire.length > 0 && raw.length > 0);
    t.same(log.acquire, [{ policyIndex: index, selector: TUNNEL_SELECTOR, proto: 'esp', mode: 'tunnel', reqid: 7, src: LOCAL, dst: PEER }], 'the backend\'s event');
    t.match(raw, [{
      type: 'acquire', src: LOCAL, dst: PEER, proto: 'esp',
      policy: { index, dir: 'out', templates: [{ reqid: 7, mode: 'tunnel' }] },
      template: { proto: 'esp', mode: 'tunnel', reqid: 7, src: LOCAL, dst: PEER },
      selector: { src: { address: FLOW.src, prefixLength: 32 }, dst: { address: FLOW.dst, prefixLength: 32 }, proto: 17, srcPort: FLOW.srcPort, dstPort: FLOW.dstPort },
    }], 'the raw event carries the packet\'s flow too');
    await x.send({ ...FLOW, srcPort: 40001 });
    await sleep(300);
    t.equal(log.acquire.length, 1, 'no second ACQUIRE while the kernel waits for the first SA');
  });

  t.test('a namespace hears only its own kernel', async (t) => {
    const [a, b] = [await namespace(), await namespace()];
    const backendA = a.backend();
    const backendB = b.backend();
    t.teardown(async () => {
      await backendA.close();
      await backendB.close();
    });
    const [logA, logB] = [record(backendA), record(backendB)];
    await backendA.addPolicy(outPolicy());
    await backendB.addPolicy(outPolicy({ templates: [tunnelTemplate({ reqid: 2 })] }));
    t.equal((await backendA.listPolicies()).length, 1, 'each has its own SPD');
    await b.send(FLOW);
    await until(() => logB.acquire.length > 0);
    await sleep(200);
    t.match(logB.acquire, [{ reqid: 2 }], 'B hears its ACQUIRE');
    t.same(logA.acquire, [], 'A does not');
  });

  t.test('a closed monitor delivers nothing and closing twice is harmless', async (t) => {
    const x = await namespace();
    const backend = x.backend();
    t.teardown(() => backend.close());
    const raw: XfrmEvent[] = [];
    const monitor = new XfrmMonitor((events) => raw.push(...events), { netns: x.path });
    monitor.close();
    monitor.close();
    await backend.addPolicy(outPolicy());
    await x.send(FLOW);
    await sleep(300);
    t.same(raw, []);
  });

  t.test('monitor options are checked', async (t) => {
    t.throws(() => new XfrmMonitor(() => undefined, { groups: ['sa' as 'acquire'] }), { name: 'TypeError', message: /groups may name 'acquire' and 'expire', got 'sa'/ });
    t.throws(() => new XfrmMonitor(() => undefined, { netns: '/run/netns/ikegate-no-such-namespace' }), { code: 'ENOENT', syscall: 'open' });
  });
});

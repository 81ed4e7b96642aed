/**
 * The memory backend's lookups with many policies and SAs: out policies for one source host
 * are kept apart from broader ones, and SAs by reqid. What a packet meets must not change:
 * the best priority of every matching policy wins whichever set holds it, an updated or
 * deleted policy leaves its set, and an SA is found only while installed, under its reqid.
 */
import t from 'tap';
import { MemoryBackend } from '../src/kernel/memory-backend';
import { espSa, FLOW, LOCAL, outPolicy, PEER, REMOTE_NET, tunnelTemplate } from './helpers/sad-backend-contract';

const HOST = { address: FLOW.src, prefixLength: 32 };

t.test('host and broader out policies: best priority wins across both, updates and deletes move them', async (t) => {
  const backend = new MemoryBackend();
  // Hundreds of other hosts' policies, as a hub's per-peer ACL lines make.
  for (let i = 1; i <= 300; i++) {
    await backend.addPolicy(outPolicy({ selector: { src: { address: `10.1.${i >> 8}.${i & 255}`, prefixLength: 32 }, dst: REMOTE_NET }, templates: [], priority: 10 }));
  }
  t.equal(backend.simulateTraffic(FLOW).verdict, 'bypass', 'host 10.1.0.5 is one of them');
  const broad = await backend.addPolicy(outPolicy({ priority: 5, action: 'block', templates: [] }));
  t.match(backend.simulateTraffic(FLOW), { verdict: 'blocked', policyIndex: broad }, 'a broader policy with a better priority wins');
  const host = await backend.updatePolicy(outPolicy({ selector: { src: HOST, dst: REMOTE_NET }, priority: 1 }));
  t.match(backend.simulateTraffic(FLOW), { verdict: 'acquire', policyIndex: host }, 'the updated host policy, now best, wins');
  await backend.deletePolicy({ src: HOST, dst: REMOTE_NET }, 'out');
  t.match(backend.simulateTraffic(FLOW), { verdict: 'blocked', policyIndex: broad }, 'with the host policy gone the broad one is left');
  await backend.deletePolicy(outPolicy().selector, 'out');
  t.equal(backend.simulateTraffic(FLOW).verdict, 'clear', 'nothing left for this host');
  t.equal(backend.simulateTraffic({ ...FLOW, src: '10.1.0.6' }).verdict, 'bypass', 'other hosts keep theirs');
  t.equal(backend.simulateTraffic({ ...FLOW, src: 'not-an-address' }).verdict, 'clear');
});

t.test('SAs by reqid: found once installed, not after deletion, and only under their reqid', async (t) => {
  const backend = new MemoryBackend();
  await backend.addPolicy(outPolicy({ selector: { src: HOST, dst: REMOTE_NET } }));
  t.equal(backend.simulateTraffic(FLOW).verdict, 'acquire');
  // A larval SA (allocateSpi) is not installed: still no SA for the template.
  const spi = await backend.allocateSpi({ src: LOCAL, dst: PEER, proto: 'esp' });
  t.equal(backend.simulateTraffic(FLOW).verdict, 'acquire');
  await backend.updateSa(espSa({ spi, reqid: 7 }));
  t.equal(backend.simulateTraffic(FLOW).verdict, 'acquire', 'an SA of reqid 7 does not serve reqid 1');
  await backend.addSa(espSa({ spi: 0xc0de0002 }));
  t.match(backend.simulateTraffic(FLOW), { verdict: 'protected', sas: [{ spi: 0xc0de0002 }] });
  await backend.deleteSa({ src: LOCAL, dst: PEER, proto: 'esp', spi: 0xc0de0002 });
  t.equal(backend.simulateTraffic(FLOW).verdict, 'acquire', 'deleted: gone from the index too');
  await backend.updatePolicy(outPolicy({ selector: { src: HOST, dst: REMOTE_NET }, templates: [tunnelTemplate({ reqid: 7 })] }));
  t.match(backend.simulateTraffic(FLOW), { verdict: 'protected', sas: [{ spi }] }, 'the reqid 7 SA serves a reqid 7 template');
});

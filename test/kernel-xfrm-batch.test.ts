/**
 * Thousands of XFRM requests: the event loop keeps running while they go (the syscalls are
 * on the threadpool), and rough rates next to `ip -batch` doing the same in the same run.
 * The rates are printed, never asserted: they depend on the machine.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import t from 'tap';
import type { SaSpec, Selector } from '../src/kernel/sad-backend';
import { toXfrmPolicy } from '../src/kernel/xfrm-specs';
import { XfrmSocket, type XfrmRequest } from '../src/native/xfrm';
import { Lab } from './helpers/netns';
import { probeKernel, XfrmNamespace, xfrmUnavailable } from './helpers/kernel-xfrm-lab';
import { espSa, key, LOCAL, outPolicy, PEER, tunnelTemplate } from './helpers/sad-backend-contract';

const COUNT = 10_000;

/** 10.100.0.0/24, 10.100.1.0/24, ... : one distinct /24 per policy. */
function selector(i: number): Selector {
  return { src: { address: `10.${100 + (i >> 8)}.${i & 255}.0`, prefixLength: 24 }, dst: { address: '10.200.0.0', prefixLength: 16 } };
}
const policy = (i: number) => outPolicy({ selector: selector(i), templates: [tunnelTemplate({ reqid: i + 1 })] });
const ipPolicy = (verb: 'add' | 'delete', i: number): string => {
  const sel = `src ${selector(i).src.address}/24 dst 10.200.0.0/16 dir out`;
  return verb === 'delete' ? `xfrm policy delete ${sel}` : `xfrm policy add ${sel} priority 1000 tmpl src ${LOCAL} dst ${PEER} proto esp reqid ${i + 1} mode tunnel`;
};

const perSecond = (count: number, ms: number): string => `${Math.round((count * 1000) / ms).toLocaleString('en-US')}/s (${Math.round(ms)} ms)`;

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

t.test('batches', { skip: xfrmUnavailable() ?? false }, async (t) => {
  const lab = Lab.create(t);
  let n = 0;
  const namespace = (): Promise<XfrmNamespace> => XfrmNamespace.create(lab, `b${++n}`);
  /** `ip -batch` of `lines` in `x`, timed from the process's start to its exit. */
  const ipBatch = (x: XfrmNamespace, name: string, lines: string[]): Promise<number> => {
    const file = path.join(lab.dir, `${name}.batch`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    return timed(() => x.ns.ip('-batch', file));
  };

  t.test(`a timer keeps ticking while ${COUNT.toLocaleString('en-US')} policies install`, async (t) => {
    const x = await namespace();
    const backend = x.backend();
    t.teardown(() => backend.close());
    let ticks = 0;
    let last = performance.now();
    let longest = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      longest = Math.max(longest, now - last);
      last = now;
      ticks += 1;
    }, 1);
    let enqueueMs = 0;
    const ms = await timed(async () => {
      const start = performance.now();
      const pending = Array.from({ length: COUNT }, (_, i) => backend.addPolicy(policy(i)));
      enqueueMs = performance.now() - start;
      const indexes = await Promise.all(pending);
      t.equal(new Set(indexes).size, COUNT, 'each got its own index');
    });
    clearInterval(timer);
    t.equal((await backend.listPolicies()).length, COUNT, 'all installed');
    // The loop runs between batches and while the threadpool waits on the kernel.
    t.ok(ticks >= 3, `the 1 ms timer ticked ${ticks} times in ${Math.round(ms)} ms`);
    t.comment(`longest gap between ticks ${Math.round(longest)} ms, of which the caller's own ${COUNT} synchronous addPolicy calls took ${Math.round(enqueueMs)} ms`);
    await backend.flushPolicies();
  });

  t.test('batches in flight together still reach the kernel in order', async (t) => {
    const x = await namespace();
    const socket = new XfrmSocket({ netns: x.path });
    t.teardown(() => socket.close());
    // Several native batches, two at a time with the threadpool: a delete overtaking its
    // add would fail with ENOENT and leave the policy behind.
    const ops: XfrmRequest[] = [];
    for (let i = 0; i < 3000; i++) {
      const p = toXfrmPolicy(policy(i));
      ops.push({ op: 'newpolicy', policy: p }, { op: 'delpolicy', selector: p.selector, dir: 'out' });
    }
    const results = await socket.batch(ops);
    t.same(results.filter((r) => r instanceof Error), [], 'every add came before its delete');
    t.same(await socket.dumpPolicy(), [], 'nothing left');
  });

  t.test('policies/s: addon and backend next to ip -batch', async (t) => {
    const [raw, viaBackend, ip] = [await namespace(), await namespace(), await namespace()];
    const socket = new XfrmSocket({ netns: raw.path });
    t.teardown(() => socket.close());
    const backend = viaBackend.backend();
    t.teardown(() => backend.close());
    const adds: XfrmRequest[] = Array.from({ length: COUNT }, (_, i) => ({ op: 'newpolicy', policy: toXfrmPolicy(policy(i)) }));
    const deletes: XfrmRequest[] = Array.from({ length: COUNT }, (_, i) => ({ op: 'delpolicy', selector: toXfrmPolicy(policy(i)).selector, dir: 'out' }));
    const ipAdds = Array.from({ length: COUNT }, (_, i) => ipPolicy('add', i));
    const ipDeletes = Array.from({ length: COUNT }, (_, i) => ipPolicy('delete', i));
    const failures = (results: unknown[]): number => results.filter((r) => r instanceof Error).length;
    const outPolicies = async (x: XfrmNamespace): Promise<string | undefined> =>
      (await x.ns.ip('xfrm', 'policy', 'count')).match(/SPD IN\s+\d+ OUT (\d+)/)?.[1];
    // Warm up (JIT, threadpool) so the first tool measured is not the one that pays for it.
    await socket.batch(adds.slice(0, 1000));
    await socket.flushPolicy();
    await Promise.all(Array.from({ length: 1000 }, (_, i) => backend.addPolicy(policy(i))));
    await backend.flushPolicies();

    // Best of three, the tools taking turns, so that a busy moment of the machine (other
    // test files run alongside) does not decide the comparison.
    const best = { addonAdd: Infinity, backendAdd: Infinity, ipAdd: Infinity, addonDelete: Infinity, ipDelete: Infinity };
    let failed = 0;
    for (let round = 0; round < 3; round++) {
      let results: unknown[] = [];
      best.addonAdd = Math.min(best.addonAdd, await timed(async () => { results = await socket.batch(adds); }));
      failed += failures(results);
      best.ipAdd = Math.min(best.ipAdd, await ipBatch(ip, 'add', ipAdds));
      best.backendAdd = Math.min(best.backendAdd, await timed(() => Promise.all(Array.from({ length: COUNT }, (_, i) => backend.addPolicy(policy(i))))));
      if (round === 0) {
        for (const x of [raw, viaBackend, ip]) t.equal(await outPolicies(x), String(COUNT), `${x.ns.label}: ${COUNT} out policies`);
      }
      best.addonDelete = Math.min(best.addonDelete, await timed(async () => { results = await socket.batch(deletes); }));
      failed += failures(results);
      best.ipDelete = Math.min(best.ipDelete, await ipBatch(ip, 'delete', ipDeletes));
      await backend.flushPolicies();
    }
    t.equal(failed, 0, 'every add and delete of the addon batches was acked');
    t.equal(await outPolicies(raw), '0', 'the deletes removed them all');

    t.comment(`${COUNT} XFRM policies, best of 3 in one run, same machine:`);
    t.comment(`  add     addon batch           ${perSecond(COUNT, best.addonAdd)}`);
    t.comment(`  add     XfrmBackend.addPolicy ${perSecond(COUNT, best.backendAdd)} (each also read back for its index)`);
    t.comment(`  add     ip -batch             ${perSecond(COUNT, best.ipAdd)}`);
    t.comment(`  delete  addon batch           ${perSecond(COUNT, best.addonDelete)}`);
    t.comment(`  delete  ip -batch             ${perSecond(COUNT, best.ipDelete)}`);
  });

  t.test('SAs/s: backend next to ip -batch', async (t) => {
    const gaps = await probeKernel(t);
    if (gaps.sa.esp) {
      t.skip(gaps.sa.esp);
      return;
    }
    const [viaBackend, ip] = [await namespace(), await namespace()];
    const backend = viaBackend.backend();
    t.teardown(() => backend.close());
    const sa = (i: number): SaSpec => espSa({ spi: 0x10000 + i, reqid: i + 1, encryption: { name: 'cbc(aes)', key: key(16, i) } });
    const hex = (b: Buffer): string => `0x${b.toString('hex')}`;
    const ipSa = (i: number): string => {
      const s = sa(i);
      return `xfrm state add src ${s.src} dst ${s.dst} proto esp spi ${s.spi} reqid ${s.reqid} mode tunnel replay-window 32 ` +
        `enc 'cbc(aes)' ${hex(s.encryption?.key as Buffer)} auth-trunc 'hmac(sha1)' ${hex(s.integrity?.key as Buffer)} 96`;
    };
    const backendAdd = await timed(() => Promise.all(Array.from({ length: COUNT }, (_, i) => backend.addSa(sa(i)))));
    const ipAdd = await ipBatch(ip, 'sa', Array.from({ length: COUNT }, (_, i) => ipSa(i)));
    t.equal((await backend.listSas()).length, COUNT, 'all installed');
    t.comment(`${COUNT} ESP SAs: XfrmBackend.addSa ${perSecond(COUNT, backendAdd)}, ip -batch ${perSecond(COUNT, ipAdd)}`);
  });
});

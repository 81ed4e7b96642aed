/**
 * PfkeyBackend (PF_KEY v2) and XfrmBackend against a real kernel that has PF_KEY, ESP and AH:
 * the QEMU board's (the development machines have none of them). One board boots; an agent
 * on its debug shell runs the backends in network namespaces of the board, and the shared
 * SadBackend contract runs here against them (test/fixtures/board-sad-agent.ts).
 *
 * - PfkeyBackend runs the whole contract, except what PF_KEY cannot do, each skipped with the
 *   reason and that reason checked by its own test below: AES-GCM (af_key has no AEAD:
 *   ENOSYS), an SA's selector and NAT-OA (not carried), policy expiry events (Linux sends
 *   none; the policy still goes).
 * - XfrmBackend runs the contract's cases that install SAs, which the host skips.
 * - What PF_KEY installed is read back with `ip xfrm` inside the board.
 *
 * Board id 31. Needs what test/board-boot.test.ts needs (bash scripts/setup, npm run build:ts,
 * the native addon).
 */
import t, { type Test } from 'tap';
import { boardLab, boardsUnavailable, buildImage } from './fixtures/board';
import { skippingCases } from './fixtures/board-contract';
import { BoardSadAgent, type RemoteBackend } from './fixtures/board-sad-agent';
import {
  espSa, FLOW, key, LOCAL, outPolicy, PEER, rejectsWith, SA_TABLE, sadBackendContract, tunnelTemplate, type SadBackendSubject,
} from './helpers/sad-backend-contract';

// A cold image build, a TCG boot and two contract runs over a serial line.
t.setTimeout(1_800_000);

const skip = boardsUnavailable();
if (skip) t.plan(0, skip);

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const GCM_ROWS = SA_TABLE.map(([name]) => name).filter((name) => name.includes('GCM'));
/** PF_KEY cannot set a truncation; the kernel truncates HMAC-SHA256 to 96 bits, not RFC 4868's 128. */
const SHA256_ROWS = SA_TABLE.filter(([, spec]) => spec.integrity?.name === 'hmac(sha256)').map(([name]) => name);
const SELECTOR_ROWS = SA_TABLE.filter(([, spec]) => spec.selector !== undefined).map(([name]) => name);
const POLICY_LIFETIME_CASE = 'policy lifetimes: soft then hard policy-expire, and the policy is gone';
const SPI_PER_DESTINATION_CASE = 'allocateSpi: a full range is ENOENT, a bad range EINVAL';
/** The contract's cases that install SAs besides the round trips: what the host cannot run for XFRM. */
const XFRM_SA_CASES = new Set([
  'allocateSpi reserves SPIs that updateSa installs',
  'missing and duplicate SAs',
  'updateSa on an installed SA changes lifetimes and encapsulation ports only',
  'flushSas by protocol and all',
  'time lifetimes: soft expire once, then hard expire removes the SA',
  'traffic without an SA raises one ACQUIRE; with the SA it is counted',
]);

function pfkeyReason(name: string, spiPerDestination: string | undefined): string | undefined {
  const row = name.replace(/^SA round trip: /, '');
  if (GCM_ROWS.includes(row)) return 'Linux af_key has no AEAD: GCM SAs are refused with ENOSYS (tested below)';
  if (SHA256_ROWS.includes(row)) return 'PF_KEY has no truncation length and Linux truncates HMAC-SHA256 to 96 bits: SHA256-128 is refused (tested below)';
  if (SELECTOR_ROWS.includes(row)) return 'PF_KEY cannot carry an SA\'s selector or NAT-OA (tested below)';
  if (name === POLICY_LIFETIME_CASE) return 'Linux sends no policy expiry over PF_KEY (tested below: the policy still goes)';
  if (name === SPI_PER_DESTINATION_CASE) return spiPerDestination;
  return undefined;
}

function xfrmReason(name: string, spiPerDestination: string | undefined): string | undefined {
  if (name === SPI_PER_DESTINATION_CASE) return spiPerDestination;
  if (name.startsWith('SA round trip: ') || XFRM_SA_CASES.has(name)) return undefined;
  return 'needs no ESP or AH: runs on the host (test/kernel-xfrm-backend.test.ts)';
}

/**
 * Since "xfrm: Duplicate SPI Handling" (2025, in stable kernels) SPIs are unique per
 * protocol across destinations, where the contract expects one SPI space per destination.
 */
async function spiPerDestinationGap(agent: BoardSadAgent): Promise<string | undefined> {
  const b = await agent.open('pfkey');
  try {
    const range = { proto: 'esp' as const, min: 0x7000, max: 0x7000 };
    await b.allocateSpi({ ...range, src: PEER, dst: LOCAL });
    await b.allocateSpi({ ...range, src: LOCAL, dst: PEER });
    return undefined;
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOENT') throw err;
    return `this kernel allocates SPIs unique per protocol across destinations ("xfrm: Duplicate SPI Handling"): ${(err as Error).message}`;
  } finally {
    await b.flushSas();
    await b.close();
  }
}

function runContract(t: Test, agent: BoardSadAgent, kind: 'pfkey' | 'xfrm', reasonFor: (name: string) => string | undefined): void {
  const seen = new Set<string>();
  sadBackendContract(skippingCases(t, reasonFor, seen), async (): Promise<SadBackendSubject> => {
    const backend = await agent.open(kind);
    return {
      backend,
      // QEMU starts the board's clock from the host's (UTC) and TCG keeps it with the host's.
      now: () => Date.now(),
      // Between an add and the read that shows it lie one or two trips over the serial line.
      addTimeToleranceMs: 6000,
      // The events the backend emitted meanwhile come back with the next answer.
      elapse: async (ms) => {
        await sleep(ms);
        await agent.poll();
      },
      sendTraffic: (flow) => backend.send(flow),
    };
  });
  const named = [...GCM_ROWS, ...SHA256_ROWS, ...SELECTOR_ROWS].map((row) => `SA round trip: ${row}`).concat([POLICY_LIFETIME_CASE, SPI_PER_DESTINATION_CASE, ...XFRM_SA_CASES]);
  t.same(named.filter((name) => !seen.has(name)), [], 'every case named here is in the contract');
}

/** A backend for one test, emptied and closed at its end. */
async function boardBackend(t: Test, agent: BoardSadAgent, kind: 'pfkey' | 'xfrm' = 'pfkey'): Promise<RemoteBackend> {
  const b = await agent.open(kind);
  t.teardown(async () => {
    await b.flushSas();
    await b.flushPolicies();
    await b.close();
  });
  return b;
}

const hex = (b: Buffer): string => `0x${b.toString('hex')}`;

if (!skip) {
  t.test('SadBackends on the board', async (t) => {
    const image = await buildImage(t);
    const lab = await boardLab(t);
    const board = await lab.start({ id: 31, image });
    await board.shell.ready(180_000);
    const agent = await BoardSadAgent.start(board.shell);
    t.teardown(async () => {
      if (t.passing()) return;
      t.comment(await agent.log().catch((err: Error) => err.message));
    });
    const spiGap = await spiPerDestinationGap(agent);

    await t.test('PfkeyBackend: the SadBackend contract', async (t) => runContract(t, agent, 'pfkey', (name) => pfkeyReason(name, spiGap)));
    await t.test('XfrmBackend: the contract cases that install SAs', async (t) => runContract(t, agent, 'xfrm', (name) => xfrmReason(name, spiGap)));

    await t.test('what PF_KEY installs is what ip xfrm shows', async (t) => {
      const b = await boardBackend(t, agent);
      const esp = espSa({ reqid: 5, encap: { type: 'espinudp', sport: 4500, dport: 4500 }, lifetimes: { softSeconds: 100, hardSeconds: 200, hardBytes: 1_000_000 } });
      const ah = espSa({ spi: 0xc0de0009, proto: 'ah', mode: 'transport', reqid: 6, encryption: undefined, integrity: { name: 'hmac(sha512)', key: key(64, 7), truncationBits: 256 } });
      await b.addSa(esp);
      await b.addSa(ah);
      const index = await b.addPolicy(outPolicy({ templates: [tunnelTemplate({ reqid: 5 })] }));
      const state = await board.shell.check(`ip -n ${b.ns} xfrm state`);
      t.match(state, /src 192\.0\.2\.1 dst 198\.51\.100\.2\s+proto esp spi 0xc0de0001 reqid 5 mode tunnel/, 'the ESP SA, its reqid and mode');
      t.match(state, new RegExp(`auth-trunc hmac\\(sha1\\) ${hex(esp.integrity?.key as Buffer)} 96`), 'HMAC-SHA1 with its key, truncated to 96 bits');
      t.match(state, new RegExp(`enc cbc\\(aes\\) ${hex(esp.encryption?.key as Buffer)}`), 'AES-CBC with its key');
      t.match(state, /encap type espinudp sport 4500 dport 4500/, 'ESP in UDP');
      t.match(state, /replay-window 32/, 'the replay window');
      t.match(state, /proto ah spi 0xc0de0009 reqid 6 mode transport/, 'the AH SA');
      t.match(state, new RegExp(`auth-trunc hmac\\(sha512\\) ${hex(ah.integrity?.key as Buffer)} 256`), 'HMAC-SHA512 truncated to 256 bits');
      const lifetimes = await board.shell.check(`ip -n ${b.ns} -s xfrm state get src ${LOCAL} dst ${PEER} proto esp spi 0xc0de0001`);
      t.match(lifetimes, /expire add: soft 100\(sec\), hard 200\(sec\)/, 'soft and hard lifetimes');
      t.match(lifetimes, /limit: soft \(INF\)\(bytes\), hard 1000000\(bytes\)/, 'byte limit');
      const policy = await board.shell.check(`ip -n ${b.ns} xfrm policy`);
      t.match(policy, new RegExp(`src 10\\.1\\.0\\.0/16 dst 10\\.2\\.0\\.0/16\\s+dir out priority 1000[^\\n]*\\n`), 'the policy\'s selector, direction and priority');
      t.match(policy, /tmpl src 192\.0\.2\.1 dst 198\.51\.100\.2\s+proto esp reqid 5 mode tunnel/, 'its template, reqid kept (level unique)');
      t.match(await board.shell.check(`ip -n ${b.ns} xfrm policy list index ${index} dir out`), /dir out/, `the kernel knows it by index ${index}`);
    });

    await t.test('thousands of SAs go to the kernel in batches', async (t) => {
      const count = 2000;
      const rates: string[] = [];
      for (const kind of ['pfkey', 'xfrm'] as const) {
        const b = await boardBackend(t, agent, kind);
        const { ms, listed } = await b.installMany(espSa({ spi: 0x10000 }), count);
        t.equal(listed, count, `${kind}: ${count} SAs installed and listed`);
        rates.push(`${kind} ${Math.round((count * 1000) / Math.max(ms, 1))} SAs/s (${ms} ms)`);
      }
      t.comment(`${count} SAs at once inside the board, under TCG: ${rates.join(', ')}`);
    });

    // Requests and events share one PF_KEY socket (native/src/shared_socket.h): while a batch
    // is in flight it reads everything, and an ACQUIRE it meets reaches the backend through
    // the socket's inbox, not through the monitor's own read.
    await t.test('an ACQUIRE that comes during a bulk install is reported once', async (t) => {
      const b = await boardBackend(t, agent);
      const acquires: unknown[] = [];
      b.on('acquire', (e) => acquires.push(e));
      const index = await b.addPolicy(outPolicy({ templates: [tunnelTemplate({ reqid: 7 })] }));
      // SAs of another reqid: the packet finds no SA for the template. Made in one tick, the
      // install and the packet go to the board together; the install takes seconds there.
      const count = 6000;
      const [installed] = await Promise.all([b.installMany(espSa({ spi: 0x20000, reqid: 99 }), count), b.send(FLOW)]);
      t.equal(installed.listed, count, `the ${count} SAs were installed`);
      t.comment(`install took ${installed.ms} ms`);
      await sleep(300);
      await agent.poll();
      t.match(acquires, [{ policyIndex: index, proto: 'esp', mode: 'tunnel', reqid: 7, src: LOCAL, dst: PEER }], 'the ACQUIRE, once');
      t.equal(acquires.length, 1, 'and only once');
    });

    await t.test('PF_KEY refuses GCM and SHA256-128; SAs lose their selector and NAT-OA; policies expire silently', async (t) => {
      const b = await boardBackend(t, agent);
      for (const row of SHA256_ROWS) {
        const spec = SA_TABLE.find(([name]) => name === row)?.[1];
        if (spec) await rejectsWith(t, b.addSa(spec), 'addSa', 'EINVAL', `${row}: the kernel would truncate to 96 bits`);
      }
      for (const row of GCM_ROWS) {
        const spec = SA_TABLE.find(([name]) => name === row)?.[1];
        if (spec) await rejectsWith(t, b.addSa(spec), 'addSa', 'ENOSYS', `${row}: the kernel has no PF_KEY number for AEAD`);
      }
      for (const row of SELECTOR_ROWS) {
        const spec = SA_TABLE.find(([name]) => name === row)?.[1];
        if (!spec) continue;
        await b.addSa(spec);
        const got = (await b.getSa(spec)).spec;
        t.equal(got.selector, undefined, `${row}: installed without a selector`);
        t.equal(got.encap?.originalAddress, undefined, `${row}: and without NAT-OA`);
        await b.deleteSa(spec);
      }
      await rejectsWith(t, b.addSa(espSa({ replayWindow: 1024 })), 'addSa', 'EINVAL', 'a replay window PF_KEY cannot say');
      await rejectsWith(t, b.addPolicy(outPolicy({ templates: [tunnelTemplate({ reqid: 20000 })] })), 'addPolicy', 'EINVAL', 'a reqid PF_KEY policies cannot keep');
      const events: unknown[] = [];
      b.on('policy-expire', (e) => events.push(e));
      await b.addPolicy(outPolicy({ lifetimes: { softSeconds: 1, hardSeconds: 2 } }));
      await sleep(3500);
      await agent.poll();
      t.same(await b.listPolicies(), [], 'the hard lifetime removed the policy');
      t.same(events, [], 'with no event: af_key sends none');
    });
  });
}

/**
 * XFRM_MSG_ALLOCSPI through XfrmBackend and the addon, against the running kernel: ranges,
 * exhaustion, SPI spaces, larval SAs and their expiry. None of this needs ESP or AH.
 */
import t, { type Test } from 'tap';
import { isXfrmError, XfrmSocket } from '../src/native/xfrm';
import { LOCAL, PEER, record, rejectsWith } from './helpers/sad-backend-contract';
import { Lab } from './helpers/netns';
import { sleep, XfrmNamespace, xfrmUnavailable } from './helpers/kernel-xfrm-lab';

const inbound = { src: PEER, dst: LOCAL, proto: 'esp' as const };

t.test('ALLOCSPI', { skip: xfrmUnavailable() ?? false }, async (t) => {
  const lab = Lab.create(t);
  let n = 0;
  const setup = async (t: Test): Promise<{ x: XfrmNamespace; backend: ReturnType<XfrmNamespace['backend']> }> => {
    const x = await XfrmNamespace.create(lab, `s${++n}`);
    const backend = x.backend();
    t.teardown(() => backend.close());
    return { x, backend };
  };

  t.test('SPIs are distinct and inside the range, however many are asked for at once', async (t) => {
    const { backend } = await setup(t);
    const range = { ...inbound, min: 0x10000, max: 0x1ffff };
    const spis = await Promise.all(Array.from({ length: 500 }, () => backend.allocateSpi(range)));
    t.equal(new Set(spis).size, 500, 'distinct');
    t.ok(spis.every((s) => s >= range.min && s <= range.max), 'inside the range');
    const byDefault = await Promise.all(Array.from({ length: 50 }, () => backend.allocateSpi(inbound)));
    t.ok(byDefault.every((s) => s >= 256 && s <= 0xffffffff), 'the default range skips the reserved 1-255');
  });

  t.test('a range whose every SPI is taken is ENOENT, with the kernel\'s reason', async (t) => {
    const { backend } = await setup(t);
    // One request per SPI: the kernel tries random SPIs in a range (about as many tries as
    // the range is wide), so a nearly full range may already answer ENOENT; this fills it
    // deterministically.
    for (let spi = 0x2000; spi <= 0x200f; spi++) t.equal(await backend.allocateSpi({ ...inbound, min: spi, max: spi }), spi);
    const full = backend.allocateSpi({ ...inbound, min: 0x2000, max: 0x200f });
    await rejectsWith(t, full, 'allocateSpi', 'ENOENT', 'the range is exhausted');
    await full.catch((err: Error) => t.match(err.message, /No SPI available in the requested range/, 'the kernel says why'));
    const one = backend.allocateSpi({ ...inbound, min: 0x2003, max: 0x2003 });
    await rejectsWith(t, one, 'allocateSpi', 'ENOENT', 'one SPI taken');
    // Kernels word it differently ("Requested SPI is already in use", "No SPI available ...").
    await one.catch((err: Error) => t.match(err.cause, { kernelMessage: /SPI/ }, 'the kernel says why, for one SPI too'));
    await backend.deleteSa({ ...inbound, spi: 0x2003 });
    // Asked for exactly: a ranged request might miss the one free SPI among its random tries.
    t.equal(await backend.allocateSpi({ ...inbound, min: 0x2003, max: 0x2003 }), 0x2003, 'free again after delete');
  });

  t.test('AH and ESP have separate SPI spaces', async (t) => {
    const { backend } = await setup(t);
    const one = { ...inbound, min: 0x3000, max: 0x3000 };
    t.equal(await backend.allocateSpi(one), 0x3000);
    t.equal(await backend.allocateSpi({ ...one, proto: 'ah' }), 0x3000);
  });

  t.test('larval SAs: in the kernel\'s dump, not in the backend\'s view', async (t) => {
    const { x, backend } = await setup(t);
    const spi = await backend.allocateSpi({ ...inbound, min: 0x4000, max: 0x4fff });
    const socket = new XfrmSocket({ netns: x.path });
    t.teardown(() => socket.close());
    const [larval] = await socket.dumpSa();
    t.match(larval, { src: PEER, dst: LOCAL, proto: 'esp', spi, reqid: 0, mode: 'transport' }, 'the kernel holds a larval SA');
    t.equal(larval?.crypt ?? larval?.auth ?? larval?.aead, undefined, 'without algorithms');
    t.ok((larval?.lifetime.hardAddSeconds ?? 0) > 0, 'with the ACQUIRE lifetime (net.core.xfrm_acq_expires)');
    t.same(await backend.listSas(), [], 'listSas hides it');
    await rejectsWith(t, backend.getSa({ ...inbound, spi }), 'getSa', 'ESRCH', 'getSa does not see it');
    await backend.flushSas();
    t.same(await socket.dumpSa(), [], 'flushSas removes it');
  });

  t.test('a larval SA nobody installs expires hard after net.core.xfrm_acq_expires', async (t) => {
    const { x, backend } = await setup(t);
    await x.sysctl('net.core.xfrm_acq_expires', 1);
    const log = record(backend);
    const spi = await backend.allocateSpi({ ...inbound, min: 0x5000, max: 0x5fff });
    for (let waited = 0; log.expire.length === 0 && waited < 5000; waited += 100) await sleep(100);
    t.same(log.expire, [{ sa: { ...inbound, spi }, reqid: 0, hard: true }], 'as the memory backend reports it');
  });

  t.test('the kernel\'s own EINVAL maps to the errno name', async (t) => {
    const { x } = await setup(t);
    const socket = new XfrmSocket({ netns: x.path });
    t.teardown(() => socket.close());
    // The backend rejects min > max itself; the raw request shows the kernel's answer.
    const err: unknown = await socket.allocSpi({ ...inbound, min: 0x9000, max: 0x8000 }).catch((e: unknown) => e);
    t.ok(isXfrmError(err), 'an XfrmError');
    t.match(err, { code: 'EINVAL', errno: 22, operation: 'XFRM_MSG_ALLOCSPI' });
  });
});

/**
 * Kernel crypto discovery (--card auto) against a fake kernel: cards found at start, hot-plug
 * and unplug through device events with the driver's late registration, the periodic rescan,
 * events that do not concern cards, read failures, and the registry events that follow.
 */
import t from 'tap';
import { EngineRegistry } from '../src/hw/engine-registry';
import { cardProfile } from '../src/hw/card-profiles';
import {
  KernelCryptoDiscovery, mayChangeCards, PERIODIC_RESCAN_MS, SETTLE_READS_MS,
} from '../src/hw/kernel-crypto-discovery';
import { FakeClock } from './helpers/fake-clock';
import { FakeCryptoSource, VIRTIO_TABLE, SOFTWARE_TABLE } from './helpers/fake-crypto-source';

/** Lets the reads the timers started finish. */
const settled = (): Promise<void> => new Promise((r) => setImmediate(r));

interface Rig {
  hw: EngineRegistry;
  source: FakeCryptoSource;
  clock: FakeClock;
  discovery: KernelCryptoDiscovery;
  events: string[];
  warnings: string[];
}

async function rig(card: boolean): Promise<Rig> {
  const hw = new EngineRegistry();
  const source = new FakeCryptoSource(card);
  const clock = new FakeClock();
  const events: string[] = [];
  const warnings: string[] = [];
  hw.on('card-inserted', (c) => events.push(`inserted ${c.id}`));
  hw.on('card-removed', (c) => events.push(`removed ${c.id}`));
  const discovery = new KernelCryptoDiscovery(hw, source, { clock, log: { warn: (_f, m) => warnings.push(m) } });
  await discovery.start();
  return { hw, source, clock, discovery, events, warnings };
}

async function advance(r: Rig, ms: number): Promise<void> {
  r.clock.advance(ms);
  await settled();
}

t.test('a card present at start is in the registry when start() resolves', async (t) => {
  const r = await rig(true);
  t.same(r.events, ['inserted virtio_crypto']);
  const card = r.hw.activeEngine();
  t.equal(card.kind, 'hardware');
  t.equal(card.driver, 'virtio_crypto');
  t.equal(card.location, 'kernel module virtio_crypto');
  t.same([...card.ciphers], ['cbc(aes)-128', 'cbc(aes)-192', 'cbc(aes)-256']);
  t.notOk(r.hw.canEncrypt('cbc(des3_ede)-168'), 'the active card cannot do 3DES');
  t.ok(r.source.watching);
  r.discovery.close();
  t.notOk(r.source.watching, 'close() stops the device events');
  t.equal(r.clock.pending, 0, 'and every timer');
});

t.test('without a card only the software engine; the generic and CPU drivers are no cards', async (t) => {
  const r = await rig(false);
  t.same(r.events, []);
  t.same(r.hw.engines().map((e) => e.id), ['software']);
  r.discovery.close();
});

t.test('hot-plug: the card comes in after the device events, once its driver registered', async (t) => {
  const r = await rig(false);
  const readsBefore = r.source.reads;
  // The bus announces the device before the driver's probe registers the algorithms.
  r.source.plug({ registered: false });
  await advance(r, SETTLE_READS_MS[0]!);
  t.equal(r.source.reads, readsBefore + 1, 'one read at the first settle delay');
  t.same(r.events, [], 'nothing yet: the driver has not registered');
  r.source.table = `${VIRTIO_TABLE}\n${SOFTWARE_TABLE}`;
  await advance(r, SETTLE_READS_MS[1]! - SETTLE_READS_MS[0]!);
  t.same(r.events, ['inserted virtio_crypto'], 'a later read of the same settle finds it');
  await advance(r, SETTLE_READS_MS.at(-1)!);
  t.same(r.events, ['inserted virtio_crypto'], 'further reads change nothing');

  r.source.unplug();
  await advance(r, SETTLE_READS_MS[0]!);
  t.same(r.events, ['inserted virtio_crypto', 'removed virtio_crypto'], 'unplugged: removed');
  t.equal(r.hw.activeEngine().id, 'software');
  r.discovery.close();
});

t.test('device events that cannot concern a card start no read', async (t) => {
  const r = await rig(false);
  const reads = r.source.reads;
  r.source.emit([
    { action: 'change', devpath: '/devices/virtual/mem/null', subsystem: 'mem' },
    { action: 'add', devpath: '/devices/virtual/net/veth0', subsystem: 'net' },
  ]);
  await advance(r, SETTLE_READS_MS.at(-1)!);
  t.equal(r.source.reads, reads);
  t.ok(mayChangeCards({ action: 'overrun' }), 'lost events count as a possible change');
  t.ok(mayChangeCards({ action: 'add', devpath: '/module/virtio_crypto', subsystem: 'module' }), 'a driver module loaded');
  t.ok(mayChangeCards({ action: 'unbind', devpath: '/devices/x', subsystem: 'pci' }));
  t.notOk(mayChangeCards({ action: 'change', devpath: '/devices/x', subsystem: 'pci' }));
  r.discovery.close();
});

t.test('a broken event socket is warned about; the periodic rescan goes on', async (t) => {
  const r = await rig(false);
  r.source.emit([{ type: 'error', error: new Error('kernel device event socket: Bad file descriptor (EBADF)') }]);
  t.same(r.warnings, ['device events lost: cards are found by the periodic rescan only']);
  r.source.table = `${VIRTIO_TABLE}\n${SOFTWARE_TABLE}`;
  await advance(r, PERIODIC_RESCAN_MS);
  t.same(r.events, ['inserted virtio_crypto']);
  r.discovery.close();
});

t.test('the periodic rescan finds a card no event announced, and keeps going', async (t) => {
  const r = await rig(false);
  r.source.table = `${VIRTIO_TABLE}\n${SOFTWARE_TABLE}`;
  await advance(r, PERIODIC_RESCAN_MS - 1);
  t.same(r.events, [], 'not before the period');
  await advance(r, 1);
  t.same(r.events, ['inserted virtio_crypto']);
  r.source.table = SOFTWARE_TABLE;
  await advance(r, PERIODIC_RESCAN_MS);
  t.same(r.events, ['inserted virtio_crypto', 'removed virtio_crypto'], 'the next period too');
  r.discovery.close();
});

t.test('a card whose algorithms change is removed and inserted again with the new ones', async (t) => {
  const r = await rig(true);
  r.source.table = r.source.table.replace(/(max keysize *: )32/, '$116');
  await r.discovery.rescan();
  t.same(r.events, ['inserted virtio_crypto', 'removed virtio_crypto', 'inserted virtio_crypto']);
  t.same([...r.hw.activeEngine().ciphers], ['cbc(aes)-128']);
  r.discovery.close();
});

t.test('read failures: start() rejects; later ones are warned about once and retried', async (t) => {
  const source = new FakeCryptoSource(false);
  source.failWith = Object.assign(new Error('read /proc/crypto: Permission denied (EACCES)'), { code: 'EACCES' });
  const d = new KernelCryptoDiscovery(new EngineRegistry(), source, { clock: new FakeClock() });
  await t.rejects(d.start(), /EACCES/);
  t.notOk(source.watching, 'a failed start leaves nothing watching');

  const r = await rig(false);
  r.source.failWith = new Error('read /proc/crypto: Input/output error (EIO)');
  await r.discovery.rescan();
  await r.discovery.rescan();
  t.same(r.warnings, ['cannot read the kernel crypto algorithm table'], 'one warning for the same failure');
  r.source.failWith = undefined;
  r.source.plug();
  await advance(r, SETTLE_READS_MS[0]!);
  t.same(r.events, ['inserted virtio_crypto'], 'the next read works again');
  r.discovery.close();
});

t.test('reads do not overlap: a rescan asked during one runs once after it', async (t) => {
  const r = await rig(false);
  const reads = r.source.reads;
  await Promise.all([r.discovery.rescan(), r.discovery.rescan(), r.discovery.rescan()]);
  t.equal(r.source.reads, reads + 2);
  r.discovery.close();
});

t.test('a card of the same id inserted by --card PROFILE is left alone', async (t) => {
  const hw = new EngineRegistry();
  hw.insertCard(cardProfile('virtio-crypto'));
  const source = new FakeCryptoSource(true);
  const d = new KernelCryptoDiscovery(hw, source, { clock: new FakeClock() });
  await d.start();
  t.equal(hw.engines().length, 2);
  source.table = SOFTWARE_TABLE;
  await d.rescan();
  t.equal(hw.engines().length, 2, 'not removed by discovery either');
  d.close();
});

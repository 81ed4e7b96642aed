/**
 * The addon's side of card discovery on this host's kernel: the algorithm table read on the
 * threadpool, and the kernel's device events as they come (a "change" event is asked of the
 * kernel through sysfs, which needs root).
 */
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import t from 'tap';
import { DeviceMonitor, readCryptoTable, type DeviceEvent } from '../src/native/crypto-discovery';
import { engineFromProcCrypto } from '../src/hw/proc-crypto';

t.test('readCryptoTable reads /proc/crypto', async (t) => {
  const text = await readCryptoTable();
  t.match(text, /^name\s+: \S+\ndriver\s+: \S+\nmodule\s+: \S+/m, 'the kernel\'s layout');
  t.type(engineFromProcCrypto(text), Array, 'which the classifier takes');
});

t.test('readCryptoTable(path) reads that file whole, past one read() of 16 KiB', async (t) => {
  const dir = t.testdir({ crypto: 'name : x\n'.repeat(5000) });
  t.equal(await readCryptoTable(path.join(dir, 'crypto')), 'name : x\n'.repeat(5000));
});

t.test('readCryptoTable rejects with the errno of what failed', async (t) => {
  await t.rejects(readCryptoTable('/nonexistent/crypto'), { code: 'ENOENT', syscall: 'open', message: /^read \/nonexistent\/crypto: No such file or directory \(ENOENT\)$/ });
  await t.rejects(readCryptoTable('/proc'), { code: 'EISDIR', syscall: 'read' });
  t.throws(() => readCryptoTable(42 as unknown as string), TypeError);
});

t.test('DeviceMonitor delivers the kernel\'s device events', { skip: process.getuid?.() !== 0 && 'asking the kernel for an event needs root' }, async (t) => {
  const events: DeviceEvent[] = [];
  const monitor = new DeviceMonitor((batch) => events.push(...batch));
  t.teardown(() => monitor.close());
  writeFileSync('/sys/devices/virtual/mem/null/uevent', 'change');
  const deadline = Date.now() + 10_000;
  const isNull = (e: DeviceEvent): boolean => 'action' in e && e.devpath === '/devices/virtual/mem/null';
  while (!events.some(isNull)) {
    if (Date.now() > deadline) throw new Error(`no event for /dev/null within 10 s: ${JSON.stringify(events)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  t.same(events.find(isNull), { action: 'change', devpath: '/devices/virtual/mem/null', subsystem: 'mem' });
  monitor.close();
  monitor.close();
  t.pass('close() twice is harmless');
});

t.test('DeviceMonitor needs a callback', async (t) => {
  t.throws(() => new DeviceMonitor(undefined as unknown as () => void), { name: 'TypeError', message: /needs an onEvents function/ });
});

/**
 * interface NAME with ip address A M and crypto map TAG; ip local pool NAME START END
 * (seed 002's Mode Configuration pieces).
 */
import t from 'tap';
import { configLines, configMode, configure, freshRouter, roundTrip, runningConfig, show } from './helpers/config';

t.test('interface: names, sub-mode, ip address, crypto map, running-config', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  for (const name of ['Ethernet1/0', 'GigabitEthernet0/0/1', 'eth0', 'wan.10', 'br-lan', 'Serial0:1', 'x'.repeat(32)]) {
    await c.ok(t, `interface ${name}`);
    t.equal(c.prompt(), 'Router(config-if)#', name);
    await c.ok(t, 'exit');
  }
  for (const bad of ['0eth', 'eth 0x', 'e'.repeat(33), 'eth$0', '"a b"']) {
    await c.rejects(t, `interface ${bad}`, 'Invalid interface name');
  }
  t.same(r.router.config.interfaces.map((i) => i.name), ['Ethernet1/0', 'GigabitEthernet0/0/1', 'eth0', 'wan.10', 'br-lan', 'Serial0:1', 'x'.repeat(32)]);
  const text = await runningConfig(t, r);
  t.match(text, /^interface eth0\n no ip address\n!/m, 'an interface without address says so');
  await roundTrip(t, r);
});

t.test('ip address: masks and host addresses accepted and refused', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  await c.ok(t, 'interface Ethernet1/0');
  const good: Array<[string, string]> = [
    ['172.21.230.34', '255.255.255.224'],
    ['10.0.0.1', '255.0.0.0'],
    ['10.0.0.1', '128.0.0.0'],
    ['10.0.0.1', '255.255.255.252'],
    ['10.0.0.0', '255.255.255.254'],
    ['10.0.0.1', '255.255.255.254'],
    ['10.0.0.5', '255.255.255.255'],
    ['010.000.000.009', '255.255.255.0'],
  ];
  for (const [a, m] of good) {
    await c.ok(t, `ip address ${a} ${m}`);
    const canon = a.split('.').map(Number).join('.');
    t.strictSame(r.router.config.interfaces[0]?.address, { address: canon, mask: m }, `${a} ${m}`);
  }
  const bad: Array<[string, string]> = [
    ['ip address 10.0.0.1 255.0.255.0', 'Bad mask 255.0.255.0 for address 10.0.0.1'],
    ['ip address 10.0.0.1 0.0.0.255', 'Bad mask 0.0.0.255 for address 10.0.0.1'],
    ['ip address 10.0.0.1 0.0.0.0', 'Bad mask 0.0.0.0 for address 10.0.0.1'],
    ['ip address 10.0.0.0 255.255.255.0', 'Bad mask 255.255.255.0 for address 10.0.0.0'],
    ['ip address 10.0.0.255 255.255.255.0', 'Bad mask 255.255.255.0 for address 10.0.0.255'],
    ['ip address 10.0.0.3 255.255.255.252', 'Bad mask 255.255.255.252 for address 10.0.0.3'],
    ['ip address 10.0.0.1 255.255.255.256', 'Invalid input'],
    ['ip address 10.0.0.1 24', 'Invalid input'],
    ['ip address 10.0.0.1/24', 'Invalid input'],
    ['ip address 10.0.0.1', 'Incomplete command'],
  ];
  for (const [line, msg] of bad) await c.rejects(t, line, msg);
  t.strictSame(r.router.config.interfaces[0]?.address, { address: '10.0.0.9', mask: '255.255.255.0' }, 'the last good address stays');
  t.ok(configLines(await runningConfig(t, r)).includes(' ip address 10.0.0.9 255.255.255.0'));
  await roundTrip(t, r);
  await c.ok(t, 'no ip address');
  t.equal(r.router.config.interfaces[0]?.address, undefined);
});

t.test('crypto map on an interface: set, replaced, removed; note when the map is not defined', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  await c.ok(t, 'crypto map dyn 10 ipsec-isakmp dynamic dyn', 'interface eth0');
  const [known] = await c.ok(t, 'crypto map dyn');
  t.equal(known?.output, '');
  t.equal(r.router.config.interfaces[0]?.cryptoMap, 'dyn');
  const [unknown] = await c.ok(t, 'crypto map later');
  t.equal(unknown?.output, '% NOTE: crypto map later is not defined yet; the interface is not protected until it is.\n');
  t.equal(r.router.config.interfaces[0]?.cryptoMap, 'later', 'replaced');
  await roundTrip(t, r);
  await c.rejects(t, 'crypto map', 'Incomplete command');
  await c.rejects(t, `crypto map ${'m'.repeat(64)}`, 'Invalid crypto map tag');
  await c.ok(t, 'no crypto map');
  t.equal(r.router.config.interfaces[0]?.cryptoMap, undefined);
  await c.ok(t, 'crypto map dyn', 'no crypto map dyn');
  t.equal(r.router.config.interfaces[0]?.cryptoMap, undefined);
  t.match(await runningConfig(t, r), /^interface eth0\n no ip address\n!/m);
});

t.test('no interface; entering an interface again keeps its settings', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  await c.ok(t, 'interface eth0', 'ip address 10.0.0.1 255.255.255.0', 'crypto map m', 'exit', 'interface eth1', 'exit', 'interface eth0');
  t.strictSame(r.router.config.interfaces[0], { name: 'eth0', address: { address: '10.0.0.1', mask: '255.255.255.0' }, cryptoMap: 'm' });
  await c.ok(t, 'exit', 'no interface eth0');
  t.same(r.router.config.interfaces.map((i) => i.name), ['eth1']);
  await c.rejects(t, 'no interface eth0', 'Interface eth0 is not configured');
  t.match((await show(t, r, 'show crypto map')), /^$/, 'no crypto maps shown');
});

t.test('ip local pool NAME START END', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  await c.ok(t, 'ip local pool ire 171.72.1.1 171.72.1.254', 'ip local pool pool1 172.16.23.0 172.16.23.255', 'ip local pool one 10.0.0.7 10.0.0.7');
  t.strictSame(r.router.config.localPools, [
    { name: 'ire', start: '171.72.1.1', end: '171.72.1.254' },
    { name: 'pool1', start: '172.16.23.0', end: '172.16.23.255' },
    { name: 'one', start: '10.0.0.7', end: '10.0.0.7' },
  ]);
  t.equal(await show(t, r, 'show ip local pool'), [
    ' Pool                     Begin           End',
    ' ire                      171.72.1.1      171.72.1.254',
    ' pool1                    172.16.23.0     172.16.23.255',
    ' one                      10.0.0.7        10.0.0.7',
    '',
  ].join('\n'));
  const lines = configLines(await runningConfig(t, r));
  t.ok(lines.includes('ip local pool ire 171.72.1.1 171.72.1.254'));
  t.ok(lines.includes('ip local pool one 10.0.0.7 10.0.0.7'));
  await roundTrip(t, r);
  await c.rejects(t, 'ip local pool bad 10.0.0.10 10.0.0.9', 'Invalid pool range 10.0.0.10 10.0.0.9: the first address is above the last');
  await c.rejects(t, 'ip local pool bad 11.0.0.0 10.255.255.255', 'Invalid pool range');
  await c.rejects(t, 'ip local pool bad 10.0.0.1', 'Incomplete command');
  await c.rejects(t, 'ip local pool bad 10.0.0.1 10.0.0.300', 'Invalid input');
  await c.rejects(t, `ip local pool ${'p'.repeat(64)} 10.0.0.1 10.0.0.2`, 'Invalid pool name');
  // Redefining a pool replaces its range; a bad redefinition leaves it alone.
  await c.ok(t, 'ip local pool ire 171.72.1.10 171.72.1.20');
  t.strictSame(r.router.config.localPools[0], { name: 'ire', start: '171.72.1.10', end: '171.72.1.20' });
  await c.rejects(t, 'ip local pool ire 171.72.1.30 171.72.1.20', 'Invalid pool range');
  t.strictSame(r.router.config.localPools[0], { name: 'ire', start: '171.72.1.10', end: '171.72.1.20' });
  await c.ok(t, 'no ip local pool pool1');
  await c.rejects(t, 'no ip local pool pool1', 'Pool pool1 does not exist');
  t.same(r.router.config.localPools.map((p) => p.name), ['ire', 'one']);
});

t.test("seed 002's interface and pool lines, as typed", async (t) => {
  const r = await freshRouter(t);
  await configure(t, r, 'interface Ethernet1/0', 'ip address 172.21.230.34 255.255.255.224', 'crypto map dyn', 'ip local pool ire 171.72.1.1 171.72.1.254');
  t.strictSame(r.router.config.interfaces, [{ name: 'Ethernet1/0', address: { address: '172.21.230.34', mask: '255.255.255.224' }, cryptoMap: 'dyn' }]);
  t.equal(r.router.config.localPools.length, 1, 'a global command from config-if leaves the sub-mode and runs');
  await roundTrip(t, r);
});

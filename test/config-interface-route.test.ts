/**
 * Interfaces and static routes in the memory simulation (no kernel): IOS interface names and
 * abbreviations, shutdown, ip route with IOS's refusals, running-config order, and the show
 * commands' layouts (show ip interface brief, show ip route).
 */
import t from 'tap';
import { configMode, configure, freshRouter, roundTrip, runningConfig, show } from './helpers/config';
import { canonicalInterfaceName, iosInterfaceName, linuxInterfaceName } from '../src/config/interface-names';

t.test('interface names: IOS abbreviations expand, the mapping to Linux is data', async (t) => {
  t.equal(canonicalInterfaceName('gi0/1'), 'GigabitEthernet0/1');
  t.equal(canonicalInterfaceName('g0/2'), 'GigabitEthernet0/2');
  t.equal(canonicalInterfaceName('GIGABITETHERNET0/03'), 'GigabitEthernet0/3');
  t.equal(canonicalInterfaceName('eth0'), 'eth0');
  t.equal(canonicalInterfaceName('Ethernet1/0'), 'Ethernet1/0', 'no such IOS type here: kept as typed');
  t.equal(canonicalInterfaceName('GigabitEthernet0/0/1'), 'GigabitEthernet0/0/1');
  t.equal(linuxInterfaceName('GigabitEthernet0/1'), 'eth1');
  t.equal(linuxInterfaceName('eth7'), 'eth7');
  t.equal(linuxInterfaceName('wan.10'), 'wan.10');
  t.equal(linuxInterfaceName('GigabitEthernet1/0'), undefined, 'slot 1 is not hardware of this system');
  t.equal(linuxInterfaceName('Ethernet1/0'), undefined);
  t.equal(iosInterfaceName('eth3'), 'GigabitEthernet0/3');
  t.equal(iosInterfaceName('veth0'), 'veth0');

  const r = await freshRouter(t);
  const c = await configMode(t, r);
  await c.ok(t, 'interface gi0/1', 'exit', 'interface GigabitEthernet0/1', 'exit');
  t.same(r.router.config.interfaces.map((i) => i.name), ['GigabitEthernet0/1'], 'one interface, stored by its full IOS name');
  await c.ok(t, 'no interface g0/1');
  t.same(r.router.config.interfaces, []);
  // IOS also takes the type and the unit as two words.
  await c.ok(t, 'interface GigabitEthernet 0/2', 'exit', 'int gi 0/2', 'exit');
  t.same(r.router.config.interfaces.map((i) => i.name), ['GigabitEthernet0/2']);
  await c.rejects(t, 'interface eth0 0/1', '% Invalid interface name "eth0 0/1"');
  await c.rejects(t, 'interface GigabitEthernet 1', '% Invalid interface name "GigabitEthernet 1"');
  t.same(r.router.config.interfaces.map((i) => i.name), ['GigabitEthernet0/2'], 'refusals change nothing');
  await c.ok(t, 'no interface GigabitEthernet 0/2');
  t.same(r.router.config.interfaces, []);
});

t.test('shutdown / no shutdown and running-config order', async (t) => {
  const r = await freshRouter(t);
  await configure(t, r, 'interface gi0/0', 'ip address 10.1.1.1 255.255.255.0', 'shutdown', 'crypto map M', 'exit');
  t.equal(r.router.config.interfaces[0]?.shutdown, true);
  let text = await runningConfig(t, r);
  t.match(text, /^interface GigabitEthernet0\/0\n ip address 10\.1\.1\.1 255\.255\.255\.0\n shutdown\n crypto map M\n!/m);
  await configure(t, r, 'interface gi0/0', 'no shutdown');
  t.equal(r.router.config.interfaces[0]?.shutdown, undefined, 'no shutdown is the default: not stored');
  text = await runningConfig(t, r);
  t.notMatch(text, /shutdown/);
  await configure(t, r, 'interface gi0/0', 'shutdown', 'exit', 'ip route 0.0.0.0 0.0.0.0 10.1.1.254', 'ip local pool P 10.9.0.1 10.9.0.9', 'access-list 101 permit ip any any');
  text = await runningConfig(t, r);
  t.match(text, /\nip local pool P 10\.9\.0\.1 10\.9\.0\.9\n!\nip route 0\.0\.0\.0 0\.0\.0\.0 10\.1\.1\.254\n!\naccess-list 101/, 'ip route after the pools, before the access lists');
  await roundTrip(t, r);
});

t.test('ip route: accepted, canonical, sorted, duplicates ignored, no forms', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  await c.ok(t,
    'ip route 192.168.0.0 255.255.0.0 10.0.0.2',
    'ip route 10.2.0.0 255.255.0.0 10.0.0.3',
    'ip route 010.002.000.000 255.255.0.0 10.0.0.2',
    'ip route 0.0.0.0 0.0.0.0 10.0.0.1',
    'ip route 10.2.0.0 255.255.0.0 10.0.0.3',
    'ip route 10.2.3.4 255.255.255.255 10.0.0.1',
  );
  t.same(r.router.config.routes.map((x) => `${x.prefix} ${x.mask} ${x.nextHop}`), [
    '0.0.0.0 0.0.0.0 10.0.0.1',
    '10.2.0.0 255.255.0.0 10.0.0.2',
    '10.2.0.0 255.255.0.0 10.0.0.3',
    '10.2.3.4 255.255.255.255 10.0.0.1',
    '192.168.0.0 255.255.0.0 10.0.0.2',
  ]);
  await roundTrip(t, r);
  await c.ok(t, 'no ip route 10.2.0.0 255.255.0.0 10.0.0.3');
  t.equal(r.router.config.routes.length, 4);
  await c.ok(t, 'ip route 10.2.0.0 255.255.0.0 10.0.0.3', 'no ip route 10.2.0.0 255.255.0.0');
  t.same(r.router.config.routes.map((x) => x.prefix), ['0.0.0.0', '10.2.3.4', '192.168.0.0'], 'without a next hop every route to the prefix goes');
});

t.test('ip route: refusals change nothing', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  await c.ok(t, 'interface eth0', 'ip address 10.0.0.5 255.255.255.0', 'exit', 'ip route 10.9.0.0 255.255.0.0 10.0.0.1');
  await c.rejects(t, 'ip route 10.1.1.1 255.255.255.0 10.0.0.1', '% Inconsistent address and mask');
  await c.rejects(t, 'ip route 10.0.0.0 255.0.255.0 10.0.0.1', '% Inconsistent address and mask');
  await c.rejects(t, 'ip route 224.0.0.0 240.0.0.0 10.0.0.1', '% Invalid destination prefix');
  await c.rejects(t, 'ip route 10.1.0.0 255.255.0.0 0.0.0.0', '% Invalid next hop address');
  await c.rejects(t, 'ip route 10.1.0.0 255.255.0.0 127.0.0.1', '% Invalid next hop address');
  await c.rejects(t, 'ip route 10.1.0.0 255.255.0.0 255.255.255.255', '% Invalid next hop address');
  await c.rejects(t, 'ip route 10.1.0.0 255.255.0.0 10.0.0.5', "% Invalid next hop address (it's this router)");
  await c.rejects(t, 'ip route 10.1.0.0 255.255.0.0 10.0.0.256', 'Invalid input');
  await c.rejects(t, 'ip route 10.1.0.0 255.255.0.0', 'Incomplete command');
  await c.rejects(t, 'no ip route 10.8.0.0 255.255.0.0', '% No matching route to delete');
  await c.rejects(t, 'no ip route 10.9.0.0 255.255.0.0 10.0.0.2', '% No matching route to delete');
  await c.rejects(t, 'no ip route 10.9.0.1 255.255.0.0', '% Inconsistent address and mask');
});

t.test('show ip interface brief (memory simulation: configured interfaces, up unless shut down)', async (t) => {
  const r = await freshRouter(t);
  await configure(t, r,
    'interface gi0/0', 'ip address 10.1.1.1 255.255.255.0', 'exit',
    'interface gi0/1', 'shutdown', 'exit',
    'interface wan-very-long-interface-name', 'exit',
  );
  const out = await show(t, r, 'show ip interface brief');
  t.equal(out, [
    'Interface                  IP-Address      OK? Method Status                Protocol',
    'GigabitEthernet0/0         10.1.1.1        YES manual up                    up',
    'GigabitEthernet0/1         unassigned      YES unset  administratively down down',
    'wan-very-long-interface-name unassigned      YES unset  up                    up',
    '',
  ].join('\n'));
  t.equal((await r.run('show ip interface brief')).ok, true);
  const user = r.session({ privileged: false });
  t.match((await user.execute('show ip interface brief')).output, /^Interface {18}IP-Address/, 'user EXEC may look too');
  user.close();
});

t.test('show ip route: legend, gateway of last resort, C/L/S grouped by classful network', async (t) => {
  const r = await freshRouter(t);
  let out = await show(t, r, 'show ip route');
  t.equal(out, 'Codes: L - local, C - connected, S - static\n       * - candidate default\n\nGateway of last resort is not set\n\n');
  await configure(t, r,
    'interface gi0/0', 'ip address 10.1.1.1 255.255.255.0', 'exit',
    'interface gi0/1', 'ip address 192.168.5.1 255.255.255.0', 'exit',
    'interface gi0/2', 'ip address 172.16.0.1 255.255.0.0', 'shutdown', 'exit',
    'ip route 0.0.0.0 0.0.0.0 10.1.1.254',
    'ip route 10.2.0.0 255.255.0.0 10.1.1.254',
    'ip route 172.20.0.0 255.255.0.0 10.1.1.254',
    'ip route 10.3.0.0 255.255.0.0 172.16.0.254',
  );
  out = await show(t, r, 'show ip route');
  t.equal(out, [
    'Codes: L - local, C - connected, S - static',
    '       * - candidate default',
    '',
    'Gateway of last resort is 10.1.1.254 to network 0.0.0.0',
    '',
    'S*    0.0.0.0/0 [1/0] via 10.1.1.254',
    '      10.0.0.0/8 is variably subnetted, 3 subnets, 3 masks',
    'C        10.1.1.0/24 is directly connected, GigabitEthernet0/0',
    'L        10.1.1.1/32 is directly connected, GigabitEthernet0/0',
    'S        10.2.0.0/16 [1/0] via 10.1.1.254',
    'S     172.20.0.0/16 [1/0] via 10.1.1.254',
    '      192.168.5.0/24 is variably subnetted, 2 subnets, 2 masks',
    'C        192.168.5.0/24 is directly connected, GigabitEthernet0/1',
    'L        192.168.5.1/32 is directly connected, GigabitEthernet0/1',
    '',
  ].join('\n'), 'a shut interface has no connected route; a static route through it is not installed');
  await configure(t, r, 'no ip route 0.0.0.0 0.0.0.0', 'no ip route 10.2.0.0 255.255.0.0', 'no ip route 172.20.0.0 255.255.0.0',
    'interface gi0/1', 'no ip address', 'exit', 'ip route 10.7.0.0 255.255.0.0 10.1.1.9', 'ip route 10.8.0.0 255.255.0.0 10.1.1.9');
  out = await show(t, r, 'show ip route');
  t.match(out, /Gateway of last resort is not set\n\n      10\.0\.0\.0\/8 is variably subnetted, 4 subnets, 3 masks\n/);
  await configure(t, r, 'interface gi0/0', 'no ip address', 'ip address 10.0.0.1 255.0.0.0', 'exit', 'no ip route 10.7.0.0 255.255.0.0', 'no ip route 10.8.0.0 255.255.0.0');
  out = await show(t, r, 'show ip route');
  t.match(out, /\n\n      10\.0\.0\.0\/8 is variably subnetted, 2 subnets, 2 masks\nC        10\.0\.0\.0\/8 is directly connected, GigabitEthernet0\/0\nL        10\.0\.0\.1\/32 is directly connected, GigabitEthernet0\/0\n$/);
  await configure(t, r, 'no interface gi0/0', 'interface gi0/3', 'ip address 10.4.0.1 255.255.255.0', 'exit', 'interface gi0/4', 'ip address 10.5.0.1 255.255.255.255');
  out = await show(t, r, 'show ip route');
  t.match(out, /\n\n      10\.0\.0\.0\/8 is variably subnetted, 3 subnets, 2 masks\nC        10\.4\.0\.0\/24 is directly connected, GigabitEthernet0\/3\nL        10\.4\.0\.1\/32 is directly connected, GigabitEthernet0\/3\nC        10\.5\.0\.1\/32 is directly connected, GigabitEthernet0\/4\n$/, 'a /32 interface address is only connected');
});

t.test('shutdown outside config-if is not a command', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  await c.rejects(t, 'shutdown', 'Invalid input');
});

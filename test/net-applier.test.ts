/**
 * Interfaces and static routes configured from the console reach the Linux kernel over
 * rtnetlink: a network namespace made by this test holds a veth pair eth1/eth2
 * (GigabitEthernet0/1 and 0/2), and `ip -j` inside it checks what the commands did. Also:
 * idempotence (the running-config loaded again), kernel refusals as console errors that
 * change nothing, and the show commands over the kernel's state.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import t, { type Test } from 'tap';
import { loadConfigText } from '../src/cli/config-loader';
import { configText } from '../src/show/running-config';
import { RtnlSocket } from '../src/native/rtnl';
import { NetApplier } from '../src/net/net-applier';
import { Console } from './helpers/config';
import { netnsUnavailable } from './helpers/netns';
import { TABLE, testRouter, type TestRouter } from './helpers/router';

const NS = `h5-net-${process.pid}`;

function ip(...args: string[]): string {
  const r = spawnSync('ip', ['-n', NS, ...args], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

interface IpAddr { ifname: string; flags: string[]; operstate: string; addr_info: Array<{ family: string; local: string; prefixlen: number }> }
interface IpRoute { dst: string; gateway?: string; dev: string; protocol?: string }

function link(dev: string): IpAddr {
  return (JSON.parse(ip('-j', 'addr', 'show', 'dev', dev)) as IpAddr[])[0] as IpAddr;
}
function ipv4(dev: string): string[] {
  return link(dev).addr_info.filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`);
}
function routes(): string[] {
  return (JSON.parse(ip('-j', 'route', 'show', 'table', 'main')) as IpRoute[]).map((r) => `${r.dst}${r.gateway ? ` via ${r.gateway}` : ''} dev ${r.dev}${r.protocol ? ` proto ${r.protocol}` : ''}`).sort();
}

async function kernelRouter(t: Test): Promise<{ r: TestRouter; net: NetApplier }> {
  const net = new NetApplier(new RtnlSocket({ netns: `/run/netns/${NS}` }));
  const r = await testRouter({ net });
  t.teardown(() => {
    net.close();
    rmSync(r.dir, { recursive: true, force: true });
  });
  return { r, net };
}

async function session(t: Test, r: TestRouter): Promise<Console> {
  const c = new Console(r);
  t.teardown(() => c.close());
  await c.ok(t, 'configure terminal');
  return c;
}

const why = netnsUnavailable();
if (why) {
  t.plan(0, why);
} else {
  spawnSync('ip', ['netns', 'del', NS]);
  spawnSync('ip', ['netns', 'add', NS]);
  t.teardown(() => void spawnSync('ip', ['netns', 'del', NS]));
  ip('link', 'add', 'eth1', 'type', 'veth', 'peer', 'name', 'eth2');

  t.test('addresses, admin state and routes reach the kernel; no forms remove them', async (t) => {
    const { r } = await kernelRouter(t);
    const c = await session(t, r);
    t.notOk(link('eth1').flags.includes('UP'), 'eth1 starts down');
    await c.ok(t, 'interface gi0/1', 'ip address 10.50.0.1 255.255.255.0', 'exit');
    t.ok(link('eth1').flags.includes('UP'), 'an interface configured without shutdown is brought up');
    t.same(ipv4('eth1'), ['10.50.0.1/24']);
    await c.ok(t, 'ip route 10.60.0.0 255.255.0.0 10.50.0.254', 'ip route 0.0.0.0 0.0.0.0 10.50.0.254');
    t.same(routes(), ['10.50.0.0/24 dev eth1 proto kernel', '10.60.0.0/16 via 10.50.0.254 dev eth1 proto static', 'default via 10.50.0.254 dev eth1 proto static']);

    await c.ok(t, 'interface gi0/1', 'shutdown');
    t.notOk(link('eth1').flags.includes('UP'), 'shutdown sets the link down');
    await c.ok(t, 'no shutdown', 'exit');
    t.ok(link('eth1').flags.includes('UP'), 'no shutdown sets it up');
    t.same(routes(), ['10.50.0.0/24 dev eth1 proto kernel', '10.60.0.0/16 via 10.50.0.254 dev eth1 proto static', 'default via 10.50.0.254 dev eth1 proto static'],
      'static routes Linux dropped with the link are back');

    await c.ok(t, 'interface gi0/1', 'ip address 10.50.0.2 255.255.255.0', 'exit');
    t.same(ipv4('eth1'), ['10.50.0.2/24'], 'a new address replaces the old one');
    t.same(routes().filter((x) => x.includes('static')).length, 2, 'the routes survive the address change');

    await c.ok(t, 'no ip route 0.0.0.0 0.0.0.0 10.50.0.254');
    t.same(routes(), ['10.50.0.0/24 dev eth1 proto kernel', '10.60.0.0/16 via 10.50.0.254 dev eth1 proto static']);
    await c.ok(t, 'no ip route 10.60.0.0 255.255.0.0', 'interface gi0/1', 'no ip address', 'exit');
    t.same(ipv4('eth1'), []);
    t.same(routes(), []);
    await c.ok(t, 'interface gi0/1', 'ip address 10.50.0.1 255.255.255.0', 'exit', 'no interface gi0/1');
    t.same(ipv4('eth1'), [], 'no interface removes what the configuration gave it');
  });

  t.test('a configuration applied again changes nothing and fails on nothing', async (t) => {
    const { r } = await kernelRouter(t);
    const c = await session(t, r);
    await c.ok(t, 'interface eth1', 'ip address 10.51.0.1 255.255.255.0', 'exit', 'interface gi0/2', 'shutdown', 'exit', 'ip route 10.61.0.0 255.255.0.0 10.51.0.9');
    const kernel = JSON.stringify([ipv4('eth1'), routes(), link('eth2').flags]);
    // A reboot: a fresh router loads the saved configuration into a kernel that has it all.
    const { r: again } = await kernelRouter(t);
    t.same(await loadConfigText(again.router, TABLE, configText(r.router.config, '0.1.0')), [], 'every line loads');
    t.equal(JSON.stringify([ipv4('eth1'), routes(), link('eth2').flags]), kernel, 'kernel unchanged');
    t.strictSame(again.router.config, r.router.config);
    await c.ok(t, 'no ip route 10.61.0.0 255.255.0.0', 'no interface eth1', 'no interface gi0/2');
  });

  t.test('the kernel refuses: an IOS-style error, configuration and kernel unchanged', async (t) => {
    const { r } = await kernelRouter(t);
    const c = await session(t, r);
    await c.ok(t, 'interface gi0/1', 'ip address 10.52.0.1 255.255.255.0', 'exit');
    const kernel = JSON.stringify([ipv4('eth1'), routes()]);
    await c.rejects(t, 'interface eth9', '% Interface eth9 does not exist on this system');
    await c.rejects(t, 'interface gi0/7', '% Interface GigabitEthernet0/7 does not exist on this system (no Linux device eth7)');
    await c.rejects(t, 'interface GigabitEthernet1/0', '% Interface GigabitEthernet1/0 is not hardware of this system');
    await c.rejects(t, 'ip route 10.62.0.0 255.255.0.0 10.99.0.1', /^% Cannot add route 10\.62\.0\.0 255\.255\.0\.0 10\.99\.0\.1: Network is unreachable/m);
    t.equal(JSON.stringify([ipv4('eth1'), routes()]), kernel, 'kernel unchanged');
    await c.ok(t, 'no interface gi0/1');
  });

  t.test('show ip interface brief and show ip route read the kernel', async (t) => {
    const { r } = await kernelRouter(t);
    const c = await session(t, r);
    await c.ok(t, 'interface gi0/1', 'ip address 10.53.0.1 255.255.255.0', 'exit', 'ip route 10.63.0.0 255.255.0.0 10.53.0.7');
    ip('link', 'set', 'eth2', 'down');
    let brief = (await c.exec('do show ip interface brief')).output.split('\n');
    t.same(brief.slice(0, 3), [
      'Interface                  IP-Address      OK? Method Status                Protocol',
      'GigabitEthernet0/1         10.53.0.1       YES manual down                  down',
      'GigabitEthernet0/2         unassigned      YES unset  administratively down down',
    ], 'no carrier while the peer is down; the unconfigured device by its IOS name');
    t.match((await c.exec('do show ip route')).output, /Gateway of last resort is not set\n\n$/, 'no connected route while the line protocol is down');
    ip('link', 'set', 'eth2', 'up');
    ip('addr', 'add', '10.54.0.2/24', 'dev', 'eth2');
    brief = (await c.exec('do show ip interface brief')).output.split('\n');
    t.same(brief.slice(1, 3), [
      'GigabitEthernet0/1         10.53.0.1       YES manual up                    up',
      'GigabitEthernet0/2         10.54.0.2       YES other  up                    up',
    ]);
    t.match((await c.exec('do show ip route')).output, /\n      10\.0\.0\.0\/8 is variably subnetted, 5 subnets, 3 masks\nC        10\.53\.0\.0\/24 is directly connected, GigabitEthernet0\/1\nL        10\.53\.0\.1\/32 is directly connected, GigabitEthernet0\/1\nC        10\.54\.0\.0\/24 is directly connected, GigabitEthernet0\/2\nL        10\.54\.0\.2\/32 is directly connected, GigabitEthernet0\/2\nS        10\.63\.0\.0\/16 \[1\/0\] via 10\.53\.0\.7\n$/, 'a device up with an address outside the configuration is connected too');
    ip('addr', 'flush', 'dev', 'eth2');
    ip('link', 'set', 'eth2', 'down');
    await c.ok(t, 'no ip route 10.63.0.0 255.255.0.0', 'no interface gi0/1');
  });
}

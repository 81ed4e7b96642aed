/**
 * A board's interfaces and routes are configured from its serial console, as a router's are:
 * `interface GigabitEthernet0/1` (the board's LAN device eth1) with an address, `shutdown` /
 * `no shutdown`, and a static route through the LAN host; the board's kernel (read on the
 * debug shell) has them, the LAN host answers, the show commands report them, and after a
 * power cycle the saved configuration puts them back without complaint.
 *
 * Board id 51: LAN host 192.168.51.10 behind the gateway address 192.168.51.1 (board.json).
 */
import t, { type Test } from 'tap';
import { boardLab, boardsUnavailable, buildImage, type Board } from './fixtures/board';

t.setTimeout(600_000);

const skip = boardsUnavailable();
if (skip) t.plan(0, skip);

/** Types lines at the console; each must be accepted (no `% ` line). */
async function typeLines(t: Test, board: Board, lines: string[]): Promise<void> {
  for (const line of lines) {
    const out = await board.console.command(line);
    t.notMatch(out, /^% /m, `"${line}" is accepted`);
  }
}

const LAN_GATEWAY = '192.168.51.1';
const LAN_HOST = '192.168.51.10';

/** The kernel's view of eth1 and of the static route, read as text on the debug shell. */
async function kernelView(board: Board): Promise<{ up: boolean; addresses: string[]; route: string }> {
  const flags = /<([^>]*)>/.exec(await board.shell.check('ip -o link show dev eth1'))?.[1]?.split(',') ?? [];
  const addresses = [...(await board.shell.check('ip -4 -o addr show dev eth1')).matchAll(/ inet (\S+)/g)].map((m) => m[1] as string);
  const route = /^10\.151\.0\.0\/16 .*$/m.exec(await board.shell.check('ip route show 10.151.0.0/16'))?.[0].trimEnd() ?? '';
  return { up: flags.includes('UP'), addresses, route };
}

if (!skip) {
  t.test('interfaces and a static route from the console reach the board\'s kernel and survive a power cycle', async (t) => {
    const image = await buildImage(t);
    const lab = await boardLab(t);
    const runDir = `${lab.dir}/board51`;

    const first = await lab.start({ id: 51, image, runDir });
    t.teardown(() => first.stop());
    await first.console.waitForPrompt(120_000);
    await first.shell.ready();
    t.same((await kernelView(first)).addresses, [], 'the LAN side starts unaddressed');
    await typeLines(t, first, [
      'enable', 'configure terminal',
      'interface gi0/1', `ip address ${LAN_GATEWAY} 255.255.255.0`, 'no shutdown', 'exit',
      `ip route 10.151.0.0 255.255.0.0 ${LAN_HOST}`,
      'end',
    ]);
    t.same(await kernelView(first), { up: true, addresses: [`${LAN_GATEWAY}/24`], route: `10.151.0.0/16 via ${LAN_HOST} dev eth1 proto static` });
    t.match(await first.shell.check(`ping -c 1 -W 5 ${LAN_HOST}`), /1 packets received/, 'the LAN host answers the gateway');
    t.match(await first.console.command('show ip interface brief'), /^GigabitEthernet0\/1 +192\.168\.51\.1 +YES manual up +up\r?$/m);
    const routes = await first.console.command('show ip route');
    t.match(routes, /^C +192\.168\.51\.0\/24 is directly connected, GigabitEthernet0\/1\r?$/m);
    t.match(routes, /^ {6}10\.0\.0\.0\/16 is subnetted, 1 subnets\r?\nS {8}10\.151\.0\.0\/16 \[1\/0\] via 192\.168\.51\.10\r?$/m);

    await typeLines(t, first, ['configure terminal', 'interface gi0/1', 'shutdown']);
    t.equal((await kernelView(first)).up, false, 'shutdown takes the link down');
    t.match(await first.console.command('do show ip interface brief'), /^GigabitEthernet0\/1 +192\.168\.51\.1 +YES manual administratively down down\r?$/m);
    await typeLines(t, first, ['no shutdown', 'end', 'write memory']);
    t.same(await kernelView(first), { up: true, addresses: [`${LAN_GATEWAY}/24`], route: `10.151.0.0/16 via ${LAN_HOST} dev eth1 proto static` }, 'no shutdown brings link and route back');
    await first.powerOff();

    const second = await lab.start({ id: 51, image, runDir });
    t.teardown(() => second.stop());
    const boot = await second.console.waitForPrompt(120_000);
    t.notMatch(boot, /^% /m, 'the saved configuration loads without a problem');
    await second.shell.ready();
    t.same(await kernelView(second), { up: true, addresses: [`${LAN_GATEWAY}/24`], route: `10.151.0.0/16 via ${LAN_HOST} dev eth1 proto static` }, 'the kernel has it all again');
    t.match(await second.shell.check(`ping -c 1 -W 5 ${LAN_HOST}`), /1 packets received/);
    await second.powerOff();
  });
}

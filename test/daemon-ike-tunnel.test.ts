/**
 * Two ikegated daemons on loopback addresses (127.0.0.1 and 127.0.0.2, the same high ports
 * on both, as IKE peers use fixed ports) configured through `ikegate -c` the seed's way. A
 * `ping` through the memory backend starts Main Mode and Quick Mode; both daemons then show
 * the ISAKMP SA in QM_IDLE and IPsec SAs whose SPIs cross-match; `clear` and `debug` work.
 * Spawns dist/: `npm run build:ts && npx tap test/daemon-ike-tunnel.test.ts`.
 */
import { readFileSync } from 'node:fs';
import t from 'tap';
import {
  freeUdpPorts, ikegate, jsonLines, missingBuild, noteStaleBuild, startBackground, workspace, type Background, type TestLike, type Workspace,
} from './fixtures/daemon-harness';

const A = '127.0.0.1';
const B = '127.0.0.2';
const KEY = 'loopback-secret';

/** The seed's site-to-site configuration, mirrored on each end. */
function configuration(self: string, peer: string, lan: string, peerLan: string): string[] {
  return [
    'configure terminal',
    'crypto isakmp policy 10', 'encryption aes 256', 'hash sha256', 'authentication pre-share', 'group 14', 'exit',
    `crypto isakmp key ${KEY} address ${peer}`,
    'crypto ipsec transform-set TS esp-aes 256 esp-sha-hmac', 'exit',
    `access-list 101 permit ip ${lan}.0 0.0.0.255 ${peerLan}.0 0.0.0.255`,
    'crypto map VPN 10 ipsec-isakmp', `set peer ${peer}`, 'set transform-set TS', 'match address 101', 'exit',
    'interface wan', `ip address ${self} 255.255.255.0`, 'crypto map VPN', 'exit',
    'interface lan', `ip address ${lan}.1 255.255.255.0`, 'end',
  ];
}

/** Both daemons on the same free ports (picked again if one was taken meanwhile). */
async function startPair(t: TestLike): Promise<{ a: Background; b: Background; wa: Workspace; wb: Workspace }> {
  for (let attempt = 1; ; attempt++) {
    const ports = await freeUdpPorts(2) as [number, number];
    const wa = workspace(t);
    const wb = workspace(t);
    const a = await startBackground(t, { dir: wa.dir, control: wa.socket, ports, logFile: wa.log, extra: ['--ike-address', A] });
    const b = await startBackground(t, { dir: wb.dir, control: wb.socket, ports, logFile: wb.log, extra: ['--ike-address', B] });
    if (!/cannot bind/.test(a.proc.stderr + b.proc.stderr) || attempt === 3) return { a, b, wa, wb };
    await Promise.all([a.stop(), b.stop()]);
  }
}

async function run(t: TestLike, d: Background, commands: string[]): Promise<string> {
  const r = await ikegate(t, d.socket, commands);
  if (r.code !== 0) throw new Error(`ikegate ${commands.join(' / ')} exited ${r.code}:\n${r.stdout}${r.stderr}`);
  return r.stdout;
}

/** SPIs of a `show crypto ipsec sa` transcript, by direction. */
function spis(text: string): { inbound: number[]; outbound: number[] } {
  const out = { inbound: [] as number[], outbound: [] as number[] };
  let section: 'inbound' | 'outbound' | undefined;
  for (const line of text.split('\n')) {
    const head = /^\s+(inbound|outbound) (esp|ah|pcp) sas:/.exec(line);
    if (head) section = head[2] === 'esp' ? (head[1] as 'inbound' | 'outbound') : undefined;
    const spi = /^\s+spi: 0x([0-9A-F]+)\((\d+)\)$/.exec(line);
    if (spi && section) {
      if (Number.parseInt(spi[1] as string, 16) !== Number(spi[2])) throw new Error(`SPI printed two ways: ${line}`);
      out[section].push(Number(spi[2]));
    }
  }
  return out;
}

async function until(what: string, test: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await test())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const skip = missingBuild();
if (skip) t.fail(skip);
else {
  noteStaleBuild(t);

  t.test('ping brings the tunnel up; both ends show it; clear and debug', async (t) => {
    const { a, b, wa } = await startPair(t);
    t.equal(a.proc.stderr + b.proc.stderr, '', 'both bound their ports');
    await run(t, a, configuration(A, B, '10.1.0', '10.2.0'));
    await run(t, b, configuration(B, A, '10.2.0', '10.1.0'));

    const ping = await run(t, a, ['ping 10.2.0.1 source 10.1.0.1']);
    t.match(ping, /^Type escape sequence to abort\.\nSending 5, 100-byte ICMP Echos to 10\.2\.0\.1, timeout is 2 seconds:\n[.!]{5}\nSuccess rate is \d+ percent \(\d\/5\)\n$/, 'IOS ping output');
    t.match(ping, /\n\.+!+\n/, 'lost while IKE ran, then through the tunnel');

    for (const [d, name] of [[a, 'A'], [b, 'B']] as const) {
      const show = await run(t, d, ['show crypto isakmp sa']);
      t.equal(show, [
        'IPv4 Crypto ISAKMP SA',
        'dst             src             state          conn-id status',
        `${B}       ${A}       QM_IDLE           1001 ACTIVE`,
        '',
        'IPv6 Crypto ISAKMP SA',
        '',
        '',
      ].join('\n'), `${name}: the IKE SA in QM_IDLE, responder as dst`);
    }
    const detail = await run(t, a, ['show crypto isakmp sa detail']);
    t.match(detail, new RegExp(`^1001  ${A.replace(/\./g, '\\.')}\\s+${B.replace(/\./g, '\\.')}\\s+ACTIVE aes:256 sha256 psk  14 23:59:\\d\\d$`, 'm'), 'the suite in the detail row');

    const sa = { a: spis(await run(t, a, ['show crypto ipsec sa'])), b: spis(await run(t, b, [`show crypto ipsec sa peer ${A}`])) };
    t.equal(sa.a.outbound.length, 1, 'A: one outbound ESP SA');
    t.equal(sa.a.inbound.length, 1, 'A: one inbound ESP SA');
    t.same(sa.a.outbound, sa.b.inbound, "A's outbound SPI is B's inbound SPI");
    t.same(sa.a.inbound, sa.b.outbound, "A's inbound SPI is B's outbound SPI");
    const full = await run(t, a, ['show crypto ipsec sa map VPN']);
    t.match(full, `interface: wan\n    Crypto map tag: VPN, local addr ${A}\n`);
    t.match(full, '   local  ident (addr/mask/prot/port): (10.1.0.0/255.255.255.0/0/0)\n   remote ident (addr/mask/prot/port): (10.2.0.0/255.255.255.0/0/0)\n');
    t.match(full, /#pkts encaps: [1-5], #pkts encrypt: [1-5], #pkts digest: [1-5]/, 'counters from the backend');
    t.match(full, '        transform: esp-256-aes esp-sha-hmac ,\n        in use settings ={Tunnel, }\n');
    t.match(full, /sa timing: remaining key lifetime \(k\/sec\): \(\d+\/\d+\)/);
    t.equal(await run(t, a, ['show crypto ipsec sa map OTHER']), '', 'another map: nothing');

    t.match(await run(t, a, ['ping 10.2.0.1 source 10.1.0.1']), '\n!!!!!\nSuccess rate is 100 percent (5/5)\n', 'the tunnel is up');

    t.equal(await run(t, a, ['debug crypto isakmp', 'show debugging']), 'Crypto ISAKMP debugging is on\nCryptographic Subsystem:\n  Crypto ISAKMP debugging is on\n');
    t.equal(await run(t, a, ['clear crypto sa']), '', 'clear prints nothing');
    await until('B to drop the IPsec SAs', async () => spis(await run(t, b, ['show crypto ipsec sa'])).inbound.length === 0);
    t.match(await run(t, b, ['show crypto isakmp sa']), 'QM_IDLE', 'the IKE SA stays');
    t.equal(await run(t, a, ['undebug all', 'show debugging']), 'All possible debugging has been turned off\n');
    const debug = jsonLines(readFileSync(wa.log, 'utf8')).filter((r) => r.subsystem === 'ike' && r.level === 20);
    t.ok(debug.length > 0, 'debug records of the IKE subsystem while debugging was on');

    await run(t, a, ['clear crypto isakmp']);
    await until('B to drop the IKE SA', async () => !(await run(t, b, ['show crypto isakmp sa'])).includes('QM_IDLE'));
    t.equal(spis(await run(t, a, ['show crypto ipsec sa'])).outbound.length, 0);

    for (const w of [wa.log]) t.notMatch(readFileSync(w, 'utf8'), KEY, 'the pre-shared key is not in the log');
    t.equal((await a.stop()).code, 0);
    t.equal((await b.stop()).code, 0);
  });

  t.test('shutdown sends Delete: the peer drops the SAs at once', async (t) => {
    const { a, b } = await startPair(t);
    await run(t, a, configuration(A, B, '10.1.0', '10.2.0'));
    await run(t, b, configuration(B, A, '10.2.0', '10.1.0'));
    await run(t, a, ['ping 10.2.0.1 source 10.1.0.1 repeat 2']);
    await until('B to show the tunnel', async () => spis(await run(t, b, ['show crypto ipsec sa'])).inbound.length === 1);
    t.equal((await a.stop()).code, 0);
    await until('B to drop everything', async () => {
      const out = await run(t, b, ['show crypto isakmp sa', 'show crypto ipsec sa']);
      return !out.includes('QM_IDLE') && spis(out).inbound.length === 0;
    });
    t.equal((await b.stop()).code, 0);
  });
}

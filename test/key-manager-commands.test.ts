/**
 * The IKE operator commands through a CLI session: show, clear, debug and ping, on an idle
 * router and on gateway A of an in-process pair (its key manager behind the session).
 */
import { rmSync } from 'node:fs';
import t from 'tap';
import { ADDRESS_A, ADDRESS_B } from './helpers/ike-exchange-harness';
import { keyManagerPair, quiet, sasFrom, type Pair } from './helpers/key-manager-pair';
import { testRouter, type TestRouter } from './helpers/router';

const EMPTY_ISAKMP = 'IPv4 Crypto ISAKMP SA\ndst             src             state          conn-id status\n\nIPv6 Crypto ISAKMP SA\n\n';

async function routerFor(t: Tap.Test, pair?: Pair): Promise<TestRouter> {
  const r = await testRouter(pair ? { ike: pair.a.km } : {});
  t.teardown(() => rmSync(r.dir, { recursive: true, force: true }));
  return r;
}

t.test('an idle gateway: empty listings', async (t) => {
  const r = await routerFor(t);
  const out = await r.run('show crypto isakmp sa', 'show crypto ipsec sa');
  t.ok(out.ok);
  t.equal(out.results[0].output, EMPTY_ISAKMP, 'the IOS headings and no row');
  t.equal(out.results[1].output, '', 'no crypto map: nothing, as IOS');
  const detail = (await r.run('show crypto isakmp sa detail')).output;
  t.match(detail, /^Codes: C - IKE configuration mode, D - Dead Peer Detection\n/);
  t.match(detail, '\nC-id  Local           Remote          I-VRF  Status Encr Hash   Auth DH Lifetime Cap.\n\nIPv6 Crypto ISAKMP SA\n');
  t.ok((await r.run('clear crypto sa', 'clear crypto sa peer 10.0.0.1', 'clear crypto sa map VPN', 'clear crypto sa entry 10.0.0.1 esp 4096', 'clear crypto isakmp', 'clear crypto isakmp 1001')).ok,
    'clearing nothing is fine');
  const user = r.session({ privileged: false });
  t.notOk((await user.execute('debug crypto isakmp')).ok, 'debug needs privileged EXEC');
  t.ok((await user.execute('show crypto isakmp sa')).ok, 'show works in user EXEC');
  user.close();
});

t.test('debug crypto isakmp raises the IKE logger to debug; undebug restores it', async (t) => {
  const r = await routerFor(t);
  const ike = r.router.services.ike;
  const before = (ike as unknown as { log: { level: string } }).log.level;
  const on = await r.run('debug crypto isakmp', 'show debugging');
  t.equal(on.output, 'Crypto ISAKMP debugging is on\nCryptographic Subsystem:\n  Crypto ISAKMP debugging is on\n');
  t.equal((ike as unknown as { log: { level: string } }).log.level, 'debug');
  t.equal((await r.run('no debug crypto isakmp')).output, 'Crypto ISAKMP debugging is off\n');
  t.equal((ike as unknown as { log: { level: string } }).log.level, before, 'back to where it was');
  await r.run('debug crypto isakmp');
  t.equal((await r.run('undebug all', 'show debugging')).output, 'All possible debugging has been turned off\n', 'nothing left on');
  t.equal((await r.run('debug crypto isakmp', 'no debug all')).results[1].output, 'All possible debugging has been turned off\n');
});

t.test('ping through the memory backend starts IKE; show and clear on the result', async (t) => {
  const pair = await keyManagerPair();
  t.teardown(() => pair.close());
  const r = await routerFor(t, pair);
  const ping = await r.run('ping 10.2.0.7 source 10.1.0.5');
  t.equal(ping.output, [
    'Type escape sequence to abort.',
    'Sending 5, 100-byte ICMP Echos to 10.2.0.7, timeout is 2 seconds:',
    '.!!!!',
    'Success rate is 80 percent (4/5)',
    '',
  ].join('\n'), 'the first echo is lost to the negotiation, the rest go through');
  await quiet(pair.net);
  t.equal((await r.run('show crypto isakmp sa')).output, EMPTY_ISAKMP.replace('status\n', `status\n${ADDRESS_B}    ${ADDRESS_A}       QM_IDLE           1001 ACTIVE\n`));
  const [out] = await sasFrom(pair.a.backend, ADDRESS_A, ADDRESS_B);
  t.equal(out.counters.packets, 4, 'four echoes through the outbound SA');
  const [inbound] = await sasFrom(pair.a.backend, ADDRESS_B, ADDRESS_A);
  t.equal(inbound.counters.packets, 4, 'and four replies counted on the inbound one');
  const show = (await r.run('show crypto ipsec sa peer 198.51.100.2')).output;
  t.match(show, '#pkts encaps: 4, #pkts encrypt: 4, #pkts digest: 4\n    #pkts decaps: 4, #pkts decrypt: 4, #pkts verify: 4\n');
  t.match(show, `current outbound spi: 0x${out.spec.spi.toString(16).toUpperCase()}(${out.spec.spi})`);
  t.match(show, `\n     inbound esp sas:\n      spi: 0x${inbound.spec.spi.toString(16).toUpperCase()}(${inbound.spec.spi})\n`);
  t.equal((await r.run('show crypto ipsec sa peer 10.9.9.9')).output, '', 'another peer: nothing');

  t.ok((await r.run(`clear crypto sa entry ${ADDRESS_B} esp ${out.spec.spi}`)).ok);
  await quiet(pair.net);
  t.same(await pair.b.backend.listSas(), [], 'B dropped them on the Delete');
  t.match((await r.run('ping 10.2.0.7 source 10.1.0.5 repeat 3')).output, '\n.!!\nSuccess rate is 66 percent (2/3)\n', 'percent rounds down as IOS');
  t.ok((await r.run('clear crypto isakmp 1001')).ok);
  await quiet(pair.net);
  t.equal(pair.b.km.table.ikeSas().length, 0, 'B dropped the IKE SA');
});

t.test('ping without a crypto map for the traffic: nothing to send it through', async (t) => {
  const pair = await keyManagerPair();
  t.teardown(() => pair.close());
  const r = await routerFor(t, pair);
  const out = await r.run('ping 192.168.7.7 source 192.168.8.8 repeat 75');
  t.match(out.output, `\n${'.'.repeat(70)}\n.....\nSuccess rate is 0 percent (0/75)\n`, 'marks wrap at 70 as IOS');
  const none = await r.run('ping 10.2.0.7');
  t.notOk(none.ok, 'no source and no interface address');
  t.match(none.output, 'No interface has an IP address to send from');
});

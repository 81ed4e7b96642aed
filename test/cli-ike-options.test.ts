/**
 * The IKE options beyond the seeds: `crypto call admission limit ike in-negotiation-sa`,
 * `crypto isakmp key-log` and a crypto map entry's `set auto-up`: accepted values, IOS errors
 * that change nothing, the `no` forms, show running-config and its round trip.
 */
import t from 'tap';
import { configLines, configMode, freshRouter, roundTrip, runningConfig } from './helpers/config';

t.test('crypto call admission limit ike in-negotiation-sa', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  t.equal(r.router.config.isakmp.inNegotiationSaLimit, undefined, 'no limit by default');
  t.notMatch(await runningConfig(t, r), /call admission/, 'the default is not shown');
  for (const n of [10, 500, 99999]) {
    await c.ok(t, `crypto call admission limit ike in-negotiation-sa ${n}`);
    t.equal(r.router.config.isakmp.inNegotiationSaLimit, n, `${n} accepted`);
  }
  t.ok(configLines(await runningConfig(t, r)).includes('crypto call admission limit ike in-negotiation-sa 99999'), 'shown');
  await roundTrip(t, r);
  for (const bad of ['9', '100000', '0', 'many']) {
    await c.rejects(t, `crypto call admission limit ike in-negotiation-sa ${bad}`, 'Invalid input');
  }
  await c.rejects(t, 'crypto call admission limit ike in-negotiation-sa', 'Incomplete command');
  await c.rejects(t, 'crypto call admission limit ike', 'Incomplete command');
  await c.ok(t, 'no crypto call admission limit ike in-negotiation-sa');
  t.equal(r.router.config.isakmp.inNegotiationSaLimit, undefined, 'no form: back to the built-in default');
  await c.ok(t, 'crypto call admission limit ike in-negotiation-sa 20', 'no crypto call admission limit ike in-negotiation-sa 20');
  t.equal(r.router.config.isakmp.inNegotiationSaLimit, undefined, 'no form with the value');
  t.notMatch(await runningConfig(t, r), /call admission/);
});

t.test('crypto isakmp key-log', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  t.equal(r.router.config.isakmp.keyLog, undefined, 'off by default');
  await c.ok(t, 'crypto isakmp key-log');
  t.equal(r.router.config.isakmp.keyLog, true);
  t.ok(configLines(await runningConfig(t, r)).includes('crypto isakmp key-log'), 'shown');
  await roundTrip(t, r);
  await c.rejects(t, 'crypto isakmp key-log now', 'Invalid input');
  await c.ok(t, 'no crypto isakmp key-log');
  t.equal(r.router.config.isakmp.keyLog, undefined, 'no form: off');
  t.notMatch(await runningConfig(t, r), /key-log/);
});

t.test('set auto-up in a crypto map entry', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  await c.ok(t, 'crypto map CM 10 ipsec-isakmp', 'set peer 192.0.2.2', 'set auto-up');
  t.equal(r.router.config.cryptoMaps[0]?.entries[0]?.autoUp, true);
  t.match(c.session.help('set '), /auto-up\s+Bring this entry's tunnel up at boot and keep it up/, 'help text');
  await c.rejects(t, 'set auto-up please', 'Invalid input');
  await c.ok(t, 'exit');
  t.match(await runningConfig(t, r), /crypto map CM 10 ipsec-isakmp\n set peer 192\.0\.2\.2\n set auto-up\n/, 'shown inside the entry');
  await roundTrip(t, r);
  await c.rejects(t, 'set auto-up', 'Invalid input');
  await c.ok(t, 'crypto map CM 10', 'no set auto-up');
  t.equal(r.router.config.cryptoMaps[0]?.entries[0]?.autoUp, undefined, 'no form');
  t.notMatch(await runningConfig(t, r), /auto-up/);
  await c.ok(t, 'exit', 'crypto dynamic-map DM 10');
  await c.rejects(t, 'set auto-up', 'set auto-up applies to static crypto map entries only');
});

/**
 * Named extended access lists: `ip access-list extended NAME` enters config-ext-nacl, whose
 * `permit|deny ip SRC DST` lines append to the list; `no ip access-list extended NAME`;
 * running-config and show access-lists; a crypto map entry's `match address NAME` uses one.
 * A gateway with more peers than list numbers (100-199) needs them.
 */
import t from 'tap';
import { configLines, configMode, configure, freshRouter, roundTrip, runningConfig, show } from './helpers/config';

t.test('entries in the sub-mode build the list; running-config, show and round trip', async (t) => {
  const r = await freshRouter(t);
  await configure(
    t, r,
    'access-list 110 permit ip any any',
    'ip access-list extended spoke7',
    'permit ip host 10.1.0.7 10.2.0.0 0.0.0.255',
    'deny ip any host 10.2.0.9',
    'permit ip host 10.1.0.7 10.2.0.0 0.0.0.255',
    'exit',
    'ip access-list extended alpha',
    'permit ip any any',
    'exit',
  );
  t.strictSame(r.router.config.accessLists.spoke7, [
    { action: 'permit', protocol: 'ip', source: { kind: 'host', address: '10.1.0.7' }, destination: { kind: 'wildcard', address: '10.2.0.0', wildcard: '0.0.0.255' } },
    { action: 'deny', protocol: 'ip', source: { kind: 'any' }, destination: { kind: 'host', address: '10.2.0.9' } },
  ], 'the repeated entry was ignored');
  t.equal(await show(t, r, 'show access-lists'), [
    'Extended IP access list 110',
    '    10 permit ip any any',
    'Extended IP access list alpha',
    '    10 permit ip any any',
    'Extended IP access list spoke7',
    '    10 permit ip host 10.1.0.7 10.2.0.0 0.0.0.255',
    '    20 deny ip any host 10.2.0.9',
    '',
  ].join('\n'), 'numbered lists first, then named ones by name');
  const lines = configLines(await runningConfig(t, r));
  const at = lines.indexOf('ip access-list extended spoke7');
  t.ok(lines.includes('access-list 110 permit ip any any'));
  t.strictSame(lines.slice(at, at + 3), ['ip access-list extended spoke7', ' permit ip host 10.1.0.7 10.2.0.0 0.0.0.255', ' deny ip any host 10.2.0.9']);
  t.ok(lines.indexOf('ip access-list extended alpha') < at, 'named lists in name order');
  await roundTrip(t, r);
});

t.test('a crypto map entry matches a named list', async (t) => {
  const r = await freshRouter(t);
  await configure(
    t, r,
    'ip access-list extended vpn-a', 'permit ip 10.1.0.0 0.0.0.255 10.2.0.0 0.0.0.255', 'exit',
    'crypto ipsec transform-set TS esp-aes esp-sha-hmac', 'exit',
    'crypto map VPN 10 ipsec-isakmp', 'set peer 192.0.2.2', 'set transform-set TS', 'match address vpn-a', 'exit',
  );
  t.equal(r.router.config.cryptoMaps[0]?.entries[0]?.matchAddress, 'vpn-a');
  t.match(await show(t, r, 'show crypto map'), /vpn-a/);
  await roundTrip(t, r);
});

t.test('bad input is rejected and changes nothing', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  await c.ok(t, 'ip access-list extended keep', 'permit ip any any', 'exit');
  const before = JSON.stringify(r.router.config.accessLists);
  await c.rejects(t, 'ip access-list extended 7up', 'Invalid access list name 7up');
  await c.rejects(t, 'ip access-list extended', 'Incomplete command');
  await c.rejects(t, 'no ip access-list extended gone', 'Access list gone does not exist');
  await c.ok(t, 'ip access-list extended keep');
  await c.rejects(t, 'permit tcp any any', 'Invalid input');
  await c.rejects(t, 'permit ip any', 'Incomplete command');
  await c.ok(t, 'exit');
  t.equal(JSON.stringify(r.router.config.accessLists), before);
  await c.ok(t, 'no ip access-list extended keep');
  t.strictSame(r.router.config.accessLists, {});
  t.notMatch(await runningConfig(t, r), /access-list/);
});

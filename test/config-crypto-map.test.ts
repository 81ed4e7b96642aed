/**
 * crypto map TAG SEQ ipsec-isakmp [dynamic D] and its set/match commands, crypto
 * dynamic-map, crypto map TAG client configuration address, show crypto map.
 */
import t from 'tap';
import { configLines, configMode, configure, freshRouter, roundTrip, runningConfig, show } from './helpers/config';
import type { CryptoMapEntry } from '../src/config/model';

const NOTE = '% NOTE: This new crypto map will remain disabled until a peer\n        and a valid access list have been configured.\n';

/** A console in config-crypto-map for `crypto map m 10`, with transform sets a..g defined. */
async function mapEntry(t: Parameters<typeof freshRouter>[0]) {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  for (const n of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) await c.ok(t, `crypto ipsec transform-set ${n} esp-aes esp-sha-hmac`, 'exit');
  const [res] = await c.ok(t, 'crypto map m 10 ipsec-isakmp');
  t.equal(res?.output, NOTE, 'the IOS note for a new crypto map');
  t.equal(c.prompt(), 'Router(config-crypto-map)#');
  const entry = (): CryptoMapEntry => r.router.config.cryptoMaps[0]?.entries[0] as CryptoMapEntry;
  return { r, c, entry };
}

t.test('a new entry is empty; entering it again prints no note', async (t) => {
  const { r, c, entry } = await mapEntry(t);
  t.strictSame(r.router.config.cryptoMaps, [{ tag: 'm', entries: [{ seq: 10, peers: [], transformSets: [] }], clientConfigInitiate: false, clientConfigRespond: false }]);
  const [again] = await c.ok(t, 'exit', 'crypto map m 10 ipsec-isakmp');
  t.equal(c.prompt(), 'Router(config-crypto-map)#');
  const [noKeyword] = await c.ok(t, 'exit', 'crypto map m 10');
  t.equal(again?.output ?? '', '');
  t.equal(noKeyword?.output, '', 'ipsec-isakmp is optional (the default)');
  t.strictSame(entry(), { seq: 10, peers: [], transformSets: [] });
  t.match(await runningConfig(t, r), /^crypto map m 10 ipsec-isakmp\n!/m);
  await roundTrip(t, r);
});

t.test('sequence range 1-65535; entries kept in sequence order', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  for (const seq of ['65535', '1', '2', '65534', '300']) await c.ok(t, `crypto map m ${seq} ipsec-isakmp`, 'exit');
  t.same(r.router.config.cryptoMaps[0]?.entries.map((e) => e.seq), [1, 2, 300, 65534, 65535]);
  for (const seq of ['0', '65536', '-1', 'x']) await c.rejects(t, `crypto map m ${seq} ipsec-isakmp`, 'Invalid input');
  await c.rejects(t, 'crypto map m', 'Incomplete command');
  await c.rejects(t, 'crypto map m 10 ipsec-manual', 'Invalid input');
  await c.rejects(t, `crypto map ${'m'.repeat(64)} 10`, 'Invalid crypto map tag');
  await roundTrip(t, r);
});

t.test('set peer: addresses and hostnames, several, duplicates, no set peer', async (t) => {
  const { r, c, entry } = await mapEntry(t);
  await c.ok(t, 'set peer 10.0.110.1', 'set peer RemoteRouter.example.com', 'set peer 010.000.110.002', 'set peer 10.0.110.1');
  t.same(entry().peers, ['10.0.110.1', 'remoterouter.example.com', '10.0.110.2'], 'in order, canonical, no duplicate');
  const text = await runningConfig(t, r);
  t.match(text, /^crypto map m 10 ipsec-isakmp\n set peer 10\.0\.110\.1\n set peer remoterouter\.example\.com\n set peer 10\.0\.110\.2\n!/m);
  await roundTrip(t, r);
  await c.rejects(t, 'set peer bad_name', 'Invalid peer hostname "bad_name"');
  await c.rejects(t, 'set peer 10.0.0.256', 'Invalid peer hostname');
  await c.rejects(t, 'set peer', 'Incomplete command');
  await c.rejects(t, 'no set peer 10.9.9.9', 'Peer 10.9.9.9 is not set in this crypto map entry');
  await c.ok(t, 'no set peer REMOTEROUTER.example.com', 'no set peer 10.0.110.1');
  t.same(entry().peers, ['10.0.110.2']);
});

t.test('set transform-set: 1 to 6 sets, unknown sets rejected, replacement, no form', async (t) => {
  const { r, c, entry } = await mapEntry(t);
  await c.ok(t, 'set transform-set a');
  t.same(entry().transformSets, ['a']);
  await c.ok(t, 'set transform-set f e d c b a');
  t.same(entry().transformSets, ['f', 'e', 'd', 'c', 'b', 'a'], 'six sets, in preference order, replacing the list');
  await c.rejects(t, 'set transform-set a b c d e f g', 'Invalid input');
  await c.rejects(t, 'set transform-set a nope', 'Transform set with tag "nope" does not exist');
  await c.rejects(t, 'set transform-set', 'Incomplete command');
  await c.ok(t, 'set transform-set b b a');
  t.same(entry().transformSets, ['b', 'a'], 'a repeated name counts once');
  t.ok(configLines(await runningConfig(t, r)).includes(' set transform-set b a'));
  await roundTrip(t, r);
  await c.ok(t, 'no set transform-set');
  t.same(entry().transformSets, []);
  t.notMatch(await runningConfig(t, r), /set transform-set/);
});

t.test('match address: numbers 100-199 or a name; no match address', async (t) => {
  const { r, c, entry } = await mapEntry(t);
  for (const [line, value] of [['match address 120', '120'], ['match address 100', '100'], ['match address 199', '199'], ['match address vpn-traffic', 'vpn-traffic']] as const) {
    await c.ok(t, line);
    t.equal(entry().matchAddress, value, line);
  }
  t.ok(configLines(await runningConfig(t, r)).includes(' match address vpn-traffic'));
  await roundTrip(t, r);
  await c.rejects(t, 'match address', 'Incomplete command');
  await c.rejects(t, `match address ${'x'.repeat(64)}`, 'Invalid access list name');
  await c.ok(t, 'no match address');
  t.equal(entry().matchAddress, undefined);
  await c.ok(t, 'match address 101', 'no match address 101');
  t.equal(entry().matchAddress, undefined);
});

t.test('set pfs: group1 when no group is given; every group; no set pfs', async (t) => {
  const { r, c, entry } = await mapEntry(t);
  await c.ok(t, 'set pfs');
  t.equal(entry().pfs, 1, 'seed: by default, DH group 1');
  t.ok(configLines(await runningConfig(t, r)).includes(' set pfs group1'));
  await roundTrip(t, r);
  for (const g of [1, 2, 5, 14, 15, 16, 19, 20, 24]) {
    await c.ok(t, `set pfs group${g}`);
    t.equal(entry().pfs, g);
    t.ok(configLines(await runningConfig(t, r)).includes(` set pfs group${g}`));
    t.match(await show(t, r, 'show crypto map'), new RegExp(`PFS \\(Y/N\\): Y\\n        DH group:  group${g}\\n`));
  }
  await roundTrip(t, r);
  for (const bad of ['group3', 'group21', '14', 'group']) await c.rejects(t, `set pfs ${bad}`, bad === 'group' ? 'Ambiguous' : 'Invalid input');
  await c.ok(t, 'no set pfs');
  t.equal(entry().pfs, undefined);
  t.match(await show(t, r, 'show crypto map'), /PFS \(Y\/N\): N\n/);
});

t.test('set security-association lifetime seconds 120-86400 / kilobytes 2560-4194303', async (t) => {
  const { r, c, entry } = await mapEntry(t);
  for (const s of [120, 121, 3600, 86399, 86400]) {
    await c.ok(t, `set security-association lifetime seconds ${s}`);
    t.equal(entry().lifetimeSeconds, s);
  }
  for (const kb of [2560, 2561, 100000, 4194302, 4194303]) {
    await c.ok(t, `set security-association lifetime kilobytes ${kb}`);
    t.equal(entry().lifetimeKilobytes, kb);
  }
  for (const bad of ['seconds 119', 'seconds 86401', 'seconds 0', 'kilobytes 2559', 'kilobytes 4194304', 'kilobytes 4608000', 'minutes 5', 'seconds']) {
    await c.rejects(t, `set security-association lifetime ${bad}`, bad === 'seconds' ? 'Incomplete command' : 'Invalid input');
  }
  const lines = configLines(await runningConfig(t, r));
  t.ok(lines.includes(' set security-association lifetime seconds 86400'));
  t.ok(lines.includes(' set security-association lifetime kilobytes 4194303'));
  t.match(await show(t, r, 'show crypto map'), /Security association lifetime: 4194303 kilobytes\/86400 seconds\n/);
  await roundTrip(t, r);
  await c.ok(t, 'no set security-association lifetime seconds');
  t.equal(entry().lifetimeSeconds, undefined);
  t.equal(entry().lifetimeKilobytes, 4194303, 'kilobytes untouched');
  t.match(await show(t, r, 'show crypto map'), /Security association lifetime: 4194303 kilobytes\/3600 seconds\n/, 'default seconds shown');
  await c.ok(t, 'no set security-association lifetime kilobytes');
  t.equal(entry().lifetimeKilobytes, undefined);
  t.match(await show(t, r, 'show crypto map'), /Security association lifetime: 4608000 kilobytes\/3600 seconds\n/, 'IOS defaults');
  await c.rejects(t, 'no set security-association lifetime', 'Incomplete command');
  t.strictSame(entry(), { seq: 10, peers: [], transformSets: [] });
});

t.test('show crypto map: full content', async (t) => {
  const r = await freshRouter(t);
  await configure(
    t, r,
    'crypto ipsec transform-set aasset esp-aes 256 esp-sha-hmac', 'mode transport', 'exit',
    'crypto ipsec transform-set b ah-sha-hmac esp-3des esp-md5-hmac', 'exit',
    'crypto ipsec transform-set c esp-gcm 256', 'exit',
    'access-list 120 permit ip 10.1.1.5 0.0.0.255 host 10.2.2.2',
    'access-list 120 deny ip any 10.3.0.0 0.0.255.255',
    'crypto map aesmap 10 ipsec-isakmp',
    'set peer 10.0.110.1', 'set peer peer.example.com', 'set transform-set aasset b', 'match address 120',
    'set pfs group14', 'set security-association lifetime seconds 120', 'exit',
    'crypto map aesmap client configuration address initiate',
    'crypto map aesmap client configuration address respond',
    'crypto dynamic-map dyn 5', 'set transform-set c', 'exit',
    'crypto map aesmap 20 ipsec-isakmp dynamic dyn',
    'crypto map other 1', 'exit',
    'interface eth0', 'ip address 10.0.0.2 255.255.255.0', 'crypto map aesmap', 'exit',
    'interface eth1', 'crypto map aesmap',
  );
  const aesmap = [
    'Crypto Map "aesmap" 10 ipsec-isakmp',
    '        Peer = 10.0.110.1',
    '        Peer = peer.example.com',
    '        Extended IP access list 120',
    '            access-list 120 permit ip 10.1.1.0 0.0.0.255 host 10.2.2.2',
    '            access-list 120 deny ip any 10.3.0.0 0.0.255.255',
    '        Current peer: 10.0.110.1',
    '        Security association lifetime: 4608000 kilobytes/120 seconds',
    '        PFS (Y/N): Y',
    '        DH group:  group14',
    '        Transform sets={ ',
    '                aasset:  { esp-256-aes esp-sha-hmac  } , ',
    '                b:  { ah-sha-hmac esp-3des esp-md5-hmac  } , ',
    '        }',
    'Crypto Map "aesmap" 20 ipsec-isakmp',
    '        Dynamic map template tag: dyn',
    '        Client configuration address: initiate',
    '        Client configuration address: respond',
    '        Interfaces using crypto map aesmap:',
    '                eth0',
    '                eth1',
    '',
  ];
  const other = [
    'Crypto Map "other" 1 ipsec-isakmp',
    '        No matching address list set.',
    '        Security association lifetime: 4608000 kilobytes/3600 seconds',
    '        PFS (Y/N): N',
    '        Transform sets={ ',
    '        }',
    '        Interfaces using crypto map other:',
    '',
  ];
  t.equal(await show(t, r, 'show crypto map'), [...aesmap, ...other, ''].join('\n'));
  t.equal(await show(t, r, 'show crypto map tag other'), [...other, ''].join('\n'));
  t.equal(await show(t, r, 'show crypto dynamic-map'), [
    'Crypto Map Template "dyn" 5',
    '        No matching address list set.',
    '        Security association lifetime: 4608000 kilobytes/3600 seconds',
    '        PFS (Y/N): N',
    '        Transform sets={ ',
    '                c:  { esp-gcm 256  } , ',
    '        }',
    '',
  ].join('\n'));
  const unknown = await r.run('show crypto map tag nope');
  t.notOk(unknown.ok);
  t.match(unknown.output, /^% Crypto map nope does not exist/m);
  const unknownDyn = await r.run('show crypto dynamic-map tag nope');
  t.notOk(unknownDyn.ok);
  t.match(unknownDyn.output, /^% Dynamic crypto map nope does not exist/m);
  t.equal(await show(t, await freshRouter(t), 'show crypto map'), '', 'no maps: nothing shown');

  const text = await runningConfig(t, r);
  t.match(text, [
    'crypto dynamic-map dyn 5',
    ' set transform-set c',
    '!',
    'crypto map aesmap client configuration address initiate',
    'crypto map aesmap client configuration address respond',
    'crypto map aesmap 10 ipsec-isakmp',
    ' set peer 10.0.110.1',
    ' set peer peer.example.com',
    ' set transform-set aasset b',
    ' set pfs group14',
    ' set security-association lifetime seconds 120',
    ' match address 120',
    'crypto map aesmap 20 ipsec-isakmp dynamic dyn',
    'crypto map other 1 ipsec-isakmp',
    '!',
  ].join('\n'));
  await roundTrip(t, r);
});

t.test('crypto dynamic-map: entries, sub-mode commands, no forms', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  await c.ok(t, 'crypto ipsec transform-set pc esp-des esp-md5-hmac', 'exit');
  await c.ok(t, 'crypto dynamic-map dyn 10');
  t.equal(c.prompt(), 'Router(config-crypto-map)#');
  await c.ok(t, 'set transform-set pc', 'match address 103', 'set pfs group2', 'set security-association lifetime kilobytes 10000', 'set peer 1.2.3.4');
  await c.ok(t, 'exit', 'crypto dynamic-map dyn 5', 'exit', 'crypto dynamic-map dyn2 1', 'exit');
  t.strictSame(r.router.config.dynamicMaps, [
    {
      tag: 'dyn',
      entries: [
        { seq: 5, peers: [], transformSets: [] },
        { seq: 10, peers: ['1.2.3.4'], transformSets: ['pc'], matchAddress: '103', pfs: 2, lifetimeKilobytes: 10000 },
      ],
    },
    { tag: 'dyn2', entries: [{ seq: 1, peers: [], transformSets: [] }] },
  ]);
  t.same(r.router.config.cryptoMaps, [], 'dynamic maps are not crypto maps');
  await roundTrip(t, r);
  for (const bad of ['0', '65536']) await c.rejects(t, `crypto dynamic-map dyn ${bad}`, 'Invalid input');
  await c.rejects(t, 'no crypto dynamic-map dyn 7', 'Dynamic crypto map dyn 7 does not exist');
  await c.rejects(t, 'no crypto dynamic-map nope', 'Dynamic crypto map nope does not exist');
  await c.ok(t, 'no crypto dynamic-map dyn 5');
  t.same(r.router.config.dynamicMaps[0]?.entries.map((e) => e.seq), [10]);
  await c.ok(t, 'no crypto dynamic-map dyn 10');
  t.same(r.router.config.dynamicMaps.map((m) => m.tag), ['dyn2'], 'the last entry removed takes the map');
  await c.ok(t, 'no crypto dynamic-map dyn2');
  t.same(r.router.config.dynamicMaps, []);
});

t.test('crypto map ... ipsec-isakmp dynamic D: a reference, no sub-mode; static and dynamic entries do not mix', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  const [res] = await c.ok(t, 'crypto map dyn 10 ipsec-isakmp dynamic dyn');
  t.equal(res?.output, '', 'no note for a dynamic entry');
  t.equal(c.prompt(), 'Router(config)#', 'stays in global configuration');
  t.strictSame(r.router.config.cryptoMaps[0]?.entries, [{ seq: 10, dynamicMap: 'dyn', peers: [], transformSets: [] }]);
  await c.ok(t, 'crypto map dyn 10 ipsec-isakmp dynamic other');
  t.equal(r.router.config.cryptoMaps[0]?.entries[0]?.dynamicMap, 'other', 'retargeted');
  await c.rejects(t, 'crypto map dyn 10 ipsec-isakmp', 'Crypto map dyn 10 already exists as a dynamic entry; remove it first');
  await c.ok(t, 'crypto map dyn 20 ipsec-isakmp', 'exit');
  await c.rejects(t, 'crypto map dyn 20 ipsec-isakmp dynamic d', 'Crypto map dyn 20 already exists as a static entry; remove it first');
  await c.rejects(t, 'crypto map dyn 30 ipsec-isakmp dynamic', 'Incomplete command');
  await c.rejects(t, `crypto map dyn 30 ipsec-isakmp dynamic ${'d'.repeat(64)}`, 'Invalid dynamic map tag');
  await roundTrip(t, r);
});

t.test('crypto map TAG client configuration address initiate|respond (seed 002)', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  await c.ok(t, 'crypto map dyn client configuration address initiate');
  t.strictSame(r.router.config.cryptoMaps, [{ tag: 'dyn', entries: [], clientConfigInitiate: true, clientConfigRespond: false }]);
  await c.ok(t, 'crypto map dyn client configuration address respond');
  t.strictSame(r.router.config.cryptoMaps[0], { tag: 'dyn', entries: [], clientConfigInitiate: true, clientConfigRespond: true });
  const lines = configLines(await runningConfig(t, r));
  t.ok(lines.includes('crypto map dyn client configuration address initiate'));
  t.ok(lines.includes('crypto map dyn client configuration address respond'));
  await roundTrip(t, r);
  t.equal(await show(t, r, 'show crypto map'), [
    '        Client configuration address: initiate',
    '        Client configuration address: respond',
    '        Interfaces using crypto map dyn:',
    '',
    '',
  ].join('\n'));
  await c.rejects(t, 'crypto map dyn client configuration address', 'Incomplete command');
  await c.rejects(t, 'crypto map dyn client configuration address both', 'Invalid input');
  await c.rejects(t, 'no crypto map nope client configuration address initiate', 'Crypto map nope does not exist');
  await c.ok(t, 'no crypto map dyn client configuration address initiate');
  t.strictSame(r.router.config.cryptoMaps[0], { tag: 'dyn', entries: [], clientConfigInitiate: false, clientConfigRespond: true });
  await c.ok(t, 'no crypto map dyn client configuration address respond');
  t.same(r.router.config.cryptoMaps, [], 'a map with nothing left is gone');
  // With entries, the map stays.
  await c.ok(t, 'crypto map dyn 10 ipsec-isakmp dynamic dyn', 'crypto map dyn client configuration address respond', 'no crypto map dyn client configuration address respond');
  t.same(r.router.config.cryptoMaps[0]?.entries.map((e) => e.seq), [10]);
});

t.test('no crypto map TAG [SEQ]', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  await c.ok(t, 'crypto map m 10', 'set peer 1.1.1.1', 'exit', 'crypto map m 20', 'exit', 'crypto map n 1', 'exit');
  await c.rejects(t, 'no crypto map m 30', 'Crypto map m 30 does not exist');
  await c.rejects(t, 'no crypto map x', 'Crypto map x does not exist');
  await c.rejects(t, 'no crypto map m 0', 'Invalid input');
  await c.ok(t, 'no crypto map m 10');
  t.same(r.router.config.cryptoMaps.map((m) => [m.tag, m.entries.map((e) => e.seq)]), [['m', [20]], ['n', [1]]]);
  await c.ok(t, 'no crypto map m 20');
  t.same(r.router.config.cryptoMaps.map((m) => m.tag), ['n'], 'the last entry takes the map');
  await c.ok(t, 'crypto map n client configuration address initiate', 'no crypto map n');
  t.same(r.router.config.cryptoMaps, [], 'the whole map, client configuration included');
  // A re-created entry starts empty.
  const [res] = await c.ok(t, 'crypto map n 1');
  t.equal(res?.output, NOTE);
  t.strictSame(r.router.config.cryptoMaps[0]?.entries, [{ seq: 1, peers: [], transformSets: [] }]);
});

t.test('sub-mode commands are not accepted in global configuration', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  for (const line of ['set peer 1.1.1.1', 'match address 101', 'set pfs', 'set security-association lifetime seconds 300']) {
    await c.rejects(t, line, 'Invalid input');
  }
});

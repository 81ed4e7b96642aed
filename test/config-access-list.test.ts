/**
 * Extended IP access lists: access-list <100-199> {permit|deny} ip SRC DST with any,
 * host A and A WILDCARD (host bits under the wildcard cleared), no access-list,
 * show access-lists.
 */
import t from 'tap';
import { configLines, configMode, configure, freshRouter, roundTrip, runningConfig, show } from './helpers/config';
import type { AclEntry } from '../src/config/model';

interface AclCase {
  line: string;
  entry: AclEntry;
  /** How running-config and show access-lists spell it (after "access-list N " / "10 "). */
  text: string;
}

const CASES: AclCase[] = [
  {
    line: 'access-list 100 permit ip any any',
    entry: { action: 'permit', protocol: 'ip', source: { kind: 'any' }, destination: { kind: 'any' } },
    text: 'permit ip any any',
  },
  {
    // Seed 002.
    line: 'access-list 103 permit ip host 172.21.230.34 171.72.1.0 0.0.0.255',
    entry: {
      action: 'permit', protocol: 'ip',
      source: { kind: 'host', address: '172.21.230.34' },
      destination: { kind: 'wildcard', address: '171.72.1.0', wildcard: '0.0.0.255' },
    },
    text: 'permit ip host 172.21.230.34 171.72.1.0 0.0.0.255',
  },
  {
    line: 'access-list 199 deny ip 10.1.1.77 0.0.0.255 host 10.2.2.2',
    entry: {
      action: 'deny', protocol: 'ip',
      source: { kind: 'wildcard', address: '10.1.1.0', wildcard: '0.0.0.255' },
      destination: { kind: 'host', address: '10.2.2.2' },
    },
    text: 'deny ip 10.1.1.0 0.0.0.255 host 10.2.2.2',
  },
  {
    line: 'access-list 120 permit ip 10.255.255.255 0.255.255.255 192.168.7.9 0.0.0.7',
    entry: {
      action: 'permit', protocol: 'ip',
      source: { kind: 'wildcard', address: '10.0.0.0', wildcard: '0.255.255.255' },
      destination: { kind: 'wildcard', address: '192.168.7.8', wildcard: '0.0.0.7' },
    },
    text: 'permit ip 10.0.0.0 0.255.255.255 192.168.7.8 0.0.0.7',
  },
  {
    // Non-contiguous wildcards are legal in ACLs; host bits under them are still cleared.
    line: 'access-list 150 permit ip 10.1.2.3 0.0.255.0 any',
    entry: {
      action: 'permit', protocol: 'ip',
      source: { kind: 'wildcard', address: '10.1.0.3', wildcard: '0.0.255.0' },
      destination: { kind: 'any' },
    },
    text: 'permit ip 10.1.0.3 0.0.255.0 any',
  },
  {
    // A 0.0.0.0 wildcard is a host, 255.255.255.255 is any (as IOS shows them).
    line: 'access-list 101 deny ip 10.9.8.7 0.0.0.0 1.2.3.4 255.255.255.255',
    entry: { action: 'deny', protocol: 'ip', source: { kind: 'host', address: '10.9.8.7' }, destination: { kind: 'any' } },
    text: 'deny ip host 10.9.8.7 any',
  },
  {
    line: 'access-list 102 permit ip host 010.001.001.001 any',
    entry: { action: 'permit', protocol: 'ip', source: { kind: 'host', address: '10.1.1.1' }, destination: { kind: 'any' } },
    text: 'permit ip host 10.1.1.1 any',
  },
  {
    line: 'access-l 104 per ip an ho 10.0.0.1',
    entry: { action: 'permit', protocol: 'ip', source: { kind: 'any' }, destination: { kind: 'host', address: '10.0.0.1' } },
    text: 'permit ip any host 10.0.0.1',
  },
];

t.test('accepted forms: model, show access-lists, running-config, round trip', async (t) => {
  for (const k of CASES) {
    await t.test(k.line, async (t) => {
      const r = await freshRouter(t);
      await configure(t, r, k.line);
      const num = /access-l\S* (\d+)/.exec(k.line)?.[1] as string;
      t.strictSame(r.router.config.accessLists, { [num]: [k.entry] });
      t.equal(await show(t, r, 'show access-lists'), `Extended IP access list ${num}\n    10 ${k.text}\n`);
      t.ok(configLines(await runningConfig(t, r)).includes(`access-list ${num} ${k.text}`));
      await roundTrip(t, r);
    });
  }
});

t.test('list numbers 100-199 at the bounds and outside', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  await c.ok(t, 'access-list 100 permit ip any any', 'access-list 199 deny ip any any');
  for (const n of ['99', '200', '1', '0', '1300', '2699', 'abc']) {
    await c.rejects(t, `access-list ${n} permit ip any any`, 'Invalid input');
  }
  t.same(Object.keys(r.router.config.accessLists).sort(), ['100', '199']);
});

t.test('malformed entries are rejected, nothing changes', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  await c.ok(t, 'access-list 110 permit ip any any');
  const bad: Array<[string, string]> = [
    ['access-list 110 allow ip any any', 'Invalid input'],
    ['access-list 110 permit tcp any any', 'Invalid input'],
    ['access-list 110 permit ip any', 'Incomplete command'],
    ['access-list 110 permit ip', 'Incomplete command'],
    ['access-list 110 permit ip host any', 'Invalid input'],
    ['access-list 110 permit ip 10.0.0.0 any', 'Invalid input'],
    ['access-list 110 permit ip 10.0.0.0 0.0.0.256 any', 'Invalid input'],
    ['access-list 110 permit ip 10.0.0.0/8 any', 'Invalid input'],
    ['access-list 110 permit ip any any any', 'Invalid input'],
    ['access-list 110 permit ip host 10.0.0.1 host', 'Incomplete command'],
    ['access-list 110', 'Incomplete command'],
  ];
  for (const [line, msg] of bad) await c.rejects(t, line, msg);
  t.equal(r.router.config.accessLists['110']?.length, 1);
});

t.test('entries append in order; an identical entry is not added twice', async (t) => {
  const r = await freshRouter(t);
  await configure(
    t, r,
    'access-list 120 permit ip 10.0.0.0 0.0.0.255 10.1.0.0 0.0.0.255',
    'access-list 120 deny ip host 10.0.0.5 any',
    'access-list 120 permit ip 10.0.0.9 0.0.0.255 10.1.0.200 0.0.0.255',
    'access-list 110 permit ip any any',
    'access-list 120 permit ip any any',
  );
  t.equal(r.router.config.accessLists['120']?.length, 3, 'the normalised duplicate was ignored');
  t.equal(await show(t, r, 'show access-lists'), [
    'Extended IP access list 110',
    '    10 permit ip any any',
    'Extended IP access list 120',
    '    10 permit ip 10.0.0.0 0.0.0.255 10.1.0.0 0.0.0.255',
    '    20 deny ip host 10.0.0.5 any',
    '    30 permit ip any any',
    '',
  ].join('\n'), 'lists in numeric order, entries numbered by 10');
  t.equal(await show(t, r, 'show access-lists 120'), [
    'Extended IP access list 120',
    '    10 permit ip 10.0.0.0 0.0.0.255 10.1.0.0 0.0.0.255',
    '    20 deny ip host 10.0.0.5 any',
    '    30 permit ip any any',
    '',
  ].join('\n'));
  t.equal(await show(t, r, 'show access-lists 199'), '', 'an empty list shows nothing');
  const text = await runningConfig(t, r);
  t.match(text, [
    'access-list 110 permit ip any any',
    'access-list 120 permit ip 10.0.0.0 0.0.0.255 10.1.0.0 0.0.0.255',
    'access-list 120 deny ip host 10.0.0.5 any',
    'access-list 120 permit ip any any',
    '!',
    'end',
  ].join('\n'));
  await roundTrip(t, r);
});

t.test('no access-list removes the whole list; an absent one is an error', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  await c.ok(t, 'access-list 130 permit ip any any', 'access-list 130 deny ip any host 1.1.1.1', 'access-list 131 permit ip any any');
  await c.ok(t, 'no access-list 130');
  t.same(Object.keys(r.router.config.accessLists), ['131']);
  await c.rejects(t, 'no access-list 130', 'Access list 130 does not exist');
  await c.rejects(t, 'no access-list 99', 'Invalid input');
  await c.rejects(t, 'no access-list 200', 'Invalid input');
  await c.ok(t, 'no access-list 131');
  t.strictSame(r.router.config.accessLists, {});
  t.equal(await show(t, r, 'show access-lists'), '');
  t.notMatch(await runningConfig(t, r), /access-list/);
});

t.test('show access-lists number outside 100-199 is rejected', async (t) => {
  const r = await freshRouter(t);
  const res = await r.run('show access-lists 99');
  t.notOk(res.ok);
  t.match(res.output, /% Invalid input detected at '\^' marker\./);
});

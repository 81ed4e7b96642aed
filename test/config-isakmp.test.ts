/**
 * Pre-shared keys (crypto isakmp key ... address|hostname), crypto isakmp identity,
 * ip host, hostname, ip domain name, crypto isakmp / no crypto isakmp and
 * crypto isakmp client configuration address-pool local (seeds 000 and 002).
 */
import t from 'tap';
import { configLines, configMode, configure, freshRouter, roundTrip, runningConfig } from './helpers/config';
import type { PresharedKey } from '../src/config/model';

const MASK_WARNING = [
  '% WARNING: a mask of 0.0.0.0 makes this a group pre-shared key that every peer may use;',
  '%          this weakens peer authentication and is not recommended.',
].map((l) => `${l}\n`).join('');

interface KeyCase {
  line: string;
  key: PresharedKey;
  written: string;
  warns?: boolean;
}

const KEY_CASES: KeyCase[] = [
  {
    line: 'crypto isakmp key 1234567890 address 192.168.224.33',
    key: { key: '1234567890', target: { kind: 'address', address: '192.168.224.33', mask: '255.255.255.255' }, noXauth: false },
    written: 'crypto isakmp key 1234567890 address 192.168.224.33',
  },
  {
    line: 'crypto isakmp key sharedkeystring address 192.168.1.33 no-xauth',
    key: { key: 'sharedkeystring', target: { kind: 'address', address: '192.168.1.33', mask: '255.255.255.255' }, noXauth: true },
    written: 'crypto isakmp key sharedkeystring address 192.168.1.33 no-xauth',
  },
  {
    line: 'crypto isakmp key k1 address 10.1.2.3 255.255.255.255',
    key: { key: 'k1', target: { kind: 'address', address: '10.1.2.3', mask: '255.255.255.255' }, noXauth: false },
    written: 'crypto isakmp key k1 address 10.1.2.3',
  },
  {
    line: 'crypto isakmp key k2 address 10.1.2.3 255.255.255.0',
    key: { key: 'k2', target: { kind: 'address', address: '10.1.2.0', mask: '255.255.255.0' }, noXauth: false },
    written: 'crypto isakmp key k2 address 10.1.2.0 255.255.255.0',
  },
  {
    line: 'crypto isakmp key k3 address 172.16.200.9 255.240.0.0 no-xauth',
    key: { key: 'k3', target: { kind: 'address', address: '172.16.0.0', mask: '255.240.0.0' }, noXauth: true },
    written: 'crypto isakmp key k3 address 172.16.0.0 255.240.0.0 no-xauth',
  },
  {
    line: 'crypto isakmp key k4 address 010.001.002.003',
    key: { key: 'k4', target: { kind: 'address', address: '10.1.2.3', mask: '255.255.255.255' }, noXauth: false },
    written: 'crypto isakmp key k4 address 10.1.2.3',
  },
  {
    line: 'crypto isakmp key group address 0.0.0.0 0.0.0.0',
    key: { key: 'group', target: { kind: 'address', address: '0.0.0.0', mask: '0.0.0.0' }, noXauth: false },
    written: 'crypto isakmp key group address 0.0.0.0 0.0.0.0',
    warns: true,
  },
  {
    line: 'crypto isakmp key group2 address 10.9.9.9 0.0.0.0 no-xauth',
    key: { key: 'group2', target: { kind: 'address', address: '0.0.0.0', mask: '0.0.0.0' }, noXauth: true },
    written: 'crypto isakmp key group2 address 0.0.0.0 0.0.0.0 no-xauth',
    warns: true,
  },
  {
    line: 'crypto isakmp key sharedkeystring hostname RemoteRouter.example.com',
    key: { key: 'sharedkeystring', target: { kind: 'hostname', hostname: 'remoterouter.example.com' }, noXauth: false },
    written: 'crypto isakmp key sharedkeystring hostname remoterouter.example.com',
  },
  {
    line: 'crypto isakmp key sharedkeystring hostname LocalRouter.example.com no-xauth',
    key: { key: 'sharedkeystring', target: { kind: 'hostname', hostname: 'localrouter.example.com' }, noXauth: true },
    written: 'crypto isakmp key sharedkeystring hostname localrouter.example.com no-xauth',
  },
  {
    line: 'crypto isakmp key K!e@y#$%^&*()_+=-{}[]:;<>,.?/~`| hostname peer',
    key: { key: 'K!e@y#$%^&*()_+=-{}[]:;<>,.?/~`|', target: { kind: 'hostname', hostname: 'peer' }, noXauth: false },
    written: 'crypto isakmp key K!e@y#$%^&*()_+=-{}[]:;<>,.?/~`| hostname peer',
  },
  {
    line: `crypto isakmp key ${'x'.repeat(128)} address 1.1.1.1`,
    key: { key: 'x'.repeat(128), target: { kind: 'address', address: '1.1.1.1', mask: '255.255.255.255' }, noXauth: false },
    written: `crypto isakmp key ${'x'.repeat(128)} address 1.1.1.1`,
  },
  {
    line: 'cry isa key abbreviated add 1.1.1.2 no',
    key: { key: 'abbreviated', target: { kind: 'address', address: '1.1.1.2', mask: '255.255.255.255' }, noXauth: true },
    written: 'crypto isakmp key abbreviated address 1.1.1.2 no-xauth',
  },
];

t.test('crypto isakmp key: accepted forms, model, running-config, round trip', async (t) => {
  for (const k of KEY_CASES) {
    await t.test(k.line, async (t) => {
      const r = await freshRouter(t);
      const [res] = await configure(t, r, k.line);
      t.strictSame(r.router.config.isakmp.keys, [k.key]);
      t.equal(res?.output, k.warns ? MASK_WARNING : '', k.warns ? 'the 0.0.0.0 mask warning' : 'no output');
      const text = await runningConfig(t, r);
      t.ok(configLines(text).includes(k.written), 'written', { text, wanted: k.written });
      await roundTrip(t, r);
    });
  }
});

t.test('one key per target: the same address/mask or hostname replaces the key', async (t) => {
  const r = await freshRouter(t);
  await configure(
    t, r,
    'crypto isakmp key first address 10.0.0.5 255.255.255.0 no-xauth',
    'crypto isakmp key other address 10.0.0.5',
    'crypto isakmp key second address 10.0.0.77 255.255.255.0',
    'crypto isakmp key h1 hostname peer.example.com no-xauth',
    'crypto isakmp key h2 hostname PEER.example.com',
  );
  t.strictSame(r.router.config.isakmp.keys, [
    { key: 'second', target: { kind: 'address', address: '10.0.0.0', mask: '255.255.255.0' }, noXauth: false },
    { key: 'other', target: { kind: 'address', address: '10.0.0.5', mask: '255.255.255.255' }, noXauth: false },
    { key: 'h2', target: { kind: 'hostname', hostname: 'peer.example.com' }, noXauth: false },
  ], 'replaced in place, no-xauth follows the new line; a host inside the subnet is its own target');
  await roundTrip(t, r);
});

t.test('crypto isakmp key: rejected forms change nothing', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  await c.ok(t, 'crypto isakmp key keep address 10.0.0.1');
  const bad: Array<[string, string]> = [
    ['crypto isakmp key k address 10.0.0.2 255.0.255.0', 'Invalid mask 255.0.255.0'],
    ['crypto isakmp key k address 10.0.0.2 0.0.0.255', 'Invalid mask 0.0.0.255'],
    ['crypto isakmp key k address 10.0.0.256', 'Invalid input'],
    ['crypto isakmp key k address 10.0.0', 'Invalid input'],
    ['crypto isakmp key k address peer.example.com', 'Invalid input'],
    ['crypto isakmp key k address', 'Incomplete command'],
    ['crypto isakmp key k', 'Incomplete command'],
    ['crypto isakmp key', 'Incomplete command'],
    ['crypto isakmp key k address 10.0.0.2 no-xauth extra', 'Invalid input'],
    ['crypto isakmp key k hostname bad_host', 'Invalid peer hostname "bad_host"'],
    ['crypto isakmp key k hostname 10.0.0.2', 'Invalid peer hostname "10.0.0.2"'],
    ['crypto isakmp key k hostname -lead.example.com', 'Invalid peer hostname'],
    ['crypto isakmp key k hostname a..b', 'Invalid peer hostname'],
    [`crypto isakmp key k hostname ${'a'.repeat(64)}.com`, 'Invalid peer hostname'],
    ['crypto isakmp key k hostname', 'Incomplete command'],
    [`crypto isakmp key ${'x'.repeat(129)} address 10.0.0.2`, 'Pre-shared key is too long: at most 128 characters'],
    ['crypto isakmp key "two words" address 10.0.0.2', 'Invalid pre-shared key'],
    ['crypto isakmp key "" address 10.0.0.2', 'Invalid pre-shared key'],
  ];
  for (const [line, msg] of bad) await c.rejects(t, line, msg);
  t.equal(r.router.config.isakmp.keys.length, 1);
});

t.test('no crypto isakmp key: removes the matching key; a wrong key or target is refused', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  await c.ok(
    t,
    'crypto isakmp key a1 address 10.0.0.1',
    'crypto isakmp key n1 address 10.1.0.9 255.255.0.0',
    'crypto isakmp key h1 hostname peer.example.com no-xauth',
  );
  await c.rejects(t, 'no crypto isakmp key wrong address 10.0.0.1', 'The key string does not match the configured pre-shared key');
  await c.rejects(t, 'no crypto isakmp key a1 address 10.0.0.2', 'No such pre-shared key');
  await c.rejects(t, 'no crypto isakmp key a1 address 10.0.0.1 255.255.255.0', 'No such pre-shared key');
  await c.rejects(t, 'no crypto isakmp key n1 address 10.1.0.9', 'No such pre-shared key');
  await c.rejects(t, 'no crypto isakmp key wrong hostname peer.example.com', 'The key string does not match');
  await c.rejects(t, 'no crypto isakmp key h1 hostname other.example.com', 'No such pre-shared key');
  await c.rejects(t, 'no crypto isakmp key a1', 'Incomplete command');
  // Host bits under the mask do not matter, hostnames are case-insensitive.
  await c.ok(t, 'no crypto isakmp key n1 address 10.1.255.255 255.255.0.0');
  await c.ok(t, 'no crypto isakmp key h1 hostname Peer.Example.COM');
  t.strictSame(r.router.config.isakmp.keys, [
    { key: 'a1', target: { kind: 'address', address: '10.0.0.1', mask: '255.255.255.255' }, noXauth: false },
  ]);
  await c.ok(t, 'no crypto isakmp key a1 address 10.0.0.1');
  t.strictSame(r.router.config.isakmp.keys, []);
  t.notMatch(await runningConfig(t, r), /crypto isakmp key/);
});

t.test('crypto isakmp identity: address (default), dn, hostname; no form', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  t.equal(r.router.config.isakmp.identity, 'address', 'default');
  for (const id of ['hostname', 'dn', 'address'] as const) {
    await c.ok(t, `crypto isakmp identity ${id}`);
    t.equal(r.router.config.isakmp.identity, id);
    const text = await runningConfig(t, r);
    if (id === 'address') t.notMatch(text, /identity/, 'the default is not written');
    else t.ok(configLines(text).includes(`crypto isakmp identity ${id}`));
    await roundTrip(t, r);
  }
  await c.ok(t, 'crypto isakmp identity host');
  t.equal(r.router.config.isakmp.identity, 'hostname', 'abbreviation');
  await c.ok(t, 'no crypto isakmp identity');
  t.equal(r.router.config.isakmp.identity, 'address', 'no form restores the default');
  await c.rejects(t, 'crypto isakmp identity fqdn', 'Invalid input');
  await c.rejects(t, 'crypto isakmp identity', 'Incomplete command');
  await c.rejects(t, 'crypto isakmp identity hostname extra', 'Invalid input');
  await c.ok(t, 'crypto isakmp identity d');
  t.equal(r.router.config.isakmp.identity, 'dn', '"d" is a unique prefix of dn');
});

t.test('ip host NAME A1 .. A8', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  const eight = ['10.0.0.1', '10.0.0.2', '10.0.0.3', '10.0.0.4', '10.0.0.5', '10.0.0.6', '10.0.0.7', '10.0.0.8'];
  await c.ok(t, 'ip host RemoteRouter.example.com 192.168.0.1', `ip host eight.example.com ${eight.join(' ')}`);
  t.strictSame(r.router.config.hosts, [
    { name: 'remoterouter.example.com', addresses: ['192.168.0.1'] },
    { name: 'eight.example.com', addresses: eight },
  ]);
  const res = await c.rejects(t, `ip host nine.example.com ${eight.join(' ')} 10.0.0.9`, 'Invalid input');
  t.equal(res.output.split('\n')[0]?.length, `Router(config)#ip host nine.example.com ${eight.join(' ')} `.length + 1, 'caret under the ninth address');
  await c.rejects(t, 'ip host h 10.0.0.300', 'Invalid input');
  await c.rejects(t, 'ip host h', 'Incomplete command');
  await c.rejects(t, 'ip host bad_name 10.0.0.1', 'Invalid host name "bad_name"');
  await c.rejects(t, 'ip host 10.0.0.1 10.0.0.1', 'Invalid host name');
  // Re-entering a name replaces its addresses.
  await c.ok(t, 'ip host REMOTEROUTER.example.com 192.168.0.2 192.168.0.3');
  t.strictSame(r.router.config.hosts[0], { name: 'remoterouter.example.com', addresses: ['192.168.0.2', '192.168.0.3'] });
  const text = await runningConfig(t, r);
  t.ok(configLines(text).includes('ip host remoterouter.example.com 192.168.0.2 192.168.0.3'));
  t.ok(configLines(text).includes(`ip host eight.example.com ${eight.join(' ')}`));
  await roundTrip(t, r);
  await c.ok(t, 'no ip host eight.example.com');
  await c.rejects(t, 'no ip host eight.example.com', 'Host eight.example.com not found in the host table');
  t.same(r.router.config.hosts.map((h) => h.name), ['remoterouter.example.com']);
});

t.test('hostname: validation, prompt, no form', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  const good = ['R', 'Router1', 'my-router', 'a1-b2-c3', `a${'b'.repeat(62)}`];
  for (const name of good) {
    await c.ok(t, `hostname ${name}`);
    t.equal(r.router.config.hostname, name);
    t.equal(c.prompt(), `${name}(config)#`, 'the prompt carries the hostname');
  }
  await roundTrip(t, r);
  const bad = ['1router', '-router', 'router-', 'rou_ter', 'rou.ter', `a${'b'.repeat(63)}`, '"two words"'];
  for (const name of bad) await c.rejects(t, `hostname ${name}`, 'Invalid hostname');
  await c.rejects(t, 'hostname', 'Incomplete command');
  await c.ok(t, 'no hostname');
  t.equal(r.router.config.hostname, 'Router');
  t.equal(c.prompt(), 'Router(config)#');
  // The seed's `hostname "Router1"` (quotes) is read as Router1.
  await c.ok(t, 'hostname "Router1"');
  t.equal(r.router.config.hostname, 'Router1');
});

t.test('ip domain name / ip domain-name', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  t.equal(r.router.config.domainName, undefined, 'no domain by default');
  await c.ok(t, 'ip domain name example.com');
  t.equal(r.router.config.domainName, 'example.com');
  t.ok(configLines(await runningConfig(t, r)).includes('ip domain name example.com'));
  await roundTrip(t, r);
  await c.ok(t, 'ip domain-name corp.example.net.');
  t.equal(r.router.config.domainName, 'corp.example.net', 'the old spelling, trailing dot dropped');
  await c.rejects(t, 'ip domain name exa_mple.com', 'Invalid domain name');
  await c.rejects(t, 'ip domain name 10.0.0.1', 'Invalid domain name');
  await c.rejects(t, 'ip domain name', 'Incomplete command');
  await c.ok(t, 'no ip domain-name');
  t.equal(r.router.config.domainName, undefined);
  await c.ok(t, 'ip domain name example.org', 'no ip domain name');
  t.equal(r.router.config.domainName, undefined);
  t.notMatch(await runningConfig(t, r), /domain/);
});

t.test('crypto isakmp / no crypto isakmp (IKE enabled by default)', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  t.equal(r.router.config.isakmp.enabled, true);
  t.notMatch(await runningConfig(t, r), /crypto isakmp/, 'the default is not written');
  await c.ok(t, 'no crypto isakmp');
  t.equal(r.router.config.isakmp.enabled, false);
  t.ok(configLines(await runningConfig(t, r)).includes('no crypto isakmp'));
  await roundTrip(t, r);
  await c.ok(t, 'crypto isakmp');
  t.equal(r.router.config.isakmp.enabled, true);
  t.notMatch(await runningConfig(t, r), /crypto isakmp/);
});

t.test('crypto isakmp client configuration address-pool local NAME (seed 002)', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  await c.ok(t, 'ip local pool ire 171.72.1.1 171.72.1.254', 'crypto isakmp client configuration address-pool local ire');
  t.equal(r.router.config.isakmp.clientAddressPool, 'ire');
  t.ok(configLines(await runningConfig(t, r)).includes('crypto isakmp client configuration address-pool local ire'));
  await roundTrip(t, r);
  await c.ok(t, 'crypto isakmp client configuration address-pool local pool1');
  t.equal(r.router.config.isakmp.clientAddressPool, 'pool1', 'replaced');
  await c.rejects(t, 'no crypto isakmp client configuration address-pool local ire', 'Address pool ire is not the configured one');
  await c.rejects(t, 'crypto isakmp client configuration address-pool local', 'Incomplete command');
  await c.rejects(t, 'crypto isakmp client configuration address-pool ire', 'Invalid input');
  await c.ok(t, 'no crypto isakmp client configuration address-pool local pool1');
  t.equal(r.router.config.isakmp.clientAddressPool, undefined);
  await c.ok(t, 'crypto isakmp client configuration address-pool local p2', 'no crypto isakmp client configuration address-pool local');
  t.equal(r.router.config.isakmp.clientAddressPool, undefined, 'no form without the name');
  t.notMatch(await runningConfig(t, r), /address-pool/);
});

t.test('the seed 000 pre-shared key steps together round-trip', async (t) => {
  const r = await freshRouter(t);
  await configure(
    t, r,
    'crypto isakmp identity address',
    'ip host RemoteRouter.example.com 192.168.0.1',
    'crypto isakmp key sharedkeystring address 192.168.1.33 no-xauth',
    'crypto isakmp key sharedkeystring hostname RemoteRouter.example.com',
    'crypto isakmp key sharedkeystring address 10.0.0.1',
    'crypto isakmp key sharedkeystring hostname LocalRouter.example.com',
    'crypto isakmp identity hostname',
  );
  const text = await runningConfig(t, r);
  t.match(text, [
    '!',
    'ip host remoterouter.example.com 192.168.0.1',
    '!',
    'crypto isakmp key sharedkeystring address 192.168.1.33 no-xauth',
    'crypto isakmp key sharedkeystring hostname remoterouter.example.com',
    'crypto isakmp key sharedkeystring address 10.0.0.1',
    'crypto isakmp key sharedkeystring hostname localrouter.example.com',
    'crypto isakmp identity hostname',
    '!',
  ].join('\n'));
  await roundTrip(t, r);
});

/**
 * crypto ipsec transform-set NAME T1 [T2 [T3]], its `mode` sub-command, show crypto ipsec
 * transform-set, the hardware warnings, and the refusal to delete a set in use.
 */
import t from 'tap';
import { configLines, configMode, configure, freshRouter, roundTrip, runningConfig, show } from './helpers/config';
import type { Transform } from '../src/config/model';

/** Every transform as it may be typed: [typed words, stored transform, show text]. */
const TRANSFORMS: Array<[string, Transform, string]> = [
  ['esp-des', { name: 'esp-des' }, 'esp-des'],
  ['esp-3des', { name: 'esp-3des' }, 'esp-3des'],
  ['esp-aes', { name: 'esp-aes' }, 'esp-aes'],
  ['esp-aes 128', { name: 'esp-aes' }, 'esp-aes'],
  ['esp-aes 192', { name: 'esp-aes', keyBits: 192 }, 'esp-192-aes'],
  ['esp-aes 256', { name: 'esp-aes', keyBits: 256 }, 'esp-256-aes'],
  ['esp-gcm', { name: 'esp-gcm' }, 'esp-gcm'],
  ['esp-gcm 128', { name: 'esp-gcm' }, 'esp-gcm'],
  ['esp-gcm 256', { name: 'esp-gcm', keyBits: 256 }, 'esp-gcm 256'],
  ['esp-seal', { name: 'esp-seal' }, 'esp-seal'],
  ['esp-null', { name: 'esp-null' }, 'esp-null'],
  ['esp-md5-hmac', { name: 'esp-md5-hmac' }, 'esp-md5-hmac'],
  ['esp-sha-hmac', { name: 'esp-sha-hmac' }, 'esp-sha-hmac'],
  ['esp-sha256-hmac', { name: 'esp-sha256-hmac' }, 'esp-sha256-hmac'],
  ['esp-sha384-hmac', { name: 'esp-sha384-hmac' }, 'esp-sha384-hmac'],
  ['esp-sha512-hmac', { name: 'esp-sha512-hmac' }, 'esp-sha512-hmac'],
  ['ah-md5-hmac', { name: 'ah-md5-hmac' }, 'ah-md5-hmac'],
  ['ah-sha-hmac', { name: 'ah-sha-hmac' }, 'ah-sha-hmac'],
];

type Role = 'ah' | 'esp-auth' | 'esp-cipher';
const roleOf = (name: string): Role => (name.startsWith('ah-') ? 'ah' : name.endsWith('-hmac') ? 'esp-auth' : 'esp-cipher');

/** The combination rules, stated independently of the implementation. */
function expectedError(ts: Transform[]): RegExp | undefined {
  const byRole = new Map<Role, string[]>();
  for (const x of ts) byRole.set(roleOf(x.name), [...(byRole.get(roleOf(x.name)) ?? []), x.name]);
  for (const [role, names] of byRole) {
    if (names.length > 1) {
      const what = role === 'ah' ? 'AH authentication' : role === 'esp-auth' ? 'ESP authentication' : 'ESP encryption';
      return new RegExp(`Invalid transform combination: ${names[0]} and ${names[1]} are both ${what} transforms`);
    }
  }
  const cipher = byRole.get('esp-cipher')?.[0];
  const auth = byRole.get('esp-auth')?.[0];
  if (cipher === 'esp-gcm' && auth) return new RegExp(`esp-gcm provides integrity and cannot be combined with ${auth}`);
  if (cipher === 'esp-null' && !auth) return /esp-null needs an ESP authentication transform/;
  if (cipher === 'esp-seal' && !auth) return /esp-seal needs an ESP authentication transform/;
  return undefined;
}

t.test('every transform alone, and every ordered pair', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  const combos: Array<typeof TRANSFORMS> = [
    ...TRANSFORMS.map((a) => [a]),
    ...TRANSFORMS.flatMap((a) => TRANSFORMS.map((b) => [a, b])),
  ];
  let n = 0;
  let accepted = 0;
  for (const combo of combos) {
    const name = `ts${n++}`;
    const line = `crypto ipsec transform-set ${name} ${combo.map(([typed]) => typed).join(' ')}`;
    const stored = combo.map(([, s]) => s);
    const err = expectedError(stored);
    if (err) {
      await c.rejects(t, line, err);
      continue;
    }
    const res = await c.exec(line);
    t.ok(res.ok, line, { output: res.output });
    t.equal(res.output, '', `${line}: no output without a card`);
    t.equal(c.prompt(), 'Router(config-crypto-trans)#', `${line}: enters config-crypto-trans`);
    const set = r.router.config.transformSets.find((x) => x.name === name);
    t.strictSame(set, { name, transforms: stored, mode: 'tunnel' }, `${line}: stored`);
    const shown = await show(t, r, `show crypto ipsec transform-set tag ${name}`);
    t.equal(shown, `Transform set ${name}: { ${combo.map(([, , s]) => s).join(' ')}  }\n   will negotiate = { Tunnel,  },\n\n`, `${line}: show`);
    accepted++;
    await c.ok(t, 'exit');
  }
  t.equal(accepted, r.router.config.transformSets.length);
  t.ok(accepted > 100 && accepted < combos.length, `${accepted} of ${combos.length} accepted`);
  await roundTrip(t, r);
});

t.test('three transforms: every valid and invalid combination of the names', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  const names = [...new Set(TRANSFORMS.map(([, s]) => s.name))];
  let n = 0;
  let accepted = 0;
  for (const a of names) {
    for (const b of names) {
      for (const d of names) {
        const stored: Transform[] = [{ name: a }, { name: b }, { name: d }];
        const line = `crypto ipsec transform-set t3-${n++} ${a} ${b} ${d}`;
        const err = expectedError(stored);
        if (err) {
          // Checked for a sample only: every rejection was checked in full for pairs.
          const res = await c.exec(line);
          t.notOk(res.ok, line);
          t.match(res.output, err, line);
        } else {
          const res = await c.exec(line);
          t.ok(res.ok, line, { output: res.output });
          accepted++;
          await c.exec('exit');
        }
      }
    }
  }
  // AH x ESP cipher x ESP auth (gcm excluded), in any order: 2 * 5 * 5 * 3! = 300.
  t.equal(accepted, 300, 'AH + ESP cipher + ESP authentication, in every order');
  await roundTrip(t, r);
});

t.test('more than three transforms, unknown ones, bad key sizes', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  const bad: Array<[string, string]> = [
    ['crypto ipsec transform-set x ah-sha-hmac esp-aes esp-sha-hmac esp-md5-hmac', 'Invalid input'],
    ['crypto ipsec transform-set x esp-aes 256 esp-sha-hmac ah-md5-hmac esp-null', 'Invalid input'],
    ['crypto ipsec transform-set x esp-blowfish', 'Invalid input'],
    ['crypto ipsec transform-set x esp-sha1-hmac', 'Invalid input'],
    ['crypto ipsec transform-set x esp-aes 512', 'Invalid input'],
    ['crypto ipsec transform-set x esp-aes 64', 'Invalid input'],
    ['crypto ipsec transform-set x esp-gcm 192', 'Invalid input'],
    ['crypto ipsec transform-set x esp-des 56', 'Invalid input'],
    ['crypto ipsec transform-set x esp-3des 168', 'Invalid input'],
    ['crypto ipsec transform-set x', 'Incomplete command'],
    ['crypto ipsec transform-set', 'Incomplete command'],
    ['crypto ipsec transform-set x esp', 'Ambiguous command'],
    [`crypto ipsec transform-set ${'n'.repeat(64)} esp-aes`, 'Invalid transform set name'],
    ['crypto ipsec transform-set x esp-null', 'esp-null needs an ESP authentication transform'],
    ['crypto ipsec transform-set x esp-seal', 'esp-seal needs an ESP authentication transform'],
    ['crypto ipsec transform-set x esp-null ah-sha-hmac', 'esp-null needs an ESP authentication transform'],
    ['crypto ipsec transform-set x esp-aes esp-des', 'esp-aes and esp-des are both ESP encryption transforms'],
    ['crypto ipsec transform-set x esp-md5-hmac esp-sha-hmac', 'esp-md5-hmac and esp-sha-hmac are both ESP authentication transforms'],
    ['crypto ipsec transform-set x ah-md5-hmac ah-sha-hmac', 'ah-md5-hmac and ah-sha-hmac are both AH authentication transforms'],
    ['crypto ipsec transform-set x esp-gcm 256 esp-sha256-hmac', 'esp-gcm provides integrity and cannot be combined with esp-sha256-hmac'],
  ];
  for (const [line, msg] of bad) await c.rejects(t, line, msg);
  t.same(r.router.config.transformSets, []);
  // The largest name is accepted.
  await c.ok(t, `crypto ipsec transform-set ${'n'.repeat(63)} esp-aes`);
});

t.test('mode transport / mode tunnel / no mode; redefining a set keeps its mode', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  // The seed's AES example.
  await c.ok(t, 'crypto ipsec transform-set aasset esp-aes 256 esp-sha-hmac', '  mode transport');
  t.strictSame(r.router.config.transformSets, [{ name: 'aasset', transforms: [{ name: 'esp-aes', keyBits: 256 }, { name: 'esp-sha-hmac' }], mode: 'transport' }]);
  t.equal(await show(t, r, 'show crypto ipsec transform-set'), 'Transform set aasset: { esp-256-aes esp-sha-hmac  }\n   will negotiate = { Transport,  },\n\n');
  t.match(await runningConfig(t, r), /^crypto ipsec transform-set aasset esp-aes 256 esp-sha-hmac\n mode transport\n!/m);
  await roundTrip(t, r);
  await c.ok(t, 'exit', 'crypto ipsec transform-set aasset esp-3des esp-md5-hmac');
  t.equal(r.router.config.transformSets[0]?.mode, 'transport', 'new transforms, same mode');
  t.strictSame(r.router.config.transformSets[0]?.transforms, [{ name: 'esp-3des' }, { name: 'esp-md5-hmac' }]);
  await c.ok(t, 'mode tunnel');
  t.equal(r.router.config.transformSets[0]?.mode, 'tunnel');
  t.notMatch(await runningConfig(t, r), /mode/, 'tunnel (the default) is not written');
  await c.ok(t, 'mode trans');
  t.equal(r.router.config.transformSets[0]?.mode, 'transport', 'abbreviated');
  await c.ok(t, 'no mode');
  t.equal(r.router.config.transformSets[0]?.mode, 'tunnel', 'no mode restores tunnel');
  await c.rejects(t, 'mode', 'Incomplete command');
  await c.rejects(t, 'mode gre', 'Invalid input');
  await c.rejects(t, 'mode t', 'Ambiguous command');
  // A rejected redefinition keeps the old transforms and mode.
  await c.ok(t, 'mode transport', 'exit');
  await c.rejects(t, 'crypto ipsec transform-set aasset esp-null', 'esp-null needs');
  t.strictSame(r.router.config.transformSets[0], { name: 'aasset', transforms: [{ name: 'esp-3des' }, { name: 'esp-md5-hmac' }], mode: 'transport' });
});

t.test('show crypto ipsec transform-set: all sets in order, one by tag, unknown tag', async (t) => {
  const r = await freshRouter(t);
  await configure(
    t, r,
    'crypto ipsec transform-set pc esp-des esp-md5-hmac', 'exit',
    'crypto ipsec transform-set b ah-sha-hmac esp-aes 192 esp-sha512-hmac', 'mode transport', 'exit',
    'crypto ipsec transform-set g esp-gcm 256',
  );
  t.equal(await show(t, r, 'show crypto ipsec transform-set'), [
    'Transform set pc: { esp-des esp-md5-hmac  }',
    '   will negotiate = { Tunnel,  },',
    '',
    'Transform set b: { ah-sha-hmac esp-192-aes esp-sha512-hmac  }',
    '   will negotiate = { Transport,  },',
    '',
    'Transform set g: { esp-gcm 256  }',
    '   will negotiate = { Tunnel,  },',
    '',
    '',
  ].join('\n'));
  t.equal(await show(t, r, 'show crypto ipsec transform-set tag g'), 'Transform set g: { esp-gcm 256  }\n   will negotiate = { Tunnel,  },\n\n');
  const unknown = await r.run('show crypto ipsec transform-set tag nope');
  t.notOk(unknown.ok);
  t.match(unknown.output, /^% Transform set nope does not exist/m);
  t.equal(await show(t, await freshRouter(t), 'show crypto ipsec transform-set'), '', 'no sets: nothing shown');
});

t.test('virtio-crypto card: warnings for esp-des/esp-3des/esp-gcm/esp-seal, not esp-aes/esp-null', async (t) => {
  const r = await freshRouter(t, { card: 'virtio-crypto' });
  const c = await configMode(t, r);
  const cases: Array<[string, string | undefined]> = [
    ['esp-des esp-md5-hmac', 'esp-des'],
    ['esp-3des esp-sha-hmac', 'esp-3des'],
    ['esp-gcm', 'esp-gcm'],
    ['esp-gcm 256', 'esp-gcm'],
    ['esp-seal esp-sha-hmac', 'esp-seal'],
    ['ah-sha-hmac esp-3des', 'esp-3des'],
    ['esp-aes', undefined],
    ['esp-aes 192 esp-sha-hmac', undefined],
    ['esp-aes 256 esp-sha384-hmac', undefined],
    ['esp-null esp-sha-hmac', undefined],
    ['ah-md5-hmac', undefined],
    ['esp-sha256-hmac', undefined],
  ];
  let i = 0;
  for (const [transforms, warned] of cases) {
    const name = `s${i++}`;
    const [res] = await c.ok(t, `crypto ipsec transform-set ${name} ${transforms}`, 'exit');
    const want = warned ? `WARNING:encryption hardware does not support transform ${warned} within IPSec transform set ${name}\n` : '';
    t.equal(res?.output, want, `${transforms}: ${warned ? 'warned' : 'no warning'} at entry`);
  }
  // Redefining an unsupported set as a supported one and back.
  const [toAes] = await c.ok(t, 'crypto ipsec transform-set s0 esp-aes esp-md5-hmac', 'exit');
  t.equal(toAes?.output, '');
  const [back] = await c.ok(t, 'crypto ipsec transform-set s0 esp-des esp-md5-hmac', 'exit');
  t.match(back?.output, /^WARNING:encryption hardware does not support transform esp-des within IPSec transform set s0\n$/);
  // Entering an unsupported set again warns again (the operator typed it); a mode change does not.
  const [same, mode] = await c.ok(t, 'crypto ipsec transform-set s1 esp-3des esp-sha-hmac', 'mode transport');
  t.match(same?.output, /^WARNING:encryption hardware does not support transform esp-3des within IPSec transform set s1\n$/, 're-entered: warned again');
  t.equal(mode?.output, '', 'mode change: not warned again');
  await c.ok(t, 'exit', 'no crypto engine accelerator');
  const [quiet] = await c.ok(t, 'crypto ipsec transform-set q esp-des');
  t.equal(quiet?.output, '', 'no warning with the accelerator off');
  await roundTrip(t, r, { card: 'virtio-crypto' });
});

t.test('a transform set used by a crypto map or dynamic map cannot be deleted', async (t) => {
  const r = await freshRouter(t);
  const c = await configMode(t, r);
  await c.ok(
    t,
    'crypto ipsec transform-set used esp-aes esp-sha-hmac', 'exit',
    'crypto ipsec transform-set dyn-used esp-3des esp-sha-hmac', 'exit',
    'crypto ipsec transform-set free esp-des', 'exit',
    'crypto map m 10 ipsec-isakmp', 'set transform-set used', 'exit',
    'crypto map m 20 ipsec-isakmp', 'set transform-set free used', 'exit',
    'crypto dynamic-map d 5', 'set transform-set dyn-used', 'exit',
  );
  await c.rejects(t, 'no crypto ipsec transform-set used', 'Transform set used is in use by crypto map m 10, crypto map m 20; remove it there first');
  await c.rejects(t, 'no crypto ipsec transform-set dyn-used', 'Transform set dyn-used is in use by crypto dynamic-map d 5');
  await c.rejects(t, 'no crypto ipsec transform-set nope', 'Transform set nope does not exist');
  await c.rejects(t, 'no crypto ipsec transform-set free', 'in use by crypto map m 20');
  await c.ok(t, 'crypto map m 20', 'set transform-set used', 'exit', 'no crypto ipsec transform-set free');
  t.same(r.router.config.transformSets.map((x) => x.name), ['used', 'dyn-used']);
  await c.ok(t, 'crypto dynamic-map d 5', 'no set transform-set', 'exit', 'no crypto ipsec transform-set dyn-used');
  await c.ok(t, 'no crypto map m', 'no crypto ipsec transform-set used');
  t.same(r.router.config.transformSets, []);
});

t.test('running-config: every transform spelled back so that it reloads', async (t) => {
  const r = await freshRouter(t);
  await configure(
    t, r,
    'crypto ipsec transform-set a esp-aes 128 esp-sha-hmac', 'exit',
    'crypto ipsec transform-set b esp-gcm 128', 'exit',
    'crypto ipsec transform-set c ah-md5-hmac esp-aes 192 esp-sha384-hmac', 'mode transport', 'exit',
    'crypto ipsec transform-set d esp-gcm 256', 'exit',
    'crypto ipsec transform-set e esp-null esp-sha512-hmac', 'exit',
    'crypto ipsec transform-set f esp-seal esp-sha256-hmac',
  );
  const lines = configLines(await runningConfig(t, r));
  const sets = lines.filter((l) => l.startsWith('crypto ipsec') || l === ' mode transport');
  t.same(sets, [
    'crypto ipsec transform-set a esp-aes esp-sha-hmac',
    'crypto ipsec transform-set b esp-gcm',
    'crypto ipsec transform-set c ah-md5-hmac esp-aes 192 esp-sha384-hmac',
    ' mode transport',
    'crypto ipsec transform-set d esp-gcm 256',
    'crypto ipsec transform-set e esp-null esp-sha512-hmac',
    'crypto ipsec transform-set f esp-seal esp-sha256-hmac',
  ]);
  await roundTrip(t, r);
});

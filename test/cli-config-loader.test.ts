import t from 'tap';
import { loadConfigText } from '../src/cli/config-loader';
import { TABLE, testRouter } from './helpers/router';
import { drive } from './helpers/transcript';

const INVALID = "% Invalid input detected at '^' marker.";

const TEXT = [
  '!', //                                  1
  'hostname Loaded', //                    2
  'crypto isakmp policy 10', //            3
  ' encryption aes 256', //                4
  ' bogus line', //                        5
  ' hash md5', //                          6
  'crypto isakmp policy 0', //             7
  'ip host h 10.0.0.1', //                 8
  'no ip host missing', //                 9
  'interface eth0', //                     10
  ' ip address 10.0.0.1 255.255.255.0', // 11
  'crypto isakmp key', //                  12
  'crypto i', //                           13
  '', //                                   14
  'ip domain name example.com', //         15
  'end', //                                16
  'hostname AfterEnd', //                  17
];

t.test('bad lines are reported with 1-based line numbers; the rest loads', async (t) => {
  for (const eol of ['\n', '\r\n']) {
    const r = await testRouter();
    const problems = await loadConfigText(r.router, TABLE, TEXT.join(eol) + eol);
    t.same(
      problems,
      [
        { line: 5, text: ' bogus line', message: INVALID },
        { line: 7, text: 'crypto isakmp policy 0', message: INVALID },
        { line: 9, text: 'no ip host missing', message: '% Host missing not found in the host table' },
        { line: 12, text: 'crypto isakmp key', message: '% Incomplete command.' },
        { line: 13, text: 'crypto i', message: '% Ambiguous command: "crypto i"' },
      ],
      JSON.stringify(eol),
    );
    const c = r.router.config;
    t.equal(c.hostname, 'Loaded', 'lines after end are not read');
    t.equal(c.domainName, 'example.com');
    t.same(c.hosts, [{ name: 'h', addresses: ['10.0.0.1'] }]);
    const [show] = await drive(r.session(), 'show crypto isakmp policy');
    t.match(show?.output, /Protection suite of priority 10\n/);
    t.match(show?.output, /256 bit keys/, 'line 4 applied');
    t.match(show?.output, /Message Digest 5/, 'line 6 applied in the sub-mode despite line 5');
    t.notMatch(show?.output, /priority 0/);
    const [run] = await drive(r.session(), 'show running-config');
    t.match(run?.output, /interface eth0\n ip address 10\.0\.0\.1 255\.255\.255\.0\n/);
  }
});

t.test('running-config round trip through the loader', async (t) => {
  const r = await testRouter();
  const s = r.session();
  for (const line of [
    'configure terminal',
    'hostname Edge',
    'ip domain name example.net',
    'crypto isakmp policy 20',
    'encryption 3des',
    'authentication pre-share',
    'group 14',
    'lifetime 3600',
    'crypto isakmp key Psk1 address 192.0.2.1',
    'crypto ipsec transform-set ts esp-aes 256 esp-sha-hmac',
    'mode transport',
    'access-list 101 permit ip 10.0.0.0 0.0.0.255 10.1.0.0 0.0.0.255',
    'crypto map vpn 10 ipsec-isakmp',
    'set peer 192.0.2.1',
    'set transform-set ts',
    'match address 101',
    'interface eth0',
    'ip address 192.0.2.2 255.255.255.0',
    'crypto map vpn',
  ]) {
    const res = await s.execute(line);
    t.ok(res.ok, `${line}: ${res.output}`);
  }
  const [run] = await drive(r.session(), 'show running-config');
  const body = (run?.output as string).split('\n').slice(3).join('\n');
  const r2 = await testRouter();
  const problems = await loadConfigText(r2.router, TABLE, body);
  t.same(problems, []);
  t.same(r2.router.config, r.router.config);
});

t.test('an empty or comment-only text loads nothing and reports nothing', async (t) => {
  const r = await testRouter();
  const before = JSON.stringify(r.router.config);
  t.same(await loadConfigText(r.router, TABLE, ''), []);
  t.same(await loadConfigText(r.router, TABLE, '!\n! only comments\n\n   \n'), []);
  t.equal(JSON.stringify(r.router.config), before);
});

t.test('a pubkey chain with several keys loads back (sub-sub-mode falls back to its parent mode)', async (t) => {
  const r = await testRouter();
  const text = [
    'crypto key pubkey-chain rsa',
    ' named-key a.example',
    '  address 192.0.2.1',
    ' named-key b.example signature',
    ' addressed-key 192.0.2.3',
    'hostname AfterChain',
  ].join('\n');
  t.same(await loadConfigText(r.router, TABLE, text), []);
  t.same(
    r.router.config.pubkeyChain.map((k) => [k.kind, k.id, k.usage, k.address]),
    [
      ['named', 'a.example', 'general', '192.0.2.1'],
      ['named', 'b.example', 'signature', undefined],
      ['addressed', '192.0.2.3', 'general', undefined],
    ],
  );
  t.equal(r.router.config.hostname, 'AfterChain');
});

t.test('a text without errors is adopted at once (one change); one with an error line by line, the bad line changing nothing', async (t) => {
  const text = (middle: string): string => ['hostname Once', 'crypto map VPN 10 ipsec-isakmp', ' set peer 192.0.2.9', middle, 'crypto map VPN 20 ipsec-isakmp', ' set peer 192.0.2.10', 'end'].join('\n');
  for (const [middle, problems] of [[' set pfs group14', 0], [' set pfs group99', 1]] as const) {
    const r = await testRouter();
    const changes: number[] = [];
    r.router.onChange(() => changes.push(r.router.revision));
    t.equal((await loadConfigText(r.router, TABLE, text(middle))).length, problems, middle);
    const entries = r.router.config.cryptoMaps[0]?.entries ?? [];
    t.same(entries.map((e) => [e.seq, e.peers]), [[10, ['192.0.2.9']], [20, ['192.0.2.10']]], 'both entries loaded');
    t.equal(entries[0]?.pfs, problems === 0 ? 14 : undefined, 'the bad line changed nothing');
    if (problems === 0) t.equal(changes.length, 1, 'one change for the whole text');
    else t.ok(changes.length > 1, 'changes line by line');
    t.ok(Object.isFrozen(r.router.config.cryptoMaps[0]), 'the adopted configuration is immutable');
  }
});

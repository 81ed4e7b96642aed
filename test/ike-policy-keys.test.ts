import t from 'tap';
import { emptyConfig, type Config, type PresharedKeyTarget } from '../src/config/model';
import { hostAddresses, hostNames, keyByAddress, localIdentity, phase1Plan, presharedKeyFor } from '../src/ike/policy';
import { IdType } from '../src/ike/wire';

function configWith(keys: Array<[string, PresharedKeyTarget]>, hosts: Array<[string, string[]]> = []): Config {
  const c = emptyConfig();
  c.isakmp.keys = keys.map(([key, target]) => ({ key, target, noXauth: false }));
  c.hosts = hosts.map(([name, addresses]) => ({ name, addresses }));
  return c;
}

const address = (a: string, mask = '255.255.255.255'): PresharedKeyTarget => ({ kind: 'address', address: a, mask });
const hostname = (h: string): PresharedKeyTarget => ({ kind: 'hostname', hostname: h });

t.test('address keys: the most specific mask wins', async (t) => {
  const c = configWith([
    ['everyone', address('0.0.0.0', '0.0.0.0')],
    ['net8', address('10.0.0.0', '255.0.0.0')],
    ['net24', address('10.1.1.0', '255.255.255.0')],
    ['host', address('10.1.1.7')],
  ]);
  const cases: Array<[string, string]> = [['10.1.1.7', 'host'], ['10.1.1.8', 'net24'], ['10.9.9.9', 'net8'], ['192.0.2.1', 'everyone']];
  for (const [peer, key] of cases) t.equal(keyByAddress(c, peer)?.key, key, peer);
  t.equal(keyByAddress(configWith([['k', address('10.0.0.0', '255.0.0.0')]]), '11.0.0.1'), undefined, 'outside every mask');
});

t.test('hostname keys: through ip host for an address, directly for an FQDN ID', async (t) => {
  const c = configWith([['byname', hostname('Peer.Example.NET')]], [['peer.example.net', ['192.0.2.9', '192.0.2.10']]]);
  t.same(hostAddresses(c, 'PEER.example.net'), ['192.0.2.9', '192.0.2.10']);
  t.same(hostAddresses(c, '192.0.2.77'), ['192.0.2.77'], 'a literal address stands for itself');
  t.same(hostNames(c, '192.0.2.10'), ['peer.example.net']);
  t.same(presharedKeyFor(c, { address: '192.0.2.10' }), { key: c.isakmp.keys[0], via: 'hostname' });
  t.same(presharedKeyFor(c, { address: '203.0.113.5', fqdn: 'peer.example.net' }), { key: c.isakmp.keys[0], via: 'hostname' }, 'by FQDN ID');
  t.equal(presharedKeyFor(c, { address: '203.0.113.5' }), undefined, 'unknown address, no ID');
});

t.test('an address key is preferred to a hostname key for the same peer', async (t) => {
  const c = configWith([['byname', hostname('peer.example.net')], ['byaddr', address('192.0.2.9')]], [['peer.example.net', ['192.0.2.9']]]);
  t.equal(presharedKeyFor(c, { address: '192.0.2.9' })?.key.key, 'byaddr');
  t.equal(presharedKeyFor(c, { address: '192.0.2.9', fqdn: 'peer.example.net' })?.key.key, 'byname', 'but an FQDN ID names its key');
});

t.test('mode choice: main by default, aggressive when only a hostname key exists', async (t) => {
  const both = configWith([['a', address('192.0.2.9')], ['h', hostname('peer')]], [['peer', ['192.0.2.9']]]);
  t.equal(phase1Plan(both, '192.0.2.9').mode, 'main');
  const named = configWith([['h', hostname('peer')]], [['peer', ['192.0.2.9']]]);
  t.equal(phase1Plan(named, '192.0.2.9').mode, 'aggressive');
  t.equal(phase1Plan(named, '192.0.2.9').key?.via, 'hostname');
  const none = configWith([]);
  t.same(phase1Plan(none, '192.0.2.9'), { mode: 'main', key: undefined });
});

t.test('our identity per crypto isakmp identity', async (t) => {
  const c = emptyConfig();
  c.hostname = 'GwA';
  t.same(localIdentity(c, '192.0.2.1'), { idType: IdType.IPV4_ADDR, address: '192.0.2.1' });
  c.isakmp.identity = 'hostname';
  t.same(localIdentity(c, '192.0.2.1'), { idType: IdType.FQDN, name: 'GwA' }, 'no domain: the hostname alone');
  c.domainName = 'example.net';
  t.same(localIdentity(c, '192.0.2.1'), { idType: IdType.FQDN, name: 'GwA.example.net' });
  c.isakmp.identity = 'dn';
  t.same(localIdentity(c, '192.0.2.1'), { idType: IdType.IPV4_ADDR, address: '192.0.2.1' }, 'dn needs a certificate: address');
});

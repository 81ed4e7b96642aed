/**
 * Whole configurations: every command family together, the seeds' example configurations
 * (seed 002's Mode Configuration example, seed 000's IKE policy examples), rendered by
 * show running-config, loaded back into a fresh router, saved and read again.
 */
import t from 'tap';
import { readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { configure, freshRouter, roundTrip, runningConfig, show } from './helpers/config';
import { TABLE } from './helpers/router';
import { loadConfigText } from '../src/cli/config-loader';
import { generateRsaKeyPair } from '../src/keys/rsa-keygen';

/** Seed 002's "Configuration Example", as printed (no indentation, blank separators). */
const SEED_002 = `crypto isakmp client configuration address-pool local ire

crypto ipsec transform-set pc esp-des esp-md5-hmac

crypto dynamic-map dyn 10
set transform-set pc
match address 103

crypto map dyn client configuration address initiate
crypto map dyn client configuration address respond
crypto map dyn 10 ipsec-isakmp dynamic dyn

interface Ethernet1/0
ip address 172.21.230.34 255.255.255.224
crypto map dyn

ip local pool ire 171.72.1.1 171.72.1.254

access-list 103 permit ip host 172.21.230.34 171.72.1.0 0.0.0.255
`;

const SEED_002_RENDERED = `!
version 0.1.0
!
hostname Router
!
crypto isakmp client configuration address-pool local ire
!
crypto ipsec transform-set pc esp-des esp-md5-hmac
!
crypto dynamic-map dyn 10
 set transform-set pc
 match address 103
!
crypto map dyn client configuration address initiate
crypto map dyn client configuration address respond
crypto map dyn 10 ipsec-isakmp dynamic dyn
!
interface IFACE
 ip address 172.21.230.34 255.255.255.224
 crypto map dyn
!
ip local pool ire 171.72.1.1 171.72.1.254
!
access-list 103 permit ip host 172.21.230.34 171.72.1.0 0.0.0.255
!
end
`;

for (const iface of ['Ethernet1/0', 'eth0']) {
  t.test(`seed 002 Mode Configuration example (interface ${iface}): loads, renders, round-trips`, async (t) => {
    const r = await freshRouter(t);
    const text = SEED_002.replace('Ethernet1/0', iface);
    t.same(await loadConfigText(r.router, TABLE, text), [], 'every line of the example loads');
    t.strictSame(r.router.config.isakmp.clientAddressPool, 'ire');
    t.strictSame(r.router.config.transformSets, [{ name: 'pc', transforms: [{ name: 'esp-des' }, { name: 'esp-md5-hmac' }], mode: 'tunnel' }]);
    t.strictSame(r.router.config.dynamicMaps, [{ tag: 'dyn', entries: [{ seq: 10, peers: [], transformSets: ['pc'], matchAddress: '103' }] }]);
    t.strictSame(r.router.config.cryptoMaps, [{ tag: 'dyn', entries: [{ seq: 10, dynamicMap: 'dyn', peers: [], transformSets: [] }], clientConfigInitiate: true, clientConfigRespond: true }]);
    t.strictSame(r.router.config.interfaces, [{ name: iface, address: { address: '172.21.230.34', mask: '255.255.255.224' }, cryptoMap: 'dyn' }]);
    t.strictSame(r.router.config.localPools, [{ name: 'ire', start: '171.72.1.1', end: '171.72.1.254' }]);
    t.strictSame(r.router.config.accessLists, {
      103: [{ action: 'permit', protocol: 'ip', source: { kind: 'host', address: '172.21.230.34' }, destination: { kind: 'wildcard', address: '171.72.1.0', wildcard: '0.0.0.255' } }],
    });
    t.equal(await runningConfig(t, r), SEED_002_RENDERED.replace('IFACE', iface));
    await roundTrip(t, r);
    // Typed at the console instead of loaded: the same configuration.
    const typed = await freshRouter(t);
    await configure(t, typed, ...text.split('\n'));
    t.strictSame(typed.router.config, r.router.config, 'typed = loaded');
    t.match(await show(t, r, 'show crypto map'), /Crypto Map "dyn" 10 ipsec-isakmp\n        Dynamic map template tag: dyn\n        Client configuration address: initiate\n        Client configuration address: respond\n        Interfaces using crypto map dyn:\n                /);
  });
}

t.test("seed 000's AES example (a show running-config excerpt): the IKE/IPsec lines load, the rest is reported", async (t) => {
  const r = await freshRouter(t);
  const excerpt = `
Current configuration : 1665 bytes
!
version 12.2
service timestamps debug datetime msec
service timestamps log datetime msec
no service password-encryption
!
hostname "Router1"
!
!
ip subnet-zero
!
!
no ip domain lookup
!
ip audit notify log
ip audit po max-events 100
!
crypto isakmp policy 10
  encryption aes 256
  authentication pre-share
  lifetime 180
crypto isakmp key cisco123 address 10.0.110.1
!
!
crypto ipsec transform-set aasset esp-aes 256 esp-sha-hmac
  mode transport
!
crypto map aesmap 10 ipsec-isakmp
  set peer 10.0.110.1
  set transform-set aasset
  match address 120
!
`;
  const problems = await loadConfigText(r.router, TABLE, excerpt);
  t.same(problems.map((p) => [p.line, p.text]), [
    [2, 'Current configuration : 1665 bytes'],
    [5, 'service timestamps debug datetime msec'],
    [6, 'service timestamps log datetime msec'],
    [7, 'no service password-encryption'],
    [12, 'ip subnet-zero'],
    [15, 'no ip domain lookup'],
    [17, 'ip audit notify log'],
    [18, 'ip audit po max-events 100'],
  ], 'lines outside the product are reported with their numbers; the rest loads');
  for (const p of problems) t.match(p.message, /^% Invalid input detected at '\^' marker\.$/);
  t.equal(await runningConfig(t, r), `!
version 0.1.0
!
hostname Router1
!
crypto isakmp policy 10
 encryption aes 256
 authentication pre-share
 lifetime 180
!
crypto isakmp key cisco123 address 10.0.110.1
!
crypto ipsec transform-set aasset esp-aes 256 esp-sha-hmac
 mode transport
!
crypto map aesmap 10 ipsec-isakmp
 set peer 10.0.110.1
 set transform-set aasset
 match address 120
!
end
`);
  await roundTrip(t, r);
});

/** Every family of configuration commands, with non-default values everywhere. */
async function everything(t: Parameters<typeof freshRouter>[0], card?: string) {
  const r = await freshRouter(t, card ? { card } : {});
  const { publicKey } = await generateRsaKeyPair(512);
  const spki = publicKey.export({ type: 'spki', format: 'der' }).toString('hex').toUpperCase();
  const pkcs1 = (await generateRsaKeyPair(512)).publicKey.export({ type: 'pkcs1', format: 'der' }).toString('hex');
  await configure(
    t, r,
    'hostname vpn-gw1',
    'enable secret s3cret',
    'ip domain name corp.example.com',
    'ip host peer1.corp.example.com 192.0.2.1 192.0.2.2',
    'ip host peer2.corp.example.com 198.51.100.7',
    'no crypto engine accelerator',
    'crypto key generate rsa general-keys modulus 512',
    'crypto key pubkey-chain rsa',
    ' named-key peer1.corp.example.com',
    '  address 192.0.2.1',
    '  key-string', spki.slice(0, 70), spki.slice(70), '  quit',
    ' addressed-key 198.51.100.7 encryption',
    '  key-string', pkcs1, '  quit',
    ' addressed-key 198.51.100.8 signature',
    ' exit',
    'exit',
    // Seed 000's 3DES example, plus every parameter value somewhere.
    'crypto isakmp policy 15', 'encryption 3des', 'hash md5', 'authentication rsa-sig', 'group 2', 'lifetime 5000', 'exit',
    'crypto isakmp policy 20', 'authentication pre-share', 'lifetime 10000', 'exit',
    'crypto isakmp policy 30', 'encryption aes 192', 'hash sha256', 'authentication rsa-encr', 'group 19', 'exit',
    'crypto isakmp policy 40', 'encryption aes 256', 'hash sha384', 'group 24', 'lifetime 60', 'exit',
    'crypto isakmp policy 50', 'encryption aes', 'group 20', 'exit',
    'crypto isakmp policy 10000', 'group 14', 'exit',
    'crypto isakmp policy 1', 'group 16', 'exit',
    'crypto isakmp policy 2', 'group 15', 'exit',
    'crypto isakmp policy 3', 'group 5', 'exit',
    'crypto isakmp key 1234567890 address 192.168.224.33',
    'crypto isakmp key sharedkeystring address 192.168.1.33 no-xauth',
    'crypto isakmp key groupkey address 10.20.0.0 255.255.0.0',
    'crypto isakmp key everyone address 0.0.0.0 0.0.0.0 no-xauth',
    'crypto isakmp key hostkey hostname peer2.corp.example.com no-xauth',
    'crypto isakmp key hostkey2 hostname peer1.corp.example.com',
    'crypto isakmp identity hostname',
    'crypto isakmp client configuration address-pool local ire',
    'no crypto isakmp',
    'crypto ipsec transform-set pc esp-des esp-md5-hmac', 'exit',
    'crypto ipsec transform-set aasset esp-aes 256 esp-sha-hmac', 'mode transport', 'exit',
    'crypto ipsec transform-set ah3 ah-sha-hmac esp-3des esp-sha512-hmac', 'exit',
    'crypto ipsec transform-set gcm esp-gcm 256', 'exit',
    'crypto ipsec transform-set seal esp-seal esp-sha384-hmac', 'mode transport', 'exit',
    'crypto ipsec transform-set null ah-md5-hmac esp-null esp-sha256-hmac', 'exit',
    'crypto ipsec transform-set a192 esp-aes 192', 'exit',
    'access-list 103 permit ip host 172.21.230.34 171.72.1.0 0.0.0.255',
    'access-list 120 permit ip 10.0.0.77 0.0.0.255 10.1.0.0 0.0.255.255',
    'access-list 120 deny ip any any',
    'access-list 199 permit ip 10.2.0.0 0.0.255.0 host 10.3.3.3',
    'crypto dynamic-map dyn 10', 'set transform-set pc', 'match address 103', 'exit',
    'crypto dynamic-map dyn 20', 'set transform-set gcm seal', 'set pfs group20', 'set security-association lifetime kilobytes 2560', 'exit',
    'crypto map dyn client configuration address initiate',
    'crypto map dyn client configuration address respond',
    'crypto map dyn 10 ipsec-isakmp dynamic dyn',
    'crypto map aesmap 10 ipsec-isakmp',
    'set peer 10.0.110.1', 'set peer peer1.corp.example.com', 'set transform-set aasset ah3 pc gcm seal null',
    'match address 120', 'set pfs', 'set security-association lifetime seconds 86400', 'set security-association lifetime kilobytes 4194303', 'exit',
    'crypto map aesmap 20 ipsec-isakmp', 'set peer 10.0.110.2', 'set pfs group24', 'match address 199', 'set transform-set a192', 'exit',
    'crypto map aesmap 65535 ipsec-isakmp', 'exit',
    'crypto map resp client configuration address respond',
    'interface Ethernet1/0', 'ip address 172.21.230.34 255.255.255.224', 'crypto map dyn', 'exit',
    'interface eth1', 'ip address 10.0.110.254 255.255.255.0', 'crypto map aesmap', 'exit',
    'interface lo0', 'ip address 10.255.255.1 255.255.255.255', 'exit',
    'interface eth9', 'exit',
    'ip local pool ire 171.72.1.1 171.72.1.254',
    'ip local pool small 10.9.9.9 10.9.9.9',
    'crypto engine accelerator',
  );
  return r;
}

t.test('everything together: rendering is stable and loads back deep-equal', async (t) => {
  const r = await everything(t);
  const { text, copy } = await roundTrip(t, r);
  t.match(text, /^hostname vpn-gw1$/m);
  t.match(text, /^enable secret 9 \$9\$/m, 'the secret as a hash only');
  t.notMatch(text, /s3cret/);
  t.notMatch(text, /crypto engine accelerator/, 'back on: the default is not written');
  t.notMatch(text, /BEGIN|PRIVATE/);
  // Sections in dependency order: what a line refers to is defined above it, except the
  // names IOS also allows forward (access lists, pools, dynamic maps).
  const at = (s: string): number => text.indexOf(s);
  t.ok(at('crypto ipsec transform-set') < at('crypto dynamic-map'), 'transform sets before the maps using them');
  t.ok(at('crypto dynamic-map dyn 10') < at('crypto map dyn 10 ipsec-isakmp dynamic dyn'));
  t.ok(at('crypto map aesmap 10') < at('interface eth1'));
  t.ok(at('ip domain name') < at('crypto key pubkey-chain rsa'));
  // A second generation through the copy renders the same bytes.
  const again = await roundTrip(t, copy);
  t.equal(again.text, text, 'render(load(render(c))) = render(c)');
  // The same for the shows that read the whole configuration.
  for (const cmd of ['show crypto isakmp policy', 'show crypto ipsec transform-set', 'show crypto map', 'show crypto dynamic-map',
    'show access-lists', 'show crypto key pubkey-chain rsa', 'show ip local pool']) {
    t.equal(await show(t, copy, cmd), await show(t, r, cmd), `${cmd} identical after reload`);
  }
});

t.test('everything together with a virtio-crypto card and the accelerator off, then on', async (t) => {
  const r = await everything(t, 'virtio-crypto');
  const policies = await show(t, r, 'show crypto isakmp policy');
  const warned = policies.split('\n').filter((l) => l.startsWith('WARNING')).map((l) => Number(/policy (\d+)$/.exec(l)?.[1]));
  t.same(warned, [1, 2, 3, 15, 20, 10000], 'the DES and 3DES policies, not the AES ones (30, 40, 50)');
  await configure(t, r, 'no crypto engine accelerator');
  t.notMatch(await show(t, r, 'show crypto isakmp policy'), /WARNING/);
  const { text } = await roundTrip(t, r, { card: 'virtio-crypto' });
  t.match(text, /^no crypto engine accelerator$/m);
});

t.test('write memory, show startup-config, and a boot from the saved file', async (t) => {
  const r = await everything(t);
  const res = await r.run('write memory');
  t.ok(res.ok);
  t.equal(res.output, 'Building configuration...\n[OK]\n');
  const file = path.join(r.dir, 'startup-config');
  t.equal(statSync(file).mode & 0o777, 0o600, 'startup-config holds keys: mode 0600');
  const saved = readFileSync(file, 'utf8');
  t.equal(saved, await runningConfig(t, r), 'startup-config = running-config');
  const shown = await show(t, r, 'show startup-config');
  t.equal(shown, `Using ${Buffer.byteLength(saved)} out of 262144 bytes\n${saved}`);
  const booted = await freshRouter(t);
  t.same(await loadConfigText(booted.router, TABLE, saved), []);
  t.strictSame(booted.router.config, r.router.config, 'booted configuration = saved configuration');
  const copied = await r.run('copy running-config startup-config');
  t.ok(copied.ok);
  t.equal(readFileSync(file, 'utf8'), saved, 'copy writes the same file');
});

t.test('loading the same configuration twice changes nothing (idempotent)', async (t) => {
  const r = await everything(t);
  const text = await runningConfig(t, r);
  const before = JSON.stringify(r.router.config);
  const problems = await loadConfigText(r.router, TABLE, text);
  t.same(problems, []);
  t.equal(JSON.stringify(r.router.config), before);
});

t.test('an empty router renders the minimal configuration, which loads back', async (t) => {
  const r = await freshRouter(t);
  t.equal(await runningConfig(t, r), '!\nversion 0.1.0\n!\nhostname Router\n!\nend\n');
  await roundTrip(t, r);
});

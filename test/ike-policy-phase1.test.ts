import t from 'tap';
import { emptyConfig, type Config, type IsakmpPolicy } from '../src/config/model';
import { cardProfile } from '../src/hw/card-profiles';
import { EngineRegistry } from '../src/hw/engine-registry';
import {
  acceptedSuite, chooseSuite, protectionSuites, readSuiteTransform, suiteTransform, unusableReason, usableSuites,
  type ProtectionSuite,
} from '../src/ike/policy';
import { basicAttribute, IkeAttribute, IsakmpTransformId, LifeType, numberAttribute, type Transform } from '../src/ike/wire';

const software = new EngineRegistry();

function policy(priority: number, p: Partial<IsakmpPolicy> = {}): IsakmpPolicy {
  return { priority, encryption: 'aes128', hash: 'sha1', authentication: 'pre-share', group: 14, lifetime: 86400, ...p };
}

function configWith(...policies: IsakmpPolicy[]): Config {
  const c = emptyConfig();
  c.isakmp.policies = policies;
  return c;
}

function offered(...suites: Array<Partial<IsakmpPolicy>>): Transform[] {
  return suites.map((s, i) => suiteTransform(i + 1, policy(0, s)));
}

t.test('suites: configured policies by priority, the default suite last', async (t) => {
  const c = configWith(policy(20, { encryption: '3des' }), policy(5, { hash: 'md5' }));
  const suites = protectionSuites(c);
  t.same(suites.map((s) => s.priority), [5, 20, 'default']);
  t.same(suites[2], { priority: 'default', encryption: 'des', hash: 'sha1', authentication: 'rsa-sig', group: 1, lifetime: 86400 });
});

t.test('unusable suites: no companion configuration, no engine support', async (t) => {
  const cases: Array<[string, Partial<IsakmpPolicy>, boolean, string | undefined]> = [
    ['pre-share with a key', {}, true, undefined],
    ['pre-share without a key', {}, false, 'no pre-shared key for the peer'],
    ['rsa-sig', { authentication: 'rsa-sig' }, true, 'authentication rsa-sig is not available'],
    ['rsa-encr', { authentication: 'rsa-encr' }, true, 'authentication rsa-encr is not available'],
  ];
  for (const [name, p, key, reason] of cases) t.equal(unusableReason(policy(1, p), software, key), reason, name);
  const virtio = new EngineRegistry();
  virtio.insertCard(cardProfile('virtio-crypto'));
  t.match(unusableReason(policy(1, { encryption: 'des' }), virtio, true), /cannot do des/);
  t.match(unusableReason(policy(1, { encryption: '3des' }), virtio, true), /cannot do 3des/);
  t.equal(unusableReason(policy(1, { encryption: 'aes256' }), virtio, true), undefined, 'AES stays');
  const noGroup = { canEncrypt: () => true, canHash: (h: string) => h !== 'md5', canDh: (g: number) => g !== 5 };
  t.match(unusableReason(policy(1, { hash: 'md5' }), noGroup, true), /cannot do md5/);
  t.match(unusableReason(policy(1, { group: 5 }), noGroup, true), /DH group 5/);
});

t.test('usable suites keep priority order and drop the default rsa-sig suite', async (t) => {
  const c = configWith(policy(30, { authentication: 'rsa-sig' }), policy(10), policy(20, { encryption: 'aes256' }));
  t.same(usableSuites(c, software, true).map((s) => s.priority), [10, 20]);
  t.same(usableSuites(c, software, false), []);
});

t.test('transforms: every suite encodes and reads back', async (t) => {
  for (const encryption of ['des', '3des', 'aes128', 'aes192', 'aes256'] as const) {
    for (const hash of ['md5', 'sha1', 'sha256', 'sha384'] as const) {
      for (const group of [1, 2, 5, 14, 15, 16, 19, 20, 24] as const) {
        const p = policy(1, { encryption, hash, group, lifetime: 100000 });
        const { priority: _p, ...params } = p;
        t.same(readSuiteTransform(suiteTransform(3, p)), params, `${encryption}/${hash}/${group}`);
      }
    }
  }
  const aes = suiteTransform(1, policy(1));
  t.same(aes.attributes.map((a) => a.type), [
    IkeAttribute.ENCRYPTION_ALGORITHM, IkeAttribute.KEY_LENGTH, IkeAttribute.HASH_ALGORITHM, IkeAttribute.AUTHENTICATION_METHOD,
    IkeAttribute.GROUP_DESCRIPTION, IkeAttribute.LIFE_TYPE, IkeAttribute.LIFE_DURATION,
  ], 'RFC 2409 appendix A attributes, AES with its key length');
  t.equal(aes.attributes[6].format, 'variable', '86400 needs a variable-length duration');
});

t.test('transforms this gateway cannot honour read as undefined', async (t) => {
  const base = suiteTransform(1, policy(1)).attributes;
  const withAttr = (extra: ReturnType<typeof basicAttribute>): Transform => ({ number: 1, transformId: IsakmpTransformId.KEY_IKE, attributes: [...base, extra] });
  t.equal(readSuiteTransform(withAttr(basicAttribute(IkeAttribute.PRF, 1))), undefined, 'PRF attribute');
  t.equal(readSuiteTransform({ number: 1, transformId: 2, attributes: base }), undefined, 'not KEY_IKE');
  const xauth = base.map((a) => (a.type === IkeAttribute.AUTHENTICATION_METHOD ? basicAttribute(a.type, 65001) : a));
  t.equal(readSuiteTransform({ number: 1, transformId: 1, attributes: xauth }), undefined, 'XAUTH method');
  const group3 = base.map((a) => (a.type === IkeAttribute.GROUP_DESCRIPTION ? basicAttribute(a.type, 3) : a));
  t.equal(readSuiteTransform({ number: 1, transformId: 1, attributes: group3 }), undefined, 'EC2N group');
  const volume = { number: 1, transformId: 1, attributes: [...base.slice(0, 5), basicAttribute(IkeAttribute.LIFE_TYPE, LifeType.KILOBYTES), numberAttribute(IkeAttribute.LIFE_DURATION, 1000)] };
  t.equal(readSuiteTransform(volume)?.lifetime, undefined, 'a volume lifetime is no time limit');
  const noKeyLength = base.filter((a) => a.type !== IkeAttribute.KEY_LENGTH);
  t.equal(readSuiteTransform({ number: 1, transformId: 1, attributes: noKeyLength })?.encryption, 'aes128', 'AES without a key length is AES-128');
});

t.test('responder matching follows the seed', async (t) => {
  const own = (...ps: IsakmpPolicy[]): ProtectionSuite[] => usableSuites(configWith(...ps), software, true);
  const cases: Array<{ name: string; own: IsakmpPolicy[]; offer: Array<Partial<IsakmpPolicy>>; priority?: number; transform?: number; lifetime?: number }> = [
    { name: 'identical', own: [policy(10)], offer: [{}], priority: 10, transform: 1, lifetime: 86400 },
    { name: 'our priority order decides, not the offer order', own: [policy(10, { hash: 'md5' }), policy(20)], offer: [{}, { hash: 'md5' }], priority: 10, transform: 2 },
    { name: 'shorter own lifetime matches and is used', own: [policy(10, { lifetime: 3600 })], offer: [{ lifetime: 7200 }], priority: 10, lifetime: 3600 },
    { name: 'longer own lifetime does not match', own: [policy(10, { lifetime: 7200 })], offer: [{ lifetime: 3600 }] },
    { name: 'a longer own lifetime falls through to the next policy', own: [policy(10, { lifetime: 7200 }), policy(20, { lifetime: 600 })], offer: [{ lifetime: 3600 }], priority: 20, lifetime: 600 },
    { name: 'encryption differs', own: [policy(10, { encryption: 'aes256' })], offer: [{}] },
    { name: 'hash differs', own: [policy(10, { hash: 'sha256' })], offer: [{}] },
    { name: 'group differs', own: [policy(10, { group: 2 })], offer: [{}] },
    { name: 'AES key size differs', own: [policy(10, { encryption: 'aes192' })], offer: [{ encryption: 'aes128' }] },
  ];
  for (const c of cases) {
    const choice = chooseSuite(own(...c.own), offered(...c.offer));
    if (c.priority === undefined) {
      t.equal(choice, undefined, c.name);
      continue;
    }
    t.equal(choice?.suite.priority, c.priority, `${c.name}: policy`);
    if (c.transform !== undefined) t.equal(choice?.transform.number, c.transform, `${c.name}: transform`);
    if (c.lifetime !== undefined) t.equal(choice?.suite.lifetime, c.lifetime, `${c.name}: lifetime`);
  }
});

t.test('initiator accepts only what it offered, with the shorter lifetime', async (t) => {
  const ours = usableSuites(configWith(policy(10, { lifetime: 86400 }), policy(20, { encryption: 'aes256' })), software, true);
  t.equal(acceptedSuite(ours, suiteTransform(1, policy(0, { lifetime: 3600 })))?.lifetime, 3600);
  t.equal(acceptedSuite(ours, suiteTransform(1, policy(0, { encryption: 'aes256' })))?.priority, 20);
  t.equal(acceptedSuite(ours, suiteTransform(1, policy(0, { encryption: '3des' }))), undefined);
});

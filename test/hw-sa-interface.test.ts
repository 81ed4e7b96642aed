/**
 * The kernel SA interface as a capability (src/hw/sa-interface.ts): with PF_KEY, whose
 * SADB_AALG_SHA2_256 the kernel truncates to 96 bits, esp-sha256-hmac (128-bit ICV, RFC 4868)
 * cannot be installed, and Linux's af_key has no AEAD for esp-gcm. Such transforms draw a
 * warning at config entry and at boot, and Quick Mode neither offers nor accepts them, as with
 * a cipher the crypto card cannot do. The capability is PfkeyBackend's own method, used
 * without opening a PF_KEY socket; the SAs go to in-memory backends
 * (test/helpers/key-manager-pair).
 */
import t from 'tap';
import { hardwareWarnings } from '../src/config/hardware-warnings';
import { emptyConfig } from '../src/config/model';
import { EngineRegistry } from '../src/hw/engine-registry';
import { transformAlgorithms, type SaInterface } from '../src/hw/sa-interface';
import { PfkeyBackend } from '../src/kernel/pfkey-backend';
import { offerOf } from './helpers/ike-exchange-harness';
import { keyManagerPair, renegotiateAtoB, type Pair } from './helpers/key-manager-pair';
import { testRouter } from './helpers/router';

const PFKEY: SaInterface = { kind: 'pfkey', algorithmProblem: PfkeyBackend.prototype.algorithmProblem };
const XFRM: SaInterface = { kind: 'xfrm' };
const SHA2_WARNING = 'WARNING:kernel SA interface PF_KEY does not support transform esp-sha256-hmac within IPSec transform set SHA2';

function registry(backend?: SaInterface): EngineRegistry {
  const hw = new EngineRegistry();
  if (backend) hw.useSaInterface(backend);
  return hw;
}

const SETS = [
  { name: 'SHA2', transforms: [{ name: 'esp-aes' as const, keyBits: 256 }, { name: 'esp-sha256-hmac' as const }] },
  { name: 'SHA1', transforms: [{ name: 'esp-aes' as const, keyBits: 256 }, { name: 'esp-sha-hmac' as const }] },
];

/** Negotiates a fresh IPsec SA from A to B; resolves with the integrity of A's outbound SA. */
async function negotiate(pair: Pair): Promise<string | undefined> {
  const integrity = (await renegotiateAtoB(pair))?.integrity;
  return integrity && `${integrity.name}-${integrity.truncationBits}`;
}

t.test('transforms as the kernel receives them', async (t) => {
  t.same(transformAlgorithms({ name: 'esp-sha256-hmac' }), { integrity: { name: 'hmac(sha256)', truncationBits: 128 } });
  t.same(transformAlgorithms({ name: 'ah-sha-hmac' }), { integrity: { name: 'hmac(sha1)', truncationBits: 96 } });
  t.same(transformAlgorithms({ name: 'esp-aes', keyBits: 192 }), { encryption: { name: 'cbc(aes)' } });
  t.same(transformAlgorithms({ name: 'esp-gcm', keyBits: 256 }), { encryption: { name: 'rfc4106(gcm(aes))', icvBits: 128 } });
  t.same(transformAlgorithms({ name: 'esp-seal' }), {}, 'no kernel has SEAL: nothing to ask the backend about');
});

t.test('what each SA interface can install', async (t) => {
  const pfkey = registry(PFKEY);
  t.notOk(pfkey.canInstall({ name: 'esp-sha256-hmac' }), 'PF_KEY: not esp-sha256-hmac (96-bit ICV there)');
  t.notOk(pfkey.canInstall({ name: 'esp-gcm', keyBits: 128 }), 'PF_KEY: not esp-gcm (no AEAD in af_key)');
  for (const name of ['esp-md5-hmac', 'esp-sha-hmac', 'esp-sha384-hmac', 'esp-sha512-hmac', 'ah-sha-hmac', 'esp-3des', 'esp-null'] as const) {
    t.ok(pfkey.canInstall({ name }), `PF_KEY: ${name}`);
  }
  t.ok(pfkey.canInstall({ name: 'esp-aes', keyBits: 256 }), 'PF_KEY: esp-aes 256');
  t.equal(pfkey.refusingSaInterface({ name: 'esp-sha256-hmac' }), 'PF_KEY', 'named for the warning');
  for (const hw of [registry(XFRM), registry()]) {
    t.ok(hw.canInstall({ name: 'esp-sha256-hmac' }) && hw.canInstall({ name: 'esp-gcm', keyBits: 256 }), 'XFRM, or no kernel: everything');
    t.equal(hw.refusingSaInterface({ name: 'esp-sha256-hmac' }), undefined);
  }
});

t.test('the warning at boot (the configuration scan) and at config entry', async (t) => {
  const config = emptyConfig();
  config.transformSets = SETS.map((s) => ({ ...s, transforms: [...s.transforms], mode: 'tunnel' as const }));
  t.same(hardwareWarnings(config, registry(PFKEY)), [SHA2_WARNING], 'one warning, for the one transform PF_KEY cannot carry');
  t.same(hardwareWarnings(config, registry(XFRM)), [], 'none with XFRM');

  const r = await testRouter();
  r.hw.useSaInterface(PFKEY);
  const entered = await r.run('configure terminal', 'crypto ipsec transform-set SHA2 esp-aes 256 esp-sha256-hmac', 'exit', 'crypto ipsec transform-set SHA1 esp-aes 256 esp-sha-hmac', 'end');
  t.ok(entered.ok, 'the transform sets are accepted (kept, not negotiated)', { output: entered.output });
  t.equal(entered.output.split('\n').filter((l) => l.startsWith('WARNING')).join('\n'), SHA2_WARNING, 'the warning when the set is entered');
  t.match((await r.run('show running-config')).output, /^crypto ipsec transform-set SHA2 esp-aes 256 esp-sha256-hmac/m, 'and the set is in the configuration');
});

t.test('Quick Mode over PF_KEY neither offers nor accepts esp-sha256-hmac', async (t) => {
  const offering = await keyManagerPair({ a: { transformSets: SETS, engine: registry(PFKEY) }, b: { transformSets: SETS, engine: registry(XFRM) } });
  t.teardown(() => offering.close());
  t.same(offerOf(offering.a.gw).proposals.map((p) => p.transformSet), ['SHA1'], 'the PF_KEY side offers only SHA1');
  t.equal(await negotiate(offering), 'hmac(sha1)-96', 'and the SA is HMAC-SHA1-96');

  const accepting = await keyManagerPair({ a: { transformSets: SETS, engine: registry(XFRM) }, b: { transformSets: SETS, engine: registry(PFKEY) } });
  t.teardown(() => accepting.close());
  t.same(offerOf(accepting.a.gw).proposals.map((p) => p.transformSet), ['SHA2', 'SHA1'], 'the XFRM side offers SHA2 first');
  t.equal(await negotiate(accepting), 'hmac(sha1)-96', 'the PF_KEY side passes over SHA2 and takes SHA1');

  const both = await keyManagerPair({ a: { transformSets: SETS, engine: registry(XFRM) }, b: { transformSets: SETS, engine: registry(XFRM) } });
  t.teardown(() => both.close());
  t.equal(await negotiate(both), 'hmac(sha256)-128', 'two XFRM sides settle on SHA2 (the case above is the backend\'s doing)');
});

/**
 * A card found by kernel discovery (--card auto, here over a fake kernel) changes what IKE
 * negotiates while it is the active accelerator: with the virtio-crypto card hot-plugged, the
 * transform set with esp-3des is no longer offered and the next Quick Mode settles on AES;
 * unplugged, 3DES is offered again. Two in-process key managers (test/helpers/key-manager-pair).
 */
import t from 'tap';
import { EngineRegistry } from '../src/hw/engine-registry';
import { KernelCryptoDiscovery, SETTLE_READS_MS } from '../src/hw/kernel-crypto-discovery';
import { offerOf } from './helpers/ike-exchange-harness';
import { FakeCryptoSource } from './helpers/fake-crypto-source';
import { keyManagerPair, renegotiateAtoB, type Pair } from './helpers/key-manager-pair';

const SETS = [
  { name: 'LEGACY', transforms: [{ name: 'esp-3des' as const }, { name: 'esp-sha-hmac' as const }] },
  { name: 'MODERN', transforms: [{ name: 'esp-aes' as const, keyBits: 256 }, { name: 'esp-sha-hmac' as const }] },
];

/** Negotiates a fresh IPsec SA from A to B; resolves with its cipher. */
async function negotiate(pair: Pair): Promise<string | undefined> {
  return (await renegotiateAtoB(pair))?.encryption?.name;
}

t.test('a hot-plugged card takes esp-3des out of the offer; unplugged it comes back', async (t) => {
  const hw = new EngineRegistry();
  const source = new FakeCryptoSource(false);
  const pair = await keyManagerPair({ a: { transformSets: SETS, engine: hw }, b: { transformSets: SETS } });
  t.teardown(() => pair.close());
  const discovery = new KernelCryptoDiscovery(hw, source, { clock: pair.clock });
  await discovery.start();
  t.teardown(() => discovery.close());
  const offered = (): string[] => offerOf(pair.a.gw).proposals.map((p) => p.transformSet);

  t.same(offered(), ['LEGACY', 'MODERN'], 'no card: both sets offered, LEGACY first');
  t.equal(await negotiate(pair), 'cbc(des3_ede)', 'and B takes the first: 3DES');

  source.plug();
  pair.clock.advance(SETTLE_READS_MS[0]!);
  await new Promise((r) => setImmediate(r));
  t.equal(hw.activeEngine().driver, 'virtio_crypto', 'the card is the active engine');
  t.same(offered(), ['MODERN'], 'with the card: LEGACY (esp-3des) is not offered');
  t.equal(await negotiate(pair), 'cbc(aes)', 'the next Quick Mode settles on AES');

  source.unplug();
  pair.clock.advance(SETTLE_READS_MS[0]!);
  await new Promise((r) => setImmediate(r));
  t.equal(hw.activeEngine().id, 'software');
  t.equal(await negotiate(pair), 'cbc(des3_ede)', 'card gone: 3DES again');
});

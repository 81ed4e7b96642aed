import t, { type Test } from 'tap';
import { DH_GROUPS } from '../src/config/algorithms';
import { ALL_CIPHERS, ALL_HASHES, CAPABILITY_CLASSES, type CryptoEngine } from '../src/hw/engine';
import { EngineRegistry } from '../src/hw/engine-registry';
import { cardProfile } from '../src/hw/card-profiles';

function answersEverything(t: Test, reg: EngineRegistry): void {
  t.ok(ALL_CIPHERS.every((c) => reg.canEncrypt(c)), 'every cipher');
  t.ok(ALL_HASHES.every((h) => reg.canHash(h)), 'every HMAC');
  t.ok(DH_GROUPS.every((g) => reg.canDh(g)), 'every DH group');
  t.ok(reg.canAsymmetric('rsa') && reg.canAsymmetric('ecdsa'), 'RSA and ECDSA');
  t.ok(CAPABILITY_CLASSES.every((cls) => reg.engineFor(cls) === reg.software), 'all classes on software');
}

function record(reg: EngineRegistry): string[] {
  const events: string[] = [];
  reg.on('card-inserted', (e) => events.push(`card-inserted ${e.id}`));
  reg.on('card-removed', (e) => events.push(`card-removed ${e.id}`));
  reg.on('changed', (e) => events.push(`changed ${e.id}`));
  return events;
}

t.test('no card: the software engine answers everything', async (t) => {
  const reg = new EngineRegistry();
  t.equal(reg.activeEngine(), reg.software);
  t.equal(reg.software.kind, 'software');
  t.same(reg.engines(), [reg.software]);
  t.equal(reg.isAcceleratorEnabled(), true, 'accelerator on by default');
  answersEverything(t, reg);
});

t.test('virtio-crypto card present', async (t) => {
  const reg = new EngineRegistry();
  const card = cardProfile('virtio-crypto');
  reg.insertCard(card);
  t.equal(reg.activeEngine(), card);
  t.same(reg.engines(), [reg.software, card]);
  t.ok(reg.canEncrypt('cbc(aes)-128') && reg.canEncrypt('cbc(aes)-192') && reg.canEncrypt('cbc(aes)-256'), 'AES-CBC on the card');
  for (const cap of ['cbc(des)-56', 'cbc(des3_ede)-168', 'gcm(aes)-128', 'gcm(aes)-256', 'seal-160'] as const) {
    t.notOk(reg.canEncrypt(cap), `${cap} unsupported by the card`);
  }
  t.equal(reg.engineFor('cipher'), card);
  t.ok(ALL_HASHES.every((h) => reg.canHash(h)), 'no HMAC on the card: HMAC stays on software');
  t.ok(DH_GROUPS.every((g) => reg.canDh(g)), 'no DH on the card: DH stays on software');
  t.equal(reg.engineFor('hash'), reg.software);
  t.equal(reg.engineFor('dh'), reg.software);
  t.equal(reg.engineFor('asymmetric'), card);
  t.ok(reg.canAsymmetric('rsa'));
  t.notOk(reg.canAsymmetric('ecdsa'), 'the card offers public key work, and only RSA');
});

t.test('accelerator switched off and on', async (t) => {
  const reg = new EngineRegistry();
  const card = cardProfile('virtio-crypto');
  reg.insertCard(card);
  const events = record(reg);
  reg.setAcceleratorEnabled(false);
  t.equal(reg.isAcceleratorEnabled(), false);
  t.equal(reg.activeEngine(), reg.software);
  t.same(reg.engines(), [reg.software, card], 'the card is still listed');
  answersEverything(t, reg);
  reg.setAcceleratorEnabled(false);
  t.same(events, ['changed software'], 'no event when nothing changes');
  reg.setAcceleratorEnabled(true);
  t.same(events, ['changed software', 'changed virtio_crypto']);
  t.notOk(reg.canEncrypt('cbc(des)-56'));
});

t.test('card removed', async (t) => {
  const reg = new EngineRegistry();
  reg.insertCard(cardProfile('virtio-crypto'));
  const events = record(reg);
  t.equal(reg.removeCard('nope'), undefined);
  t.same(events, [], 'removing an absent card emits nothing');
  t.equal(reg.removeCard('virtio_crypto')?.id, 'virtio_crypto');
  t.same(events, ['card-removed virtio_crypto', 'changed software']);
  t.same(reg.engines(), [reg.software]);
  answersEverything(t, reg);
});

t.test('insertion events and their order', async (t) => {
  const reg = new EngineRegistry();
  const seen: CryptoEngine[] = [];
  const events = record(reg);
  reg.on('card-inserted', (e) => seen.push(e));
  const card = cardProfile('virtio-crypto');
  reg.insertCard(card);
  t.same(events, ['card-inserted virtio_crypto', 'changed virtio_crypto']);
  t.equal(seen[0], card, 'listener gets the engine itself');
});

t.test('second card is standby; bad insertions are refused', async (t) => {
  const reg = new EngineRegistry();
  const first = cardProfile('virtio-crypto');
  const second: CryptoEngine = {
    ...first, id: 'acme_crypto', name: 'acme', ciphers: new Set(['cbc(des)-56']),
  };
  reg.insertCard(first);
  reg.insertCard(second);
  t.equal(reg.activeEngine(), first);
  t.notOk(reg.canEncrypt('cbc(des)-56'), 'standby card is not consulted');
  reg.removeCard(first.id);
  t.equal(reg.activeEngine(), second, 'next card takes over');
  t.ok(reg.canEncrypt('cbc(des)-56'));
  t.throws(() => reg.insertCard(second), /already inserted/);
  t.throws(() => reg.insertCard({ ...reg.software, id: 'cpu2' }), /not a hardware card/);
});

import t from 'tap';
import { CARD_PROFILE_NAMES, cardProfile } from '../src/hw/card-profiles';

t.test('virtio-crypto profile', async (t) => {
  t.same(CARD_PROFILE_NAMES, ['virtio-crypto']);
  const card = cardProfile('virtio-crypto');
  t.equal(card.kind, 'hardware');
  t.equal(card.driver, 'virtio_crypto');
  t.equal(card.location, 'card profile virtio-crypto');
  t.same([...card.ciphers], ['cbc(aes)-128', 'cbc(aes)-192', 'cbc(aes)-256'], 'AES-CBC only: no DES, 3DES, GCM or SEAL');
  t.equal(card.hashes.size, 0, 'no HMAC');
  t.equal(card.dhGroups.size, 0, 'no DH');
  t.same([...card.asymmetric], ['rsa']);
  t.not(cardProfile('virtio-crypto'), card, 'each lookup is a fresh engine');
});

t.test('unknown profile names the valid ones', async (t) => {
  t.throws(() => cardProfile('cavium'), { message: 'unknown card profile "cavium" (valid: virtio-crypto)' });
  t.throws(() => cardProfile('toString'), /unknown card profile "toString"/, 'no prototype lookups');
});

import t from 'tap';
import type { AhTransform, EspAuthTransform, EspCipherTransform } from '../src/config/algorithms';
import { encryptionKeyLength, integrityKeyLength, type EspCipher, type IpsecIntegrity } from '../src/ike/crypto/keymat';
import { CIPHER_KEY_BITS, INTEGRITY_KEY_BITS, kernelCipher, kernelIntegrity } from '../src/kernel/kernel-algorithms';

t.test('ESP ciphers', async (t) => {
  const cases: Array<[EspCipherTransform, number | undefined, ReturnType<typeof kernelCipher>, EspCipher | undefined]> = [
    ['esp-des', undefined, { name: 'cbc(des)', keyBits: 64 }, 'des'],
    ['esp-3des', undefined, { name: 'cbc(des3_ede)', keyBits: 192 }, '3des'],
    ['esp-aes', undefined, { name: 'cbc(aes)', keyBits: 128 }, 'aes-cbc'],
    ['esp-aes', 192, { name: 'cbc(aes)', keyBits: 192 }, 'aes-cbc'],
    ['esp-aes', 256, { name: 'cbc(aes)', keyBits: 256 }, 'aes-cbc'],
    ['esp-gcm', undefined, { name: 'rfc4106(gcm(aes))', keyBits: 160, icvBits: 128 }, 'aes-gcm'],
    ['esp-gcm', 256, { name: 'rfc4106(gcm(aes))', keyBits: 288, icvBits: 128 }, 'aes-gcm'],
    ['esp-null', undefined, { name: 'ecb(cipher_null)', keyBits: 0 }, 'null'],
    ['esp-seal', undefined, undefined, undefined],
  ];
  for (const [transform, bits, want, keymatCipher] of cases) {
    const got = kernelCipher(transform, bits);
    t.same(got, want, `${transform} ${bits ?? ''}`);
    if (got && keymatCipher) {
      t.equal(got.keyBits, encryptionKeyLength(keymatCipher, bits) * 8, `${transform}: the key KEYMAT supplies`);
      t.ok(CIPHER_KEY_BITS[got.name].includes(got.keyBits), `${transform}: a key size the backends accept`);
    }
  }
});

t.test('ESP cipher key sizes that do not exist are refused', async (t) => {
  t.throws(() => kernelCipher('esp-aes', 512), RangeError);
  t.throws(() => kernelCipher('esp-gcm', 64), RangeError);
  t.throws(() => kernelCipher('esp-3des', 168), RangeError);
});

t.test('integrity', async (t) => {
  const cases: Array<[EspAuthTransform | AhTransform, string, number, IpsecIntegrity]> = [
    ['esp-md5-hmac', 'hmac(md5)', 96, 'hmac-md5'],
    ['ah-md5-hmac', 'hmac(md5)', 96, 'hmac-md5'],
    ['esp-sha-hmac', 'hmac(sha1)', 96, 'hmac-sha1'],
    ['ah-sha-hmac', 'hmac(sha1)', 96, 'hmac-sha1'],
    ['esp-sha256-hmac', 'hmac(sha256)', 128, 'hmac-sha256'],
    ['esp-sha384-hmac', 'hmac(sha384)', 192, 'hmac-sha384'],
    ['esp-sha512-hmac', 'hmac(sha512)', 256, 'hmac-sha512'],
  ];
  for (const [transform, name, truncationBits, keymatName] of cases) {
    const got = kernelIntegrity(transform);
    t.same(got, { name, keyBits: integrityKeyLength(keymatName) * 8, truncationBits }, transform);
    t.equal(INTEGRITY_KEY_BITS[got.name], got.keyBits);
  }
});

import t from 'tap';
import { sign, verify } from 'node:crypto';
import { ecBitsForCurve, EcKeyBits, generateEcKeyPair } from '../src/keys/ec-keygen';

t.test('256 and 384 give P-256 and P-384 pairs that sign', async (t) => {
  for (const [bits, curve] of [[256, 'prime256v1'], [384, 'secp384r1']] as const) {
    const { privateKey, publicKey } = await generateEcKeyPair(bits);
    t.equal(privateKey.asymmetricKeyType, 'ec');
    t.equal(publicKey.asymmetricKeyDetails?.namedCurve, curve);
    t.equal(ecBitsForCurve(privateKey.asymmetricKeyDetails?.namedCurve), bits);
    const data = Buffer.from('ikegate');
    t.ok(verify(bits === 256 ? 'sha256' : 'sha384', data, publicKey, sign(bits === 256 ? 'sha256' : 'sha384', data, privateKey)));
  }
});

t.test('other sizes are refused', async (t) => {
  await t.rejects(generateEcKeyPair(521 as EcKeyBits), RangeError);
  t.equal(ecBitsForCurve('secp521r1'), undefined);
  t.equal(ecBitsForCurve(undefined), undefined);
});

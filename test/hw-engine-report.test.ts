import t from 'tap';
import { EngineRegistry } from '../src/hw/engine-registry';
import { cardProfile } from '../src/hw/card-profiles';
import { renderEngineBrief, renderEngineConfiguration } from '../src/hw/engine-report';

/** The output's blocks (separated by a blank line), each as its lines. */
function blocks(text: string): string[][] {
  t.ok(text.endsWith('\n'), 'output ends with a newline');
  return text.slice(0, -1).split('\n\n').map((b) => b.split('\n'));
}

t.test('brief, software only', async (t) => {
  const reg = new EngineRegistry();
  t.same(blocks(renderEngineBrief(reg)), [[
    'crypto engine name:  Software Crypto Engine',
    'crypto engine type:  software',
    '             State:  Enabled',
    '          Location:  N/A',
    '            Driver:  generic',
    '        Active for:  all',
  ]]);
});

t.test('brief with a virtio-crypto card', async (t) => {
  const reg = new EngineRegistry();
  reg.insertCard(cardProfile('virtio-crypto'));
  const [software, card] = blocks(renderEngineBrief(reg));
  t.ok(software!.includes('        Active for:  HMAC, DH'));
  t.same(card, [
    'crypto engine name:  Virtio Crypto Accelerator',
    'crypto engine type:  hardware',
    '             State:  Enabled',
    '          Location:  card profile virtio-crypto',
    '            Driver:  virtio_crypto',
    '        Active for:  encryption, public key',
  ]);

  reg.setAcceleratorEnabled(false);
  const [software2, card2] = blocks(renderEngineBrief(reg));
  t.ok(software2!.includes('        Active for:  all'));
  t.ok(card2!.includes('             State:  Disabled'));
  t.ok(card2!.includes('        Active for:  none'));
});

t.test('configuration lists what each engine supports', async (t) => {
  const reg = new EngineRegistry();
  reg.insertCard(cardProfile('virtio-crypto'));
  const [software, card] = blocks(renderEngineConfiguration(reg));
  t.same(software!.slice(6), [
    '               DES:  Yes',
    '             3 DES:  Yes',
    '           AES CBC:  Yes (128,192,256)',
    '           AES GCM:  Yes (128,192,256)',
    '              SEAL:  Yes',
    '              HMAC:  MD5, SHA1, SHA256, SHA384',
    '         DH groups:  1, 2, 5, 14, 15, 16, 19, 20, 24',
    '        Public key:  RSA, ECDSA',
  ], 'software: everything, no fallback line');
  t.same(card!.slice(6), [
    '               DES:  No',
    '             3 DES:  No',
    '           AES CBC:  Yes (128,192,256)',
    '           AES GCM:  No',
    '              SEAL:  No',
    '              HMAC:  None',
    '         DH groups:  None',
    '        Public key:  RSA',
    '  Left to software:  HMAC, DH',
  ]);
  t.same(card!.slice(0, 2), ['crypto engine name:  Virtio Crypto Accelerator', 'crypto engine type:  hardware']);
});

t.test('partial key lengths are listed', async (t) => {
  const reg = new EngineRegistry();
  reg.insertCard({ ...cardProfile('virtio-crypto'), ciphers: new Set(['cbc(aes)-128', 'gcm(aes)-256']) });
  const [, card] = blocks(renderEngineConfiguration(reg));
  t.ok(card!.includes('           AES CBC:  Yes (128)'));
  t.ok(card!.includes('           AES GCM:  Yes (256)'));
});

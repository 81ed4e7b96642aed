import t from 'tap';
import { SadError, selectorText } from '../src/kernel/sad-error';

t.test('messages name the operation, the SA or policy, and the errno', async (t) => {
  const cases: Array<[SadError, string]> = [
    [new SadError('addSa', 'EEXIST', 'the SA exists', { sa: { src: '192.0.2.1', dst: '198.51.100.2', proto: 'esp', spi: 0xc0de } }),
      'addSa esp spi 0x0000c0de 192.0.2.1->198.51.100.2: the SA exists (EEXIST)'],
    [new SadError('allocateSpi', 'ENOENT', 'no free SPI in the range', { spiRange: { src: 'a', dst: 'b', proto: 'ah', min: 256, max: 511 } }),
      'allocateSpi ah a->b range 0x100-0x1ff: no free SPI in the range (ENOENT)'],
    [new SadError('deletePolicy', 'ENOENT', 'no such policy', {
      policy: { dir: 'out', selector: { src: { address: '10.1.0.0', prefixLength: 16 }, dst: { address: '10.2.0.0', prefixLength: 16 }, proto: 6, srcPort: 1, dstPort: 443 } },
    }), 'deletePolicy out 10.1.0.0/16 -> 10.2.0.0/16 proto 6 sport 1 dport 443: no such policy (ENOENT)'],
    [new SadError('flushSas', 'EPERM', 'operation not permitted'), 'flushSas: operation not permitted (EPERM)'],
  ];
  for (const [err, message] of cases) {
    t.equal(err.message, message);
    t.equal(err.name, 'SadError');
    t.ok(err instanceof Error);
  }
  t.equal(selectorText({ src: { address: '::', prefixLength: 0 }, dst: { address: '2001:db8::', prefixLength: 32 } }), '::/0 -> 2001:db8::/32');
});

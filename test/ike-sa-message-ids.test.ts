import t from 'tap';
import { UsedMessageIds } from '../src/ike/sa/message-ids';

t.test('used message IDs are remembered, from a few to many (list, then Set)', async (t) => {
  const ids = new UsedMessageIds();
  t.notOk(ids.has(1), 'none at first');
  // IDs span the 32-bit range, past small-integer values.
  const used = Array.from({ length: 40 }, (_, i) => (0x9e3779b9 * (i + 1)) >>> 0);
  for (const [i, id] of used.entries()) {
    ids.add(id);
    ids.add(id);
    t.ok(used.slice(0, i + 1).every((u) => ids.has(u)), `all ${i + 1} added are used`);
    t.notOk(ids.has((id + 1) >>> 0), `${i + 1}: a neighbour is not`);
  }
});

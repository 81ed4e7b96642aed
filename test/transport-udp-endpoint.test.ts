import t from 'tap';
import { bindUdp } from '../src/ike/transport/udp-endpoint';

t.test('datagrams reach an address literal and a name (which goes through dns.lookup)', async (t) => {
  const got: string[] = [];
  let arrived: () => void = () => undefined;
  const both = new Promise<void>((r) => { arrived = r; });
  const receiver = await bindUdp('127.0.0.1', 0, (msg) => {
    got.push(msg.toString());
    if (got.length === 2) arrived();
  });
  const sender = await bindUdp('127.0.0.1', 0, () => undefined);
  t.teardown(async () => {
    await sender.close();
    await receiver.close();
  });
  await sender.send(Buffer.from('literal'), { address: '127.0.0.1', port: receiver.port });
  await sender.send(Buffer.from('name'), { address: 'localhost', port: receiver.port });
  await both;
  t.same(got.sort(), ['literal', 'name']);
  // ENOTFOUND, or EAI_AGAIN where no resolver answers.
  await t.rejects(sender.send(Buffer.from('x'), { address: 'no-such-host.invalid', port: receiver.port }), 'an unknown name fails the send');
});

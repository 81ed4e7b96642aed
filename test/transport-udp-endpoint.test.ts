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

t.test('a datagram to an address literal leaves at once, its prefix in front; a refused one rejects as dgram words it', async (t) => {
  let arrived: (msg: Buffer) => void = () => undefined;
  const got = new Promise<Buffer>((r) => { arrived = r; });
  const receiver = await bindUdp('127.0.0.1', 0, (msg) => arrived(msg));
  const sender = await bindUdp('127.0.0.1', 0, () => undefined);
  t.teardown(async () => {
    await sender.close();
    await receiver.close();
  });
  const to = { address: '127.0.0.1', port: receiver.port };
  t.equal(sender.send(Buffer.from('body'), to, Buffer.from('head:')), undefined, 'no promise: the kernel took it');
  t.equal((await got).toString(), 'head:body', 'one datagram, prefix first');
  // Over the 65,507 octets a UDP/IPv4 datagram can carry: the kernel refuses it at once.
  await t.rejects(sender.send(Buffer.alloc(70_000), to) ?? Promise.resolve(), {
    code: 'EMSGSIZE', syscall: 'send', address: '127.0.0.1', port: receiver.port, message: `send EMSGSIZE 127.0.0.1:${receiver.port}`,
  });
});

t.test('after close, a send is refused and never reaches the descriptor number the socket had', async (t) => {
  const sender = await bindUdp('127.0.0.1', 0, () => undefined);
  await sender.close();
  // A socket opened now may get the closed one's descriptor number.
  const got: Buffer[] = [];
  const other = await bindUdp('127.0.0.1', 0, (msg) => got.push(msg));
  t.teardown(() => other.close());
  await t.rejects(sender.send(Buffer.from('late'), { address: '127.0.0.1', port: other.port }) ?? Promise.resolve(), { code: 'ERR_SOCKET_DGRAM_NOT_RUNNING' });
  await new Promise((r) => setTimeout(r, 50));
  t.same(got, [], 'nothing arrived');
});

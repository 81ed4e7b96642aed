/** IKE's sockets on loopback with system-chosen or random high ports: never 500/4500. */
import * as dgram from 'node:dgram';
import { once } from 'node:events';
import t, { type Test } from 'tap';
import { openIkeSocket, type IkeDatagram, type IkeSocket, type IkeSocketOptions } from '../src/ike/transport/ike-socket';
import { FakeClock } from './helpers/fake-clock';

const LOOPBACK = '127.0.0.1';
const hex = (s: string): Buffer => Buffer.from(s.replace(/ /g, ''), 'hex');
/** A plausible IKE header's start: non-zero initiator cookie. */
const IKE = hex('0102030405060708 0000000000000000 01100200');

interface Harness {
  ike: IkeSocket;
  peer: dgram.Socket;
  peerPort: number;
  messages: IkeDatagram[];
  esp: Buffer[];
  errors: Error[];
  /** Resolves with the next IKE message the socket hands up. */
  nextMessage(): Promise<IkeDatagram>;
}

async function harness(t: Test, extra: Partial<IkeSocketOptions> = {}, withEsp = true): Promise<Harness> {
  const messages: IkeDatagram[] = [];
  const esp: Buffer[] = [];
  const errors: Error[] = [];
  let waiting: ((d: IkeDatagram) => void) | undefined;
  const ike = await openIkeSocket({
    address: LOOPBACK, ikePort: 0, natTPort: 0,
    onMessage: (d) => {
      messages.push(d);
      waiting?.(d);
      waiting = undefined;
    },
    ...(withEsp ? { onEsp: (p: Buffer) => esp.push(p) } : {}),
    onError: (err) => errors.push(err),
    ...extra,
  });
  const peer = dgram.createSocket('udp4');
  peer.bind(0, LOOPBACK);
  await once(peer, 'listening');
  t.teardown(async () => {
    peer.close();
    await ike.close();
  });
  return {
    ike, peer, peerPort: peer.address().port, messages, esp, errors,
    nextMessage: () => new Promise((resolve) => { waiting = resolve; }),
  };
}

function sendFromPeer(h: Harness, datagram: Buffer, port: number): void {
  h.peer.send(datagram, port, LOOPBACK);
}

async function peerReceives(h: Harness): Promise<{ msg: Buffer; from: number }> {
  const [msg, info] = (await once(h.peer, 'message')) as [Buffer, dgram.RemoteInfo];
  return { msg, from: info.port };
}

t.test('port 500: IKE messages as they are, both ways', async (t) => {
  const h = await harness(t);
  t.not(h.ike.ikePort, h.ike.natTPort, 'two ports');
  const got = h.nextMessage();
  sendFromPeer(h, IKE, h.ike.ikePort);
  t.same(await got, { message: IKE, from: { address: LOOPBACK, port: h.peerPort }, via: 'ike' });
  const reply = peerReceives(h);
  await h.ike.send(hex('aabb'), { address: LOOPBACK, port: h.peerPort }, 'ike');
  t.same(await reply, { msg: hex('aabb'), from: h.ike.ikePort }, 'sent from port 500 without a marker');
});

t.test('port 500 passes four leading zero octets through: the marker belongs to 4500 only', async (t) => {
  const h = await harness(t);
  const got = h.nextMessage();
  sendFromPeer(h, hex('00000000 aabbccdd'), h.ike.ikePort);
  t.same((await got).message, hex('00000000 aabbccdd'));
});

t.test('port 4500: the marker is stripped on receipt and added on send', async (t) => {
  const h = await harness(t);
  const got = h.nextMessage();
  sendFromPeer(h, Buffer.concat([hex('00000000'), IKE]), h.ike.natTPort);
  t.same(await got, { message: IKE, from: { address: LOOPBACK, port: h.peerPort }, via: 'nat-t' });
  const reply = peerReceives(h);
  await h.ike.send(IKE, { address: LOOPBACK, port: h.peerPort }, 'nat-t');
  t.same(await reply, { msg: Buffer.concat([hex('00000000'), IKE]), from: h.ike.natTPort }, 'marker added, sent from the NAT-T port');
});

t.test('port 4500: keepalives and malformed datagrams are dropped, ESP goes to its handler', async (t) => {
  const h = await harness(t);
  const esp = hex('c0de0001 00000001 deadbeef');
  for (const d of [hex('ff'), hex('0000'), esp, hex('ff')]) sendFromPeer(h, d, h.ike.natTPort);
  // Loopback keeps order: once this arrives, the datagrams before it have been handled.
  const last = h.nextMessage();
  sendFromPeer(h, Buffer.concat([hex('00000000'), IKE]), h.ike.natTPort);
  await last;
  t.same(h.messages.map((m) => m.message), [IKE], 'only the IKE message reached IKE');
  t.same(h.esp, [esp], 'ESP in UDP went to the ESP handler, whole');
  t.same(h.errors, []);
});

t.test('port 4500 without an ESP handler drops ESP', async (t) => {
  const h = await harness(t, {}, false);
  sendFromPeer(h, hex('c0de0001 00000001'), h.ike.natTPort);
  const last = h.nextMessage();
  sendFromPeer(h, Buffer.concat([hex('00000000'), IKE]), h.ike.natTPort);
  await last;
  t.equal(h.messages.length, 1);
});

t.test('NAT-keepalives from the NAT-T port on schedule until stopped', async (t) => {
  const clock = new FakeClock();
  const h = await harness(t, { timers: clock });
  const received: Array<{ msg: Buffer; from: number }> = [];
  h.peer.on('message', (msg, info) => received.push({ msg, from: info.port }));
  const stop = h.ike.startKeepalive({ address: LOOPBACK, port: h.peerPort }, 5000);
  clock.advance(4999);
  clock.advance(1);
  clock.advance(5000);
  await new Promise((r) => setTimeout(r, 100));
  t.same(received, [{ msg: hex('ff'), from: h.ike.natTPort }, { msg: hex('ff'), from: h.ike.natTPort }], 'one 0xFF octet every 5 s');
  stop();
  t.equal(clock.pending, 0, 'stopped');
  clock.advance(60_000);
  h.ike.startKeepalive({ address: LOOPBACK, port: h.peerPort });
  clock.advance(19_999);
  t.equal(clock.pending, 1, '20 s by default');
  await h.ike.close();
  t.equal(clock.pending, 0, 'close stops keepalives');
});

t.test('a failing keepalive send is reported, not thrown', async (t) => {
  const clock = new FakeClock();
  const h = await harness(t, { timers: clock });
  h.ike.startKeepalive({ address: LOOPBACK, port: 0 }, 1000);
  clock.advance(1000);
  await new Promise((r) => setImmediate(r));
  t.equal(h.errors.length, 1);
  t.match(h.errors[0]?.message, /port/i);
});

t.test('send failures reject', async (t) => {
  const h = await harness(t);
  await t.rejects(h.ike.send(IKE, { address: LOOPBACK, port: 0 }, 'ike'));
});

/** A random high port that is free right now (retried on collisions). */
async function randomFreePort(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const port = 20000 + Math.floor(Math.random() * 40000);
    const s = dgram.createSocket('udp4');
    const free = await new Promise<boolean>((resolve) => {
      s.once('error', () => resolve(false));
      s.bind(port, LOOPBACK, () => resolve(true));
    });
    await new Promise<void>((r) => s.close(() => r()));
    if (free) return port;
  }
  throw new Error('no free port found');
}

t.test('chosen ports, and a taken NAT-T port leaves nothing bound', async (t) => {
  const blocker = dgram.createSocket('udp4');
  blocker.bind(0, LOOPBACK);
  await once(blocker, 'listening');
  t.teardown(() => blocker.close());
  const taken = blocker.address().port;
  const ikePort = await randomFreePort();
  await t.rejects(openIkeSocket({ address: LOOPBACK, ikePort, natTPort: taken, onMessage: () => undefined }), { code: 'EADDRINUSE' });
  const natTPort = await randomFreePort();
  const s = await openIkeSocket({ address: LOOPBACK, ikePort, natTPort, onMessage: () => undefined });
  t.same([s.ikePort, s.natTPort], [ikePort, natTPort], 'the IKE port was released after the failure, and the ports are as asked');
  await s.close();
  await t.rejects(openIkeSocket({ address: LOOPBACK, ikePort: taken, natTPort, onMessage: () => undefined }), { code: 'EADDRINUSE' }, 'a taken IKE port');
});

t.test('IPv6 loopback', async (t) => {
  const probe = dgram.createSocket('udp6');
  const v6 = await new Promise<boolean>((resolve) => {
    probe.once('error', () => resolve(false));
    probe.bind(0, '::1', () => resolve(true));
  });
  probe.close();
  if (!v6) {
    t.skip('no IPv6 loopback here');
    return;
  }
  let got: ((d: IkeDatagram) => void) | undefined;
  const arrived = new Promise<IkeDatagram>((r) => { got = r; });
  const s = await openIkeSocket({ address: '::1', ikePort: 0, natTPort: 0, onMessage: (d) => got?.(d) });
  t.teardown(() => s.close());
  const peer = dgram.createSocket('udp6');
  peer.bind(0, '::1');
  await once(peer, 'listening');
  t.teardown(() => peer.close());
  peer.send(Buffer.concat([hex('00000000'), IKE]), s.natTPort, '::1');
  t.same(await arrived, { message: IKE, from: { address: '::1', port: peer.address().port }, via: 'nat-t' });
});

/**
 * IKE's ports at the key manager's edge: the mapping between the well-known ports the
 * exchanges reason in and the ports bound, and binding what can be bound.
 */
import * as dgram from 'node:dgram';
import pino from 'pino';
import t from 'tap';
import { KeyManager } from '../src/ike/key-manager/key-manager';
import { PortMap } from '../src/ike/key-manager/port-map';
import { openIkeSocket } from '../src/ike/transport/ike-socket';
import { MemoryBackend } from '../src/kernel/memory-backend';
import { emptyConfig } from '../src/config/model';
import { EngineRegistry } from '../src/hw/engine-registry';

async function hold(t: Tap.Test): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => s.bind({ port: 0, address: '127.0.0.1', exclusive: true }, resolve));
  t.teardown(() => new Promise<void>((r) => s.close(() => r())));
  return s.address().port;
}

t.test('PortMap: 500 and 4500 stand for the bound ports; other ports pass through', async (t) => {
  const m = new PortMap(15500, 15501);
  t.same([m.logical(15500), m.logical(15501), m.logical(40123)], [500, 4500, 40123]);
  t.same([m.physical(500), m.physical(4500), m.physical(40123)], [15500, 15501, 40123]);
  t.same(m.arrival({ message: Buffer.alloc(0), from: { address: '10.0.0.2', port: 15501 }, via: 'nat-t' }),
    { remote: { address: '10.0.0.2', port: 4500 }, localPort: 4500 });
  t.same(m.route({ address: '10.0.0.1', port: 4500 }, { address: '10.0.0.2', port: 4500 }), { to: { address: '10.0.0.2', port: 15501 }, via: 'nat-t' });
  t.same(m.route({ address: '10.0.0.1', port: 500 }, { address: '10.0.0.2', port: 500 }), { to: { address: '10.0.0.2', port: 15500 }, via: 'ike' });
  const identity = new PortMap(500, 4500);
  t.same([identity.logical(500), identity.physical(4500)], [500, 4500], 'the default ports map to themselves');
});

t.test('openIkeSocket with onBindError keeps the port it could bind', async (t) => {
  const taken = await hold(t);
  const failed: string[] = [];
  const socket = await openIkeSocket({
    address: '127.0.0.1', ikePort: 0, natTPort: taken, onMessage: () => undefined,
    onBindError: (err, port) => failed.push(`${port} ${(err as NodeJS.ErrnoException).code}`),
  });
  t.teardown(() => socket.close());
  t.same(failed, ['nat-t EADDRINUSE']);
  t.not(socket.ikePort, 0, 'the IKE port is bound');
  t.equal(socket.send(Buffer.from('x'), { address: '127.0.0.1', port: socket.ikePort }, 'ike'), undefined, 'sent from the IKE port at once');
  await t.rejects(socket.send(Buffer.from('x'), { address: '127.0.0.1', port: socket.ikePort }, 'nat-t'), { message: `UDP port ${taken} is not bound` });
  await t.rejects(openIkeSocket({ address: '127.0.0.1', ikePort: 0, natTPort: taken, onMessage: () => undefined }), { code: 'EADDRINUSE' },
    'without it the whole socket fails, as before');
});

t.test('KeyManager.open reports the ports it could not bind and logs the others', async (t) => {
  const taken = await hold(t);
  const logs: Array<Record<string, unknown>> = [];
  const km = new KeyManager({
    config: () => emptyConfig(), engine: new EngineRegistry(), backend: new MemoryBackend(),
    log: pino({ level: 'info' }, { write: (l: string) => void logs.push(JSON.parse(l) as Record<string, unknown>) }),
  });
  t.teardown(() => km.close());
  const failures = await km.open({ address: '127.0.0.1', ikePort: taken, natTPort: 0 });
  t.same(failures.map((f) => [f.port, f.error.code]), [[taken, 'EADDRINUSE']]);
  t.same(logs.filter((l) => l.msg === 'cannot bind IKE port').map((l) => l.port), [taken]);
  t.equal(logs.filter((l) => l.msg === 'IKE UDP port bound').length, 1, 'the NAT-T port is bound and logged');
});

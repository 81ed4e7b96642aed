import t from 'tap';
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { dhGroup } from '../src/ike/crypto/dh';
import type { DhGroupId } from '../src/ike/crypto/dh-group';
import {
  AggressiveModeInitiator, AggressiveModeResponder, MainModeInitiator, MainModeResponder, QuickModeInitiator, QuickModeResponder,
  receiveInformational, type Effect,
} from '../src/ike/exchange';
import {
  ADDRESS_A, ADDRESS_B, gatewayPair, offerOf, phase1, pump, quickMode, services, spiSource, type Gateway,
} from './helpers/ike-exchange-harness';

// Mutated, truncated and random datagrams at every step: receive() must never throw, and a
// broken message never creates an SA where the genuine one would not.

function mutate(bytes: Buffer): Buffer {
  const copy = Buffer.from(bytes);
  switch (randomInt(4)) {
    case 0: copy[randomInt(copy.length)] ^= 1 << randomInt(8); return copy;
    case 1: return copy.subarray(0, randomInt(copy.length));
    case 2: return Buffer.concat([copy, randomBytes(randomInt(1, 40))]);
    default: return Buffer.concat([copy.subarray(0, 28), randomBytes(randomInt(0, 200))]);
  }
}

interface Receiver {
  receive(datagram: Buffer, now: number): Effect[];
}

const { a, b } = gatewayPair({ policies: [{ group: 19 }] });

/**
 * Services whose randomness (cookies, nonces, DH keys) is a function of a seed: replaying
 * the same datagrams into machines made from the same seed walks them to the same state.
 */
function seeded(gw: Gateway, seed: string) {
  let counter = 0;
  const random = (n: number) => {
    const out: Buffer[] = [];
    for (let have = 0; have < n; have += 32) out.push(createHash('sha256').update(`${seed}:${counter++}`).digest());
    return Buffer.concat(out).subarray(0, n);
  };
  return { ...services(gw), random, dh: (group: DhGroupId) => dhGroup(group).keyPairFromPrivateKey(random(32)) };
}

function machines(mode: 'main' | 'aggressive') {
  const i = { ...seeded(a, 'initiator'), local: { address: ADDRESS_A, port: 500 }, remote: { address: ADDRESS_B, port: 500 } };
  const r = { ...seeded(b, 'responder'), local: { address: ADDRESS_B, port: 500 }, remote: { address: ADDRESS_A, port: 500 } };
  return mode === 'aggressive'
    ? { initiator: new AggressiveModeInitiator(i), responder: new AggressiveModeResponder(r) }
    : { initiator: new MainModeInitiator(i), responder: new MainModeResponder(r) };
}

/** The machine that receives message `step` of a recorded exchange, having seen the ones before. */
function phase1At(mode: 'main' | 'aggressive', wire: Buffer[], step: number): Receiver {
  const { initiator, responder } = machines(mode);
  initiator.start();
  for (let i = 0; i < step; i++) (i % 2 === 0 ? responder : initiator).receive(wire[i], 0);
  return step % 2 === 0 ? responder : initiator;
}

for (const mode of ['main', 'aggressive'] as const) {
  t.test(`${mode} mode survives mutated messages`, async (t) => {
    const { initiator, responder } = machines(mode);
    const run = pump(initiator.start(), initiator, responder);
    t.ok(run.initiator.some((e) => e.kind === 'established'), 'the seeded exchange completes');
    const wire = run.wire.map((w) => w.bytes);
    const genuine = phase1At(mode, wire, wire.length - 1).receive(wire[wire.length - 1], 0);
    t.ok(genuine.some((e) => e.kind === 'established'), 'replaying the recording reaches the same state');
    let thrown = 0;
    for (let step = 0; step < wire.length; step++) {
      for (let n = 0; n < 60; n++) {
        try {
          phase1At(mode, wire, step).receive(mutate(wire[step]), 0);
        } catch {
          thrown++;
        }
      }
    }
    t.equal(thrown, 0, 'nothing escaped receive()');
  });
}

t.test('quick mode and informational handling survive mutated messages', async (t) => {
  const p1 = phase1(a, b);
  if (!p1.ikeSaI || !p1.ikeSaR) return t.fail('phase 1');
  const sas = { ikeSaI: p1.ikeSaI, ikeSaR: p1.ikeSaR };
  const qm = quickMode(a, b, sas, { qm: { commit: true } });
  const [m1, m2, m3] = qm.wire.map((w) => w.bytes);
  let thrown = 0;
  let spurious = 0;
  const attempt = (f: () => Effect[]) => {
    try {
      if (f().some((e) => e.kind === 'ipsec-sa')) spurious++;
    } catch {
      thrown++;
    }
  };
  for (let n = 0; n < 150; n++) {
    attempt(() => new QuickModeResponder({ ...services(b), ikeSa: sas.ikeSaR, inboundSpi: spiSource() }).receive(mutate(m1), 0));
    const initiator = new QuickModeInitiator({ ...services(a), ikeSa: sas.ikeSaI, inboundSpi: spiSource() }, offerOf(a));
    initiator.start();
    attempt(() => initiator.receive(mutate(m2), 0));
    attempt(() => qm.responderMachine.receive(mutate(m3), 0));
    attempt(() => receiveInformational(sas.ikeSaR, mutate(m3), randomBytes));
  }
  t.equal(thrown, 0, 'nothing escaped receive()');
  t.equal(spurious, 0, 'no SA from a broken message');
});

/**
 * Rekeying in fake time, every second looked at: with the shortest lifetimes the CLI allows
 * (IKE 60 s, IPsec 120 s), a packet each way must find an installed SA at every step, each
 * new SA must be in the kernel before the one it replaces expires, and the replaced SAs must
 * be deleted from both ends. The namespace run with two daemons is test/ike-netns-rekey.test.ts.
 */
import t from 'tap';
import { ADDRESS_A, ADDRESS_B } from './helpers/ike-exchange-harness';
import { keyManagerPair, nextIpsecSa, quiet, sasFrom, trafficAtoB, type Pair } from './helpers/key-manager-pair';

const STEPS = 260;

function bToA(pair: Pair): ReturnType<Pair['b']['backend']['simulateTraffic']> {
  return pair.b.backend.simulateTraffic({ src: '10.2.0.7', dst: '10.1.0.5', proto: 1, bytes: 100 });
}

t.test('IKE 60 s, IPsec 120 s: every second a packet each way finds an SA; replaced SAs go', async (t) => {
  const pair = await keyManagerPair({ a: { policies: [{ lifetime: 60 }], lifetimeSeconds: 120 } });
  t.teardown(() => pair.close());
  const up = nextIpsecSa(pair.b);
  trafficAtoB(pair);
  await up;
  await quiet(pair.net);

  const outA: string[] = [];
  const ikeA: string[] = [];
  const gaps: string[] = [];
  const late: string[] = [];
  let most = 0;
  for (let s = 0; s < STEPS; s++) {
    const verdicts = [trafficAtoB(pair).verdict, bToA(pair).verdict];
    if (verdicts.some((v) => v !== 'protected')) gaps.push(`${s} s: ${verdicts.join(' / ')}`);
    const installed = (await sasFrom(pair.a.backend, ADDRESS_A, ADDRESS_B)).map((x) => x.spec.spi.toString(16));
    most = Math.max(most, installed.length);
    for (const spi of installed) {
      if (outA.includes(spi)) continue;
      const previous = outA.at(-1);
      if (previous !== undefined && !installed.includes(previous)) late.push(`${spi} came after ${previous} was gone`);
      outA.push(spi);
    }
    for (const sa of pair.a.km.table.ikeSas()) {
      const key = sa.cookies.initiator.toString('hex');
      if (!ikeA.includes(key)) ikeA.push(key);
    }
    pair.clock.advance(1000);
    await quiet(pair.net);
  }
  t.same(gaps, [], `a packet each way was protected at each of ${STEPS} seconds`);
  t.ok(outA.length >= 3, `A's outbound SA was renewed at least twice (${outA.length} SPIs)`);
  t.same(late, [], 'each new outbound SA was installed before the one it replaces expired');
  t.ok(most <= 2, 'never more than the old and the new outbound SA');
  const finalOut = (await sasFrom(pair.a.backend, ADDRESS_A, ADDRESS_B)).map((x) => x.spec.spi.toString(16));
  const finalIn = (await sasFrom(pair.b.backend, ADDRESS_A, ADDRESS_B)).map((x) => x.spec.spi.toString(16));
  t.notOk(finalOut.includes(outA[0] as string) || finalIn.includes(outA[0] as string), 'the first SA is deleted at both ends');
  t.same(finalOut.sort(), finalIn.sort(), 'A\'s outbound SAs are B\'s inbound ones');
  t.ok(ikeA.length >= 4, `the IKE SA was renewed every minute or so (${ikeA.length} IKE SAs)`);
  t.ok(pair.a.km.table.ikeSas().length <= 2 && pair.b.km.table.ikeSas().length <= 2, 'replaced IKE SAs are gone');
});

import t from 'tap';
import type { Test } from 'tap';
import type { DhGroup, IkeCipher, IkeHash } from '../src/config/algorithms';
import type { IkeSa, NegotiatedIpsecSa } from '../src/ike/sa';
import { failure, gatewayPair, phase1, quickMode } from './helpers/ike-exchange-harness';

// Every encryption x hash x group of the seed, each in a full Main Mode + Quick Mode.
const CIPHERS: readonly IkeCipher[] = ['des', '3des', 'aes128', 'aes192', 'aes256'];
const HASHES: readonly IkeHash[] = ['md5', 'sha1', 'sha256', 'sha384'];
const GROUPS: readonly DhGroup[] = [1, 2, 5, 14, 15, 16, 19, 20, 24];

/** Both ends hold the same ISAKMP SA keys and see each other's cookies and IDs. */
function sameIkeSa(t: Test, i: IkeSa, r: IkeSa): void {
  t.same(i.cookies, r.cookies, 'cookies');
  t.same(i.policy, r.policy, 'suite');
  for (const k of ['skeyidD', 'skeyidA', 'encryptionKey'] as const) t.ok(i.keys[k].equals(r.keys[k]), k);
  t.same(i.remoteId, r.localId, 'IDs');
}

/** KEYMAT: each direction's keys agree on both sides, and the two directions differ. */
function mirrored(t: Test, i: NegotiatedIpsecSa, r: NegotiatedIpsecSa): void {
  t.equal(i.protocols.length, r.protocols.length);
  i.protocols.forEach((pi, n) => {
    const pr = r.protocols[n];
    t.ok(pi.inbound.spi.equals(pr.outbound.spi) && pi.outbound.spi.equals(pr.inbound.spi), `${pi.protocol} SPIs mirror`);
    t.same(pi.inbound.keys, pr.outbound.keys, `${pi.protocol} initiator-bound keys`);
    t.same(pi.outbound.keys, pr.inbound.keys, `${pi.protocol} responder-bound keys`);
    t.notSame(pi.inbound.keys, pi.outbound.keys, 'directions have their own keys');
  });
}

for (const encryption of CIPHERS) {
  t.test(`Main Mode + Quick Mode with ${encryption}`, async (t) => {
    for (const hash of HASHES) {
      for (const group of GROUPS) {
        const name = `${encryption}/${hash}/group ${group}`;
        const { a, b } = gatewayPair({ policies: [{ encryption, hash, group }] });
        const p1 = phase1(a, b);
        if (!p1.ikeSaI || !p1.ikeSaR) {
          t.fail(`${name}: phase 1`, { initiator: failure(p1.initiator)?.error.message, responder: failure(p1.responder)?.error.message });
          continue;
        }
        t.same([p1.ikeSaI.policy.encryption, p1.ikeSaI.policy.hash, p1.ikeSaI.policy.group], [encryption, hash, group], `${name}: negotiated`);
        await t.test(`${name}: phase 1 keys`, async (t) => sameIkeSa(t, p1.ikeSaI as IkeSa, p1.ikeSaR as IkeSa));
        const qm = quickMode(a, b, { ikeSaI: p1.ikeSaI, ikeSaR: p1.ikeSaR });
        if (!qm.saI || !qm.saR) {
          t.fail(`${name}: quick mode`, { initiator: failure(qm.initiator)?.error.message, responder: failure(qm.responder)?.error.message });
          continue;
        }
        await t.test(`${name}: KEYMAT`, async (t) => mirrored(t, qm.saI as NegotiatedIpsecSa, qm.saR as NegotiatedIpsecSa));
      }
    }
  });
}

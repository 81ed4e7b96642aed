import t from 'tap';
import { cookieKey, natDetected, remainingSeconds, SaTable } from '../src/ike/sa';
import { ADDRESS_A, ADDRESS_B, gatewayPair, phase1, quickMode } from './helpers/ike-exchange-harness';

t.test('SA table: by cookies, by peer, by SPI', async (t) => {
  const { a, b } = gatewayPair({ transformSets: [{ name: 'TS', transforms: [{ name: 'ah-md5-hmac' }, { name: 'esp-aes' }, { name: 'esp-sha-hmac' }] }] });
  const p1 = phase1(a, b);
  if (!p1.ikeSaI || !p1.ikeSaR) return t.fail('phase 1');
  const qm = quickMode(a, b, { ikeSaI: p1.ikeSaI, ikeSaR: p1.ikeSaR });
  if (!qm.saI) return t.fail('quick mode');
  const table = new SaTable();
  table.addIke(p1.ikeSaI);
  table.addIpsec(qm.saI);
  t.equal(table.ikeByCookies(p1.ikeSaI.cookies), p1.ikeSaI);
  t.equal(table.ikeByCookies({ initiator: p1.ikeSaI.cookies.initiator, responder: Buffer.alloc(8) }), undefined);
  t.same(table.ikeForPeer(ADDRESS_B), [p1.ikeSaI]);
  t.same(table.ikeForPeer(ADDRESS_A), []);
  for (const p of qm.saI.protocols) {
    t.equal(table.ipsecByInboundSpi(p.protocol, p.inbound.spi), qm.saI, `${p.protocol} inbound`);
    t.equal(table.ipsecByOutboundSpi(p.protocol, p.outbound.spi), qm.saI, `${p.protocol} outbound`);
  }
  t.same(table.ipsecForPeer(ADDRESS_B), [qm.saI]);
  t.equal(table.ipsecSas().length, 1, 'a bundle is one SA');
  t.equal(table.removeIke(p1.ikeSaI.cookies), p1.ikeSaI);
  t.same(table.ikeSas(), []);
  const cookies = p1.ikeSaI.cookies;
  t.equal(cookieKey(cookies), Buffer.concat([cookies.initiator, cookies.responder]).toString('latin1'), 'a cookie pair key is its 16 octets');
  t.not(cookieKey(cookies), cookieKey({ initiator: cookies.responder, responder: cookies.initiator }), 'in order');
  t.equal(remainingSeconds(p1.ikeSaI, p1.ikeSaI.createdAt + 1500), 86398);
  t.equal(remainingSeconds(p1.ikeSaI, p1.ikeSaI.expiresAt + 1), 0);
  t.notOk(natDetected(p1.ikeSaI.natT));
  t.ok(natDetected({ dialect: 'draft', natLocal: false, natRemote: false, forced: true }));
  t.notOk(natDetected({ dialect: 'none', natLocal: true, natRemote: true, forced: false }), 'no NAT-T, no encapsulation');
});

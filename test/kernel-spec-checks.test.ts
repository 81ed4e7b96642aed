/** Branches of the shared argument checks the contract's tables do not reach. */
import t from 'tap';
import type { AllocateSpiRequest, PolicySpec, SaSpec } from '../src/kernel/sad-backend';
import { checkPolicySpec, checkSaSpec, checkSpiRange } from '../src/kernel/spec-checks';
import { espSa, key, outPolicy, tunnelTemplate, TUNNEL_SELECTOR } from './helpers/sad-backend-contract';

/** Deliberately ill-typed input, as JavaScript callers or corrupted state could pass. */
const loose = <T>(v: object): T => v as T;

t.test('SA specs', async (t) => {
  const cases: Array<[string, SaSpec, RegExp]> = [
    ['protocol', loose<SaSpec>({ ...espSa(), proto: 'ipcomp' }), /protocol must be esp or ah/],
    ['SPI above 32 bits', espSa({ spi: 2 ** 32 }), /SPI must be/],
    ['fractional SPI', espSa({ spi: 1.5 }), /SPI must be/],
    ['mode', loose<SaSpec>({ ...espSa(), mode: 'beet' }), /mode must be/],
    ['reqid', espSa({ reqid: -1 }), /reqid/],
    ['unknown cipher', loose<SaSpec>({ ...espSa(), encryption: { name: 'cbc(twofish)', key: key(16) } }), /unknown cipher cbc\(twofish\)/],
    ['unknown integrity', loose<SaSpec>({ ...espSa(), integrity: { name: 'hmac(rmd160)', key: key(20), truncationBits: 96 } }), /unknown integrity/],
    ['GCM ICV of 100 bits', espSa({ encryption: { name: 'rfc4106(gcm(aes))', key: key(20), icvBits: 100 }, integrity: undefined }), /ICV of 64, 96, 128/],
    ['truncation of 100 bits', espSa({ integrity: { name: 'hmac(sha256)', key: key(32), truncationBits: 100 } }), /multiple of 32 bits from 64 to 256/],
    ['truncation of 32 bits', espSa({ integrity: { name: 'hmac(sha256)', key: key(32), truncationBits: 32 } }), /multiple of 32/],
    ['encapsulation type', loose<SaSpec>({ ...espSa(), encap: { type: 'espinudp-nonike', sport: 4500, dport: 4500 } }), /unknown encapsulation/],
    ['NAT-OA', espSa({ encap: { type: 'espinudp', sport: 4500, dport: 4500, originalAddress: 'nat' } }), /NAT-OA nat is not an IP address/],
    ['lifetimes missing', loose<SaSpec>({ ...espSa(), lifetimes: undefined }), /lifetimes are required/],
    ['fractional lifetime', espSa({ lifetimes: { softSeconds: 1.5 } }), /softSeconds must be a positive integer/],
    ['soft bytes above hard', espSa({ lifetimes: { softBytes: 2, hardBytes: 1 } }), /exceeds hard lifetime \(bytes\)/],
    ['selector protocol 256', espSa({ mode: 'transport', selector: { ...TUNNEL_SELECTOR, proto: 256 } }), /protocol must be 0 to 255/],
    ['selector port 70000', espSa({ mode: 'transport', selector: { ...TUNNEL_SELECTOR, proto: 6, srcPort: 70000 } }), /ports must be 0 to 65535/],
  ];
  for (const [name, spec, message] of cases) t.throws(() => checkSaSpec('addSa', spec), { code: 'EINVAL', operation: 'addSa', message }, name);
  t.doesNotThrow(() => checkSaSpec('addSa', espSa({ mode: 'transport', selector: { ...TUNNEL_SELECTOR, proto: 132, srcPort: 0, dstPort: 65535 } })), 'SCTP ports');
});

t.test('policy specs', async (t) => {
  const cases: Array<[string, PolicySpec, RegExp]> = [
    ['direction', loose<PolicySpec>({ ...outPolicy(), dir: 'both' }), /direction must be/],
    ['action', loose<PolicySpec>({ ...outPolicy(), action: 'ipsec' }), /action must be/],
    ['priority', outPolicy({ priority: 2 ** 32 }), /priority/],
    ['template protocol', outPolicy({ templates: [loose({ ...tunnelTemplate(), proto: 'comp' })] }), /template 1: protocol/],
    ['template reqid', outPolicy({ templates: [tunnelTemplate(), tunnelTemplate({ reqid: 0.5 })] }), /template 2: reqid/],
    ['template level', outPolicy({ templates: [loose({ ...tunnelTemplate(), level: 'unique' })] }), /level must be/],
    ['template mode', outPolicy({ templates: [loose({ ...tunnelTemplate(), mode: 'beet' })] }), /mode must be/],
    ['tunnel families', outPolicy({ templates: [tunnelTemplate({ dst: '2001:db8::2' })] }), /different address families/],
    ['zero policy lifetime', outPolicy({ lifetimes: { hardSeconds: 0 } }), /positive integers/],
    ['host bits', outPolicy({ selector: { ...TUNNEL_SELECTOR, dst: { address: '10.2.0.1', prefixLength: 31 } } }), /10\.2\.0\.1\/31 has host bits set/],
  ];
  for (const [name, spec, message] of cases) t.throws(() => checkPolicySpec('updatePolicy', spec), { code: 'EINVAL', operation: 'updatePolicy', message }, name);
  t.doesNotThrow(() => checkPolicySpec('addPolicy', outPolicy({ lifetimes: { softSeconds: 1 } })), 'soft lifetime alone');
});

t.test('SPI ranges', async (t) => {
  const base: AllocateSpiRequest = { src: '192.0.2.1', dst: '198.51.100.2', proto: 'esp' };
  t.same(checkSpiRange(base), { min: 256, max: 0xffffffff }, 'defaults');
  t.same(checkSpiRange({ ...base, min: 1, max: 1 }), { min: 1, max: 1 }, 'a single SPI');
  const bad: Array<[string, AllocateSpiRequest, RegExp]> = [
    ['min 0', { ...base, min: 0 }, /1 <= min <= max/],
    ['max above 32 bits', { ...base, max: 2 ** 32 }, /1 <= min <= max/],
    ['protocol', loose<AllocateSpiRequest>({ ...base, proto: 'comp' }), /protocol/],
    ['families', { ...base, dst: '::1' }, /different address families/],
  ];
  for (const [name, req, message] of bad) t.throws(() => checkSpiRange(req), { code: 'EINVAL', operation: 'allocateSpi', message }, name);
});

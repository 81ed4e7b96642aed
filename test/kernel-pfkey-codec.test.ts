/**
 * The PF_KEY message codec of the native addon (pfkeyEncode/pfkeyDecode, no socket needed)
 * and the SadBackend <-> PF_KEY mapping (src/kernel/pfkey-specs.ts), on the host. The kernel
 * side (this host has no PF_KEY) is test/kernel-pfkey-board.test.ts.
 */
import t from 'tap';
import { pfkeyDecode, pfkeyEncode, PfkeySocket, type PfkeySaInput } from '../src/native/pfkey';
import { PfkeyBackend } from '../src/kernel/pfkey-backend';
import {
  fromPfkeyPolicy, fromPfkeySa, pfkeyPolicyProblem, pfkeySaProblem, toPfkeyPolicy, toPfkeySa,
} from '../src/kernel/pfkey-specs';
import { espSa, key, outPolicy, SA_TABLE, tunnelTemplate } from './helpers/sad-backend-contract';

/** The extension types of a message, in order, with their lengths in bytes. */
function extensions(message: Buffer): Array<[type: number, bytes: number]> {
  const list: Array<[number, number]> = [];
  for (let offset = 16; offset < message.length;) {
    const bytes = message.readUInt16LE(offset) * 8;
    list.push([message.readUInt16LE(offset + 2), bytes]);
    offset += bytes;
  }
  return list;
}

const SADB = { GETSPI: 1, UPDATE: 2, ADD: 3, DELETE: 4, GET: 5, SPDADD: 14, SPDDELETE: 15, SPDGET: 16 };
const EXT = { SA: 1, HARD: 3, SOFT: 4, SRC: 5, DST: 6, KEY_AUTH: 8, KEY_ENCRYPT: 9, SPIRANGE: 16, POLICY: 18, SA2: 19, NAT_TYPE: 20, NAT_SPORT: 21, NAT_DPORT: 22 };

t.test('the header: version 2, type, SA type, length in 8-byte units', async (t) => {
  const m = pfkeyEncode({ op: 'getspi', satype: 'esp', src: '198.51.100.2', dst: '192.0.2.1', min: 0x100, max: 0x1000 });
  t.equal(m[0], 2, 'PF_KEY_V2');
  t.equal(m[1], SADB.GETSPI);
  t.equal(m[3], 3, 'SADB_SATYPE_ESP');
  t.equal(m.readUInt16LE(4) * 8, m.length, 'sadb_msg_len');
  t.same(extensions(m), [[EXT.SRC, 24], [EXT.DST, 24], [EXT.SPIRANGE, 16]], 'addresses (sockaddr_in) and the SPI range');
  const range = m.subarray(m.length - 16);
  t.same([range.readUInt32LE(4), range.readUInt32LE(8)], [0x100, 0x1000], 'min and max');
  const v6 = pfkeyEncode({ op: 'get', satype: 'ah', src: '2001:db8::1', dst: '2001:db8:1::2', spi: 7 });
  t.same(extensions(v6), [[EXT.SA, 16], [EXT.SRC, 40], [EXT.DST, 40]], 'sockaddr_in6 padded to 32 bytes');
  t.equal(v6[1], SADB.GET);
  t.equal(v6.readUInt32BE(16 + 4), 7, 'the SPI in network order');
});

t.test('an SA with every extension reads back as written', async (t) => {
  const sa: PfkeySaInput = {
    satype: 'esp', spi: 0xc0de0001, src: '192.0.2.1', dst: '198.51.100.2', mode: 'tunnel', reqid: 77, replay: 32,
    auth: { id: 5, key: key(32, 2) }, encrypt: { id: 12, key: key(16) },
    hard: { addSeconds: 3600, bytes: 4_718_592_000 }, soft: { addSeconds: 3240, allocations: 1000 },
    natt: { type: 2, sport: 4500, dport: 61001 },
  };
  const m = pfkeyEncode({ op: 'add', sa });
  t.equal(m[1], SADB.ADD);
  t.same(extensions(m).map(([type]) => type), [EXT.SA, EXT.SA2, EXT.HARD, EXT.SOFT, EXT.SRC, EXT.DST, EXT.KEY_AUTH, EXT.KEY_ENCRYPT, EXT.NAT_TYPE, EXT.NAT_SPORT, EXT.NAT_DPORT]);
  t.match(pfkeyDecode(m).sa, {
    ...sa, state: 'mature',
    hard: { addSeconds: 3600, bytes: 4_718_592_000, allocations: 0, useSeconds: 0 },
    soft: { addSeconds: 3240, allocations: 1000, bytes: 0, useSeconds: 0 },
  });
  const nullCipher = pfkeyEncode({ op: 'update', sa: { ...sa, encrypt: { id: 11, key: Buffer.alloc(0) } } });
  t.same(extensions(nullCipher).find(([type]) => type === EXT.KEY_ENCRYPT), [EXT.KEY_ENCRYPT, 8], 'SADB_EALG_NULL takes a zero-bit key');
  t.equal(nullCipher[1], SADB.UPDATE);
  const onlyHard = pfkeyDecode(pfkeyEncode({ op: 'add', sa: toPfkeySa(espSa({ lifetimes: { hardSeconds: 60 } })) })).sa;
  t.match(onlyHard, { hard: { addSeconds: 60 }, soft: { addSeconds: 0, bytes: 0 } }, 'a hard lifetime goes with an unlimited soft one: af_key takes both or neither');
});

t.test('a policy with an AH-over-ESP tunnel bundle reads back as written', async (t) => {
  const policy = {
    src: { address: '10.1.0.0', prefixLength: 16, port: 1024 }, dst: { address: '10.2.0.0', prefixLength: 16 }, proto: 6,
    dir: 'out' as const, type: 'ipsec' as const, priority: 1000, hard: { addSeconds: 60 },
    requests: [
      { proto: 'ah' as const, mode: 'tunnel' as const, level: 'unique' as const, reqid: 3, src: '192.0.2.1', dst: '198.51.100.2' },
      { proto: 'esp' as const, mode: 'transport' as const, level: 'use' as const, reqid: 0 },
    ],
  };
  const m = pfkeyEncode({ op: 'spdadd', policy });
  t.equal(m[1], SADB.SPDADD);
  const types = extensions(m);
  t.same(types.map(([type]) => type), [EXT.SRC, EXT.DST, EXT.HARD, EXT.POLICY]);
  t.equal(types[3]?.[1], 16 + 48 + 16, 'the policy extension holds a tunnel request (two sockaddrs) and a transport one');
  t.match(pfkeyDecode(m).policy, { ...policy, id: 0 });
  t.equal(pfkeyEncode({ op: 'spddelete', policy })[1], SADB.SPDDELETE);
  const get = pfkeyEncode({ op: 'spdget', id: 0x1234 });
  t.same([get[1], get.readUInt32LE(16 + 8)], [SADB.SPDGET, 0x1234], 'SPDGET by id');
});

t.test('bad input is a TypeError naming the field; a cut message does not decode', async (t) => {
  t.throws(() => pfkeyEncode({ op: 'add', sa: { ...espSa(), satype: 'esp', spi: -1 } as never }), { name: 'TypeError', message: 'pfkey: ops[0].sa.spi must be an integer from 0 to 4294967295' });
  t.throws(() => pfkeyEncode({ op: 'spdadd', policy: { src: { address: '10.0.0.0', prefixLength: 8 }, dst: { address: '10.0.0.0', prefixLength: 8 }, dir: 'out', requests: [{ proto: 'esp', mode: 'tunnel' }] } }), /requests\[0\]\.src and dst are required in tunnel mode/);
  t.throws(() => pfkeyEncode({ op: 'nope' } as never), /is not a PF_KEY operation: 'nope'/);
  const m = pfkeyEncode({ op: 'get', satype: 'esp', src: '192.0.2.1', dst: '198.51.100.2', spi: 1 });
  t.throws(() => pfkeyDecode(m.subarray(0, m.length - 8)), /not a PF_KEY message/);
});

t.test('SadBackend SAs and policies through the codec and back', async (t) => {
  for (const [name, spec] of SA_TABLE) {
    if (pfkeySaProblem(spec) !== undefined || spec.encryption?.name === 'rfc4106(gcm(aes))' || spec.selector) continue;
    const decoded = pfkeyDecode(pfkeyEncode({ op: 'add', sa: toPfkeySa(spec) })).sa;
    const expected = { ...spec };
    if (expected.encryption === undefined) delete expected.encryption;
    if (expected.integrity === undefined) delete expected.integrity;
    t.same(decoded && fromPfkeySa(decoded), expected, name);
  }
  const policies = [
    outPolicy(),
    outPolicy({ dir: 'in', selector: { src: { address: '10.2.0.0', prefixLength: 16 }, dst: { address: '10.1.0.0', prefixLength: 16 }, proto: 17, dstPort: 53 } }),
    outPolicy({ action: 'block', templates: [] }),
    outPolicy({ templates: [], lifetimes: { softSeconds: 10, hardSeconds: 20 } }),
    outPolicy({ templates: [{ proto: 'esp', mode: 'transport', reqid: 0, level: 'use' }, tunnelTemplate({ proto: 'ah', reqid: 4 })] }),
  ];
  for (const spec of policies) {
    const decoded = pfkeyDecode(pfkeyEncode({ op: 'spdadd', policy: toPfkeyPolicy(spec) })).policy;
    t.same(decoded && fromPfkeyPolicy(decoded), { spec, index: 0 }, `${spec.dir} ${spec.action} with ${spec.templates.length} templates`);
  }
});

t.test('what PF_KEY cannot say is refused up front', async (t) => {
  t.match(pfkeySaProblem(espSa({ integrity: { name: 'hmac(sha256)', key: key(32), truncationBits: 128 } })), /no truncation length, the kernel uses 96/);
  t.equal(pfkeySaProblem(espSa({ integrity: { name: 'hmac(sha512)', key: key(64), truncationBits: 256 } })), undefined, 'SHA-512 is truncated as RFC 4868 says');
  t.match(pfkeySaProblem(espSa({ replayWindow: 300 })), /at most 255/);
  t.equal(pfkeySaProblem(espSa({ encryption: { name: 'rfc4106(gcm(aes))', key: key(20), icvBits: 128 }, integrity: undefined })), undefined, 'GCM has a number (the kernel refuses it)');
  t.match(pfkeyPolicyProblem(outPolicy({ templates: [tunnelTemplate({ reqid: 0x4000 })] })), /up to 16383/);
  t.match(pfkeyPolicyProblem(outPolicy({ templates: [tunnelTemplate({ level: 'use' })] })), /only at level unique/);
});

t.test('without PF_KEY in the kernel, opening says so', async (t) => {
  let available = true;
  try {
    new PfkeySocket().close();
  } catch {
    available = false;
  }
  if (available) return t.skip('this kernel has PF_KEY');
  t.throws(() => new PfkeyBackend(), { code: 'EAFNOSUPPORT', operation: 'open PF_KEY socket', syscall: 'socket' });
});

/**
 * `crypto isakmp key-log`: each IKE SA established appends "<initiator cookie>,<encryption
 * key>" (hex, Wireshark's ikev1_decryption_table) to the key log file, created mode 0600; the
 * key in it really opens the exchange as captured: Main Mode message 5, decrypted with the
 * IV Wireshark derives from the KE payloads of messages 3 and 4, holds ID and HASH payloads.
 * Without the command nothing is written.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import t from 'tap';
import { IKE_CIPHERS, ikeDecrypt } from '../src/ike/crypto/cipher';
import { phase1Iv } from '../src/ike/crypto/iv';
import { decodeBody, decodeMessage, ExchangeType, Flag, PayloadType, splitMessage } from '../src/ike/wire';
import { ADDRESS_A } from './helpers/ike-exchange-harness';
import { keyManagerPair, nextIpsecSa, quiet, trafficAtoB } from './helpers/key-manager-pair';

t.test('the key log line opens the captured Main Mode message 5', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'h1-keylog-'));
  t.teardown(() => rmSync(dir, { recursive: true, force: true }));
  const fileA = path.join(dir, 'a-ikev1_decryption_table');
  const fileB = path.join(dir, 'b-ikev1_decryption_table');
  const pair = await keyManagerPair({
    edit: (a) => void (a.isakmp.keyLog = true),
    sides: { a: { keyLogFile: fileA }, b: { keyLogFile: fileB } },
  });
  t.teardown(() => pair.close());
  const up = nextIpsecSa(pair.a);
  trafficAtoB(pair);
  await up;
  await quiet(pair.net);

  t.notOk(existsSync(fileB), 'B, without crypto isakmp key-log, wrote nothing');
  t.equal(statSync(fileA).mode & 0o777, 0o600, 'created mode 0600');
  const lines = readFileSync(fileA, 'utf8').split('\n').filter(Boolean);
  t.equal(lines.length, 1, 'one line for the one IKE SA');
  const m = /^([0-9a-f]{16}),([0-9a-f]+)$/.exec(lines[0] ?? '');
  if (!m) throw new Error(`not a decryption table line: ${lines[0]}`);
  const [ikeSa] = pair.a.km.table.ikeSas();
  if (!ikeSa) throw new Error('A has no IKE SA');
  t.equal(m[1], ikeSa.cookies.initiator.toString('hex'), 'the initiator cookie');
  t.notOk(pair.a.logs.some((r) => JSON.stringify(r).includes(m[2] as string)), 'the key is in no log record');

  // The capture: Main Mode messages with this SA's initiator cookie, in order.
  const mainMode = pair.net.log.filter((w) => w.message[18] === ExchangeType.IDENTITY_PROTECTION && w.message.subarray(0, 8).toString('hex') === m[1]);
  const [, , third, fourth, fifth] = mainMode;
  if (!third || !fourth || !fifth) throw new Error(`only ${mainMode.length} Main Mode messages captured`);
  t.equal(fifth.from.address, ADDRESS_A, 'message 5 is the initiator\'s');
  const ke = (bytes: Buffer): Buffer => {
    const p = decodeMessage(bytes).payloads.find((x) => x.type === PayloadType.KE);
    if (!p || p.type !== PayloadType.KE) throw new Error('no KE payload');
    return p.data;
  };
  const split = splitMessage(fifth.message);
  t.ok(split.header.flags & Flag.ENCRYPTION, 'message 5 is encrypted');
  const { encryption, hash } = ikeSa.policy;
  const iv = phase1Iv(hash, IKE_CIPHERS[encryption].blockSize, ke(third.message), ke(fourth.message));
  const plaintext = ikeDecrypt(encryption, Buffer.from(m[2] as string, 'hex'), iv, split.body);
  const payloads = decodeBody(split, plaintext);
  t.same(payloads.map((p) => p.type).filter((p) => p === PayloadType.ID || p === PayloadType.HASH), [PayloadType.ID, PayloadType.HASH], 'decrypted: IDii and HASH_I');
});

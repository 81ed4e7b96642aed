/**
 * SA messages against the running kernel, including one without ESP or AH. XFRM checks a
 * NEWSA in this order: the message's shape (verify_newsa_info: attribute sizes, which
 * algorithms a protocol needs, the replay attribute), then each algorithm against its own
 * table and the crypto API (name, key length, ICV or truncation length), and only then looks
 * for the protocol. So on a kernel without ESP, EPROTONOSUPPORT for a message means the
 * kernel accepted everything else in it; with ESP, the SA installs. Either way the addon's
 * encoding of every SA the contract uses is checked by the kernel itself.
 *
 * A kernel may also lack an algorithm (the development machines have no DES and no GCM):
 * that is ENOSYS, accepted only when iproute2, asked for the same algorithms, gets the same
 * refusal from the kernel, so that a mistake in the addon's encoding cannot hide behind it.
 */
import t from 'tap';
import type { SaSpec } from '../src/kernel/sad-backend';
import type { SadError } from '../src/kernel/sad-error';
import { toXfrmSa } from '../src/kernel/xfrm-specs';
import { XfrmSocket } from '../src/native/xfrm';
import { Lab } from './helpers/netns';
import { XfrmNamespace, xfrmUnavailable } from './helpers/kernel-xfrm-lab';
import { espSa, key, SA_TABLE } from './helpers/sad-backend-contract';

/** `ip xfrm state add` for the SA's protocol and algorithms alone. */
function ipStateAdd(spec: SaSpec): string[] {
  const hex = (key: Buffer): string => (key.length === 0 ? '' : `0x${key.toString('hex')}`);
  const args = ['ip', 'xfrm', 'state', 'add', 'src', spec.src, 'dst', spec.dst, 'proto', spec.proto, 'spi', String(spec.spi), 'mode', spec.mode];
  const enc = spec.encryption;
  if (enc?.icvBits !== undefined) args.push('aead', enc.name, hex(enc.key), String(enc.icvBits));
  else if (enc) args.push('enc', enc.name, hex(enc.key));
  const auth = spec.integrity;
  if (auth) args.push('auth-trunc', auth.name, hex(auth.key), String(auth.truncationBits));
  return args;
}

const ROWS: Array<[string, SaSpec]> = [
  ...SA_TABLE,
  // Above 255 packets the window travels in XFRMA_REPLAY_ESN_VAL.
  ['replay window of 1024 packets', espSa({ replayWindow: 1024 })],
];

t.test('SA messages', { skip: xfrmUnavailable() ?? false }, async (t) => {
  const lab = Lab.create(t);
  const x = await XfrmNamespace.create(lab, 'sa');
  const backend = x.backend();
  const socket = new XfrmSocket({ netns: x.path });
  t.teardown(async () => {
    socket.close();
    await backend.close();
  });

  for (const [name, spec] of ROWS) {
    t.test(name, async (t) => {
      let refusal = '';
      const outcome = await backend.addSa(spec).then(() => 'installed', (err: SadError) => {
        refusal = (err.cause as { kernelMessage?: string } | undefined)?.kernelMessage ?? err.message;
        return err.code;
      });
      if (outcome === 'ENOSYS') {
        const viaIp = await x.ns.exec(ipStateAdd(spec), { allowFailure: true });
        t.equal(viaIp.stderr.trim(), `Error: ${refusal}.`, `the kernel lacks an algorithm: iproute2 is refused alike (${refusal})`);
        return;
      }
      t.ok(outcome === 'installed' || outcome === 'EPROTONOSUPPORT', `the kernel took the message (${outcome})`);
      if (outcome === 'installed') {
        t.equal((await backend.getSa(spec)).spec.replayWindow, spec.replayWindow, 'replay window read back');
        await backend.deleteSa(spec);
      }
    });
  }

  // Controls, through the raw socket past the backend's own checks: the kernel does look.
  t.test('the kernel does check what it took', async (t) => {
    const sa = toXfrmSa(espSa());
    t.match(await socket.newSa({ ...sa, crypt: { name: 'cbc(no-such-cipher)', key: key(16) } }).catch((e: unknown) => e),
      { code: 'ENOSYS', operation: 'XFRM_MSG_NEWSA' }, 'an unknown cipher is ENOSYS');
    t.match(await socket.newSa({ ...sa, auth: { name: 'hmac(sha1)', key: key(20), truncationBits: 200 } }).catch((e: unknown) => e),
      { code: 'EINVAL', operation: 'XFRM_MSG_NEWSA' }, 'a truncation longer than the digest is EINVAL');
    t.match(await socket.newSa({ ...sa, proto: 'ah', crypt: undefined, auth: undefined }).catch((e: unknown) => e),
      { code: 'EINVAL', operation: 'XFRM_MSG_NEWSA' }, 'AH without an algorithm is EINVAL');
    t.match(await socket.newSa({ ...toXfrmSa(espSa({ encryption: { name: 'rfc4106(gcm(aes))', key: key(20), icvBits: 128 }, integrity: undefined })), aead: { name: 'rfc4106(gcm(aes))', key: key(20), icvBits: 72 } }).catch((e: unknown) => e),
      { code: 'ENOSYS', operation: 'XFRM_MSG_NEWSA' }, 'an ICV length GCM does not have is no such algorithm');
  });
});

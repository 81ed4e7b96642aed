/**
 * The SA backend `ikegated --kernel` names, opened and proven usable before the daemon goes
 * on: a kernel backend that cannot reach the kernel (module not loaded, not root) stops the
 * start with one line that says what to do, instead of failing at the first negotiation.
 */
import type { KernelBackendName } from './daemon-options';
import { MemoryBackend } from './kernel/memory-backend';
import { PfkeyBackend } from './kernel/pfkey-backend';
import type { SadBackend } from './kernel/sad-backend';
import { XfrmBackend } from './kernel/xfrm-backend';

type KernelBackendKind = 'xfrm' | 'pfkey';

const MISSING: Readonly<Record<KernelBackendKind, string>> = {
  xfrm: 'the kernel has no XFRM netlink interface (modprobe xfrm_user, CONFIG_XFRM_USER)',
  pfkey: 'the kernel has no PF_KEY sockets (modprobe af_key, CONFIG_NET_KEY)',
};

/** What the operator can do about a refusal, by errno name. */
function remedy(kind: KernelBackendKind, code: string | undefined): string {
  switch (code) {
    case 'EPROTONOSUPPORT': case 'EAFNOSUPPORT':
      return `; ${MISSING[kind]}`;
    case 'EPERM': case 'EACCES':
      return '; run ikegated as root (CAP_NET_ADMIN)';
    default:
      return '';
  }
}

async function kernelBackend(kind: KernelBackendKind, open: () => SadBackend): Promise<SadBackend> {
  let backend: SadBackend | undefined;
  try {
    backend = open();
    // Reading the SAD needs the same rights and modules as writing it.
    await backend.listSas();
    return backend;
  } catch (err) {
    await backend?.close();
    const e = err as Error & { code?: string };
    throw new Error(`--kernel ${kind}: cannot use the kernel's SA database: ${e.message.split('\n')[0]}${remedy(kind, e.code)}`, { cause: err });
  }
}

export function openSadBackend(kind: KernelBackendName): Promise<SadBackend> {
  switch (kind) {
    case 'memory': return Promise.resolve(new MemoryBackend());
    case 'xfrm': return kernelBackend('xfrm', () => new XfrmBackend());
    case 'pfkey': return kernelBackend('pfkey', () => new PfkeyBackend());
    case 'userspace':
      return Promise.reject(new Error('--kernel userspace is not available in this build; use --kernel xfrm, pfkey or memory'));
  }
}

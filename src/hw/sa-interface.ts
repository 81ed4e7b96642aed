/**
 * The kernel interface that installs the negotiated SAs, as the engine registry sees it: an
 * IPsec transform is only as usable as the SA backend's ability to install it (PF_KEY has no
 * ICV length, so no HMAC-SHA256-128, and Linux's af_key no AEAD).
 */
import type { AhTransform, EspAuthTransform, EspCipherTransform } from '../config/algorithms';
import type { Transform } from '../config/model';
import { kernelCipher, kernelIntegrity } from '../kernel/kernel-algorithms';
import type { BackendKind, SaAlgorithms, SadBackend } from '../kernel/sad-backend';

/** What the registry needs of the daemon's SA backend. */
export type SaInterface = Pick<SadBackend, 'kind' | 'algorithmProblem'>;

/** How warnings name each backend's kernel interface. */
export const SA_INTERFACE_NAMES: Readonly<Record<BackendKind, string>> = {
  xfrm: 'XFRM', pfkey: 'PF_KEY', userspace: 'userspace ESP', memory: 'in-memory SAD',
};

/**
 * The kernel algorithms a transform-set transform puts in its SAs. esp-seal has none (no
 * kernel implements SEAL; negotiation never offers it).
 */
export function transformAlgorithms(t: Readonly<Transform>): SaAlgorithms {
  if (t.name.endsWith('-hmac')) {
    const { name, truncationBits } = kernelIntegrity(t.name as EspAuthTransform | AhTransform);
    return { integrity: { name, truncationBits } };
  }
  const sized = t.name === 'esp-aes' || t.name === 'esp-gcm';
  const cipher = kernelCipher(t.name as EspCipherTransform, sized ? t.keyBits : undefined);
  if (!cipher) return {};
  return { encryption: { name: cipher.name, ...(cipher.icvBits !== undefined ? { icvBits: cipher.icvBits } : {}) } };
}

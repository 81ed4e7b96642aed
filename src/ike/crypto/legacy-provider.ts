import { createCipheriv } from 'node:crypto';

/**
 * Single DES lives in OpenSSL 3's legacy provider, which Node loads only when started with
 * --openssl-legacy-provider (on the command line or in NODE_OPTIONS). Node has no API to
 * load a provider later, so the process either has DES from the start or never will.
 */
export const LEGACY_PROVIDER_FLAG = '--openssl-legacy-provider';

export class DesUnavailableError extends Error {
  constructor() {
    super(`DES-CBC is unavailable: OpenSSL's legacy provider is not loaded; start node with ${LEGACY_PROVIDER_FLAG} (or NODE_OPTIONS=${LEGACY_PROVIDER_FLAG})`);
    this.name = 'DesUnavailableError';
  }
}

let probed: boolean | undefined;

/** Whether des-cbc works in this process (probed once: it cannot change at run time). */
export function desAvailable(): boolean {
  if (probed === undefined) {
    try {
      // Creating one is the definitive test of what OpenSSL will do.
      createCipheriv('des-cbc', Buffer.alloc(8, 1), Buffer.alloc(8));
      probed = true;
    } catch {
      probed = false;
    }
  }
  return probed;
}

/** For the daemon at startup and for every DES operation: throws DesUnavailableError. */
export function requireDes(): void {
  if (!desAvailable()) throw new DesUnavailableError();
}

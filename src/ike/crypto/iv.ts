import { uint32 } from './bytes';
import { hash, type IkeHash } from './hash';

/**
 * CBC IVs of an ISAKMP SA (RFC 2409 appendix B). Phase 1 starts from hash(g^xi | g^xr); each
 * later message of an exchange uses the last ciphertext block of the one before; every
 * phase-2 or informational exchange starts from hash(last phase-1 IV | M-ID).
 * The hash is the negotiated hash algorithm (not the PRF), truncated to the block size.
 */

function truncate(digest: Buffer, blockSize: number): Buffer {
  if (digest.length < blockSize) throw new RangeError(`a ${digest.length}-byte hash cannot make a ${blockSize}-byte IV`);
  return Buffer.from(digest.subarray(0, blockSize));
}

export function phase1Iv(hashAlgorithm: IkeHash, blockSize: number, gxi: Buffer, gxr: Buffer): Buffer {
  return truncate(hash(hashAlgorithm, gxi, gxr), blockSize);
}

export function phase2Iv(hashAlgorithm: IkeHash, blockSize: number, lastPhase1Iv: Buffer, messageId: number): Buffer {
  return truncate(hash(hashAlgorithm, lastPhase1Iv, uint32(messageId)), blockSize);
}

/** The IV for the next message of an exchange: the last block of this one's ciphertext. */
export function lastBlock(ciphertext: Buffer, blockSize: number): Buffer {
  if (ciphertext.length < blockSize) throw new RangeError(`ciphertext of ${ciphertext.length} bytes has no ${blockSize}-byte block`);
  return Buffer.from(ciphertext.subarray(ciphertext.length - blockSize));
}

/**
 * The running IVs of one ISAKMP SA by message ID (0 is phase 1). Call `advance`
 * only once a message has been accepted (or sent), so a forged or corrupt packet cannot
 * desynchronise the chain.
 */
export class IvChain {
  private phase1: Buffer;
  /** Made on demand and dropped when empty: an idle SA, the usual one, then holds no Map. */
  private phase2: Map<number, Buffer> | undefined;

  constructor(
    private readonly hashAlgorithm: IkeHash,
    private readonly blockSize: number,
    gxi: Buffer,
    gxr: Buffer,
  ) {
    this.phase1 = phase1Iv(hashAlgorithm, blockSize, gxi, gxr);
  }

  /** The IV for the next message with this ID; a new phase-2 ID starts from phase 1's last. */
  current(messageId: number): Buffer {
    if (messageId === 0) return this.phase1;
    let iv = this.phase2?.get(messageId);
    if (!iv) {
      iv = phase2Iv(this.hashAlgorithm, this.blockSize, this.phase1, messageId);
      (this.phase2 ??= new Map()).set(messageId, iv);
    }
    return iv;
  }

  /** Chain on from a message of this ID that was sent or accepted. */
  advance(messageId: number, ciphertext: Buffer): void {
    const iv = lastBlock(ciphertext, this.blockSize);
    if (messageId === 0) this.phase1 = iv;
    else (this.phase2 ??= new Map()).set(messageId, iv);
  }

  /** Drop a finished phase-2 or informational exchange's state. */
  forget(messageId: number): void {
    this.phase2?.delete(messageId);
    if (this.phase2?.size === 0) this.phase2 = undefined;
  }
}

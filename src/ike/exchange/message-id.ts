import type { MessageIdLookup } from '../sa/message-ids';

/** Random octets that are not all zero (a zero cookie or message ID means "none yet"). */
export function nonZeroRandom(random: (n: number) => Buffer, length: number): Buffer {
  for (;;) {
    const bytes = random(length);
    if (bytes.some((b) => b !== 0)) return bytes;
  }
}

/** A message ID for a new phase-2 or informational exchange: random, non-zero, unused in the SA. */
export function newMessageId(random: (n: number) => Buffer, used: MessageIdLookup): number {
  for (;;) {
    const id = nonZeroRandom(random, 4).readUInt32BE(0);
    if (!used.has(id)) return id;
  }
}

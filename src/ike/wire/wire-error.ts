import type { NotifyType } from './constants';

/**
 * A message that cannot be accepted, with the notification the receive path may answer with
 * (RFC 2408 5) and the byte offset, counted from the start of the ISAKMP header, where the
 * fault was found. Decoders throw nothing else, whatever the input.
 */
export class WireError extends Error {
  override readonly name = 'WireError';

  constructor(
    readonly notify: NotifyType,
    readonly offset: number,
    message: string,
  ) {
    super(message);
  }
}

/** Throw a WireError; a function so checks read as one line each. */
export function reject(notify: NotifyType, offset: number, message: string): never {
  throw new WireError(notify, offset, message);
}

import { isRtnlError } from '../native/rtnl';

/** A change the kernel refused or an interface it does not have; the message is for the console. */
export class NetError extends Error {
  override readonly name = 'NetError';
}

/** "Cannot add route ...: Network is unreachable (Nexthop has invalid gateway)". */
export function kernelRefusal(what: string, err: unknown): NetError {
  if (!isRtnlError(err)) return new NetError(`${what}: ${err instanceof Error ? err.message : String(err)}`);
  // The native message is "RTM_NEWROUTE: <strerror>[: <extended ack>] (<CODE>)".
  const text = err.message.slice(err.operation.length + 2).replace(/ \([A-Z0-9_]+\)$/, '');
  const [reason, ...detail] = text.split(': ');
  return new NetError(`${what}: ${reason}${detail.length ? ` (${detail.join(': ')})` : ''}`);
}

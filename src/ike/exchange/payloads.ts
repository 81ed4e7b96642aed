import { NotifyType, type Payload } from '../wire';
import { refuse } from './exchange-error';

type PayloadOf<T extends Payload['type']> = Extract<Payload, { type: T }>;

export function payloadsOf<T extends Payload['type']>(payloads: readonly Payload[], type: T): PayloadOf<T>[] {
  return payloads.filter((p): p is PayloadOf<T> => p.type === type);
}

/** The one payload of a type a message must carry; refuses the message otherwise. */
export function requireOne<T extends Payload['type']>(payloads: readonly Payload[], type: T, what: string): PayloadOf<T> {
  const found = payloadsOf(payloads, type);
  if (found.length !== 1) refuse(NotifyType.PAYLOAD_MALFORMED, `expected one ${what} payload, got ${found.length}`);
  return found[0];
}

/** An optional payload that may appear at most once. */
export function optionalOne<T extends Payload['type']>(payloads: readonly Payload[], type: T, what: string): PayloadOf<T> | undefined {
  const found = payloadsOf(payloads, type);
  if (found.length > 1) refuse(NotifyType.PAYLOAD_MALFORMED, `${found.length} ${what} payloads`);
  return found[0];
}

/** RFC 2408 3.14.1: types below 16384 report errors; the rest are status. */
export function isErrorNotify(notifyType: number): boolean {
  return notifyType > 0 && notifyType < NotifyType.CONNECTED;
}

/** The RFC name of a notification type, or its number. */
export function notifyName(notifyType: number): string {
  return Object.entries(NotifyType).find(([, v]) => v === notifyType)?.[0] ?? String(notifyType);
}

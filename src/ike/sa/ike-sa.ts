import type { PolicyParameters } from '../../config/model';
import type { IvChain } from '../crypto/iv';
import type { Identity } from '../wire';
import type { Endpoint } from './endpoint';
import type { UsedMessageIds } from './message-ids';

/** The ISAKMP SA's identity on the wire: CKY-I and CKY-R, 8 octets each. */
export interface CookiePair {
  readonly initiator: Buffer;
  readonly responder: Buffer;
}

export type Role = 'initiator' | 'responder';

/** RFC 2409 5: the keying material an established ISAKMP SA keeps. */
export interface IkeSaKeys {
  /** Source of every IPsec SA's KEYMAT. */
  readonly skeyidD: Buffer;
  /** Keys HASH(1..3) and informational hashes. */
  readonly skeyidA: Buffer;
  /** The cipher key cut from SKEYID_e. */
  readonly encryptionKey: Buffer;
}

/** Phase 1's keys: besides, SKEYID for HASH_I/HASH_R and SKEYID_e, which only yields the cipher key. */
export interface Phase1Keys extends IkeSaKeys {
  readonly skeyid: Buffer;
  readonly skeyidE: Buffer;
}

/**
 * What an established SA keeps of phase 1's keys, copied into one allocation: a gateway
 * holds thousands of SAs, and every digest Buffer comes with an ArrayBuffer of its own.
 */
export function keptKeys(keys: IkeSaKeys): IkeSaKeys {
  const { skeyidD: d, skeyidA: a, encryptionKey: e } = keys;
  const all = Buffer.allocUnsafeSlow(d.length + a.length + e.length);
  d.copy(all, 0);
  a.copy(all, d.length);
  e.copy(all, d.length + a.length);
  return {
    skeyidD: all.subarray(0, d.length),
    skeyidA: all.subarray(d.length, d.length + a.length),
    encryptionKey: all.subarray(d.length + a.length),
  };
}

/**
 * NAT traversal as phase 1 left it: the dialect the peer's vendor IDs announced, what the
 * NAT-D hashes showed, and whether we faked our own to force encapsulation.
 */
export interface NatTState {
  readonly dialect: 'rfc3947' | 'draft' | 'none';
  /** Our address/port is translated (the peer's hash of our side did not match). */
  readonly natLocal: boolean;
  /** The peer's address/port is translated (or the peer forces encapsulation). */
  readonly natRemote: boolean;
  /** We sent a random NAT-D for ourselves (force encapsulation). */
  readonly forced: boolean;
}

/** Whether traffic with this peer goes UDP-encapsulated on port 4500. */
export function natDetected(nat: NatTState): boolean {
  return nat.dialect !== 'none' && (nat.natLocal || nat.natRemote || nat.forced);
}

/**
 * An established ISAKMP SA: plain data. `ivs` is the one stateful part (the CBC chain per
 * message ID); `messageIds` holds the phase-2 and informational IDs used so far, so a
 * responder can refuse a reused one. Times are milliseconds on the caller's clock.
 */
export interface IkeSa {
  readonly cookies: CookiePair;
  readonly role: Role;
  readonly exchange: 'main' | 'aggressive';
  /** Updated by the driver when the peer floats to 4500 or its NAT mapping moves. */
  local: Endpoint;
  remote: Endpoint;
  readonly localId: Identity;
  readonly remoteId: Identity;
  /** The protection suite in force; its lifetime is the negotiated (shorter) one. */
  readonly policy: PolicyParameters;
  readonly keys: IkeSaKeys;
  readonly ivs: IvChain;
  readonly natT: NatTState;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly messageIds: UsedMessageIds;
}

/** Seconds of life left (0 once expired). */
export function remainingSeconds(sa: { readonly expiresAt: number }, now: number): number {
  return Math.max(0, Math.floor((sa.expiresAt - now) / 1000));
}

/**
 * A map key for a cookie pair, not for display: its 16 octets as latin1 text, half the hex
 * spelling's length. Joined, not concatenated: V8 makes a concatenation a rope, and a rope
 * kept as a key holds its flattened copy besides (one per SA, per table).
 */
export function cookieKey(cookies: CookiePair): string {
  return [cookies.initiator.toString('latin1'), cookies.responder.toString('latin1')].join('');
}

import type { Arrival } from '../exchange/context';
import type { Effect } from '../exchange/effects';
import type { QuickModeInitiator, QuickModeResponder } from '../exchange/quick-mode';
import type { Phase2Offer } from '../policy/phase2-offer';
import type { IpsecProtocol } from '../policy/ipsec-transform';
import { cookieKey, type CookiePair, type IkeSa, type Role } from '../sa/ike-sa';
import type { IkePort } from '../transport/ike-socket';
import type { Retransmission } from '../transport/retransmit';
import type { UdpPeer } from '../transport/udp-endpoint';
import type { ReservedSpis } from './ipsec-installer';

/** What a Quick Mode is started for: a flow of a crypto map entry towards a peer. */
export interface QuickModeRequest {
  readonly peer: string;
  /** Our address towards the peer, should a phase 1 be needed first. */
  readonly local: string;
  readonly offer: Phase2Offer;
  /** One negotiation per flow at a time (see flowKey). */
  readonly flow: string;
}

/** The Main and Aggressive Mode machines, either role. */
export interface Phase1Machine {
  receive(datagram: Buffer, now: number, arrival?: Arrival): Effect[];
  cancel(reason: string): Effect[];
  readonly retransmission: Buffer | undefined;
  readonly cookies: CookiePair;
}

interface SlotBase {
  readonly key: string;
  readonly peer: string;
  readonly role: Role;
  /** Our clock when the exchange began. */
  readonly startedAt: number;
  /** The message being retransmitted until the peer answers. */
  retransmit?: { readonly bytes: Buffer; readonly handle: Retransmission };
  /** Set when the exchange ended; the slot is then closed. */
  outcome?: 'done' | 'failed';
}

/** A phase-1 exchange in progress. */
export interface Phase1Slot extends SlotBase {
  readonly kind: 'phase1';
  readonly exchange: 'main' | 'aggressive';
  readonly machine: Phase1Machine;
  /** Our address in this exchange. */
  readonly local: string;
  /** Where the peer talks from and on which of our ports: answers go back the same way. */
  remote: UdpPeer;
  via: IkePort;
  /** Messages accepted from the peer, for the IOS state names. */
  received: number;
}

/** A Quick Mode in progress under an established IKE SA. */
export interface QuickSlot extends SlotBase {
  readonly kind: 'quick';
  readonly ikeSa: IkeSa;
  readonly machine: QuickModeInitiator | QuickModeResponder;
  readonly spis: ReservedSpis;
  /** Protocols whose reserved SPI went into an installed SA. */
  readonly used: Set<IpsecProtocol>;
  /** Initiator: the request it serves. */
  readonly request?: QuickModeRequest;
}

export type Slot = Phase1Slot | QuickSlot;

/*
 * Keys are joined: a template literal would make a rope, which as a kept Map key (here and in
 * the duplicate detector) holds its flattened copy besides.
 */

/** A phase-1 exchange is the initiator's cookie from one peer address. */
export function phase1Key(peer: string, initiatorCookie: Buffer): string {
  return ['p1', peer, initiatorCookie.toString('hex')].join(' ');
}

/** A Quick Mode is its IKE SA and message ID. */
export function quickKey(cookies: CookiePair, messageId: number): string {
  return ['qm', cookieKey(cookies), messageId].join(' ');
}

/** The live exchanges by key, and how many phase-1 exchanges each peer has running. */
export class ExchangeSlots {
  private readonly byKey = new Map<string, Slot>();
  private readonly phase1PerPeer = new Map<string, number>();
  /** Phase-1 exchanges we initiated that are still running. */
  private initiatedPhase1 = 0;

  add(slot: Slot): void {
    this.byKey.set(slot.key, slot);
    if (slot.kind !== 'phase1') return;
    this.phase1PerPeer.set(slot.peer, this.phase1Count(slot.peer) + 1);
    if (slot.role === 'initiator') this.initiatedPhase1++;
  }

  /** False when the slot was not (or no longer) registered. */
  remove(slot: Slot): boolean {
    if (this.byKey.get(slot.key) !== slot) return false;
    this.byKey.delete(slot.key);
    if (slot.kind === 'phase1') {
      if (slot.role === 'initiator') this.initiatedPhase1--;
      const left = this.phase1Count(slot.peer) - 1;
      if (left === 0) this.phase1PerPeer.delete(slot.peer);
      else this.phase1PerPeer.set(slot.peer, left);
    }
    return true;
  }

  get(key: string): Slot | undefined {
    return this.byKey.get(key);
  }

  phase1Count(peer: string): number {
    return this.phase1PerPeer.get(peer) ?? 0;
  }

  /** Phase-1 exchanges we initiated, with any peer, still running. */
  initiatingPhase1(): number {
    return this.initiatedPhase1;
  }

  all(): Slot[] {
    return [...this.byKey.values()];
  }

  phase1(): Phase1Slot[] {
    return this.all().filter((s): s is Phase1Slot => s.kind === 'phase1');
  }

  quickUnder(ikeSa: IkeSa): QuickSlot[] {
    return this.all().filter((s): s is QuickSlot => s.kind === 'quick' && s.ikeSa === ikeSa);
  }
}

import type { KeyUsage } from '../config/model';

/** Where a session is: one frame per nested mode, innermost last. */
export type ModeFrame =
  | { mode: 'user' }
  | { mode: 'exec' }
  | { mode: 'config' }
  | { mode: 'config-isakmp'; priority: number }
  | { mode: 'config-pubkey-chain' }
  | { mode: 'config-pubkey-key'; kind: 'named' | 'addressed'; id: string; usage: KeyUsage }
  | { mode: 'config-pubkey'; kind: 'named' | 'addressed'; id: string; usage: KeyUsage; hex: string[] }
  | { mode: 'config-crypto-map'; map: 'crypto' | 'dynamic'; tag: string; seq: number }
  | { mode: 'config-crypto-trans'; name: string }
  | { mode: 'config-ext-nacl'; name: string }
  | { mode: 'config-if'; name: string };

export type ModeId = ModeFrame['mode'];

/** Modes whose grammar is the command table (config-pubkey takes raw hex lines instead). */
export type GrammarMode = Exclude<ModeId, 'config-pubkey'>;

export const CONFIG_SUBMODES: readonly GrammarMode[] = [
  'config-isakmp', 'config-pubkey-chain', 'config-pubkey-key', 'config-crypto-map', 'config-crypto-trans', 'config-ext-nacl',
  'config-if',
];
export const CONFIG_MODES: readonly GrammarMode[] = ['config', ...CONFIG_SUBMODES];
export const EXEC_MODES: readonly GrammarMode[] = ['user', 'exec'];

export function promptFor(hostname: string, frame: ModeFrame): string {
  switch (frame.mode) {
    case 'user': return `${hostname}>`;
    case 'exec': return `${hostname}#`;
    default: return `${hostname}(${frame.mode})#`;
  }
}

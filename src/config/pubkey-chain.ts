import type { Config, KeyUsage, PeerPublicKey } from './model';
import { findWhere } from './collection';

export interface PeerKeyRef {
  kind: 'named' | 'addressed';
  id: string;
  usage: KeyUsage;
}

function same(k: PeerPublicKey, ref: PeerKeyRef): boolean {
  return k.kind === ref.kind && k.id === ref.id && k.usage === ref.usage;
}

export function ensurePeerKey(config: Config, ref: PeerKeyRef): PeerPublicKey {
  const found = findWhere(config.pubkeyChain, (k) => same(k, ref));
  if (found) return found;
  const k: PeerPublicKey = { kind: ref.kind, id: ref.id, usage: ref.usage };
  config.pubkeyChain.push(k);
  return k;
}

export function peerKeyAt(config: Config, ref: PeerKeyRef): PeerPublicKey {
  const k = findWhere(config.pubkeyChain, (x) => same(x, ref));
  if (!k) throw new Error(`internal: public key ${ref.id} vanished`);
  return k;
}

export function removePeerKey(config: Config, ref: PeerKeyRef): boolean {
  const i = config.pubkeyChain.findIndex((k) => same(k, ref));
  if (i < 0) return false;
  config.pubkeyChain.splice(i, 1);
  return true;
}

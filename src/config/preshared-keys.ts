import type { Config, PresharedKey, PresharedKeyTarget } from './model';
import { CliError } from '../cli/cli-error';
import { formatIpv4, isContiguousMask, parseIpv4 } from './ipv4';
import { indexWhere } from './collection';

/** IOS allows pre-shared keys of up to 128 characters. */
export const MAX_KEY_LENGTH = 128;

function sameTarget(a: PresharedKeyTarget, b: PresharedKeyTarget): boolean {
  if (a.kind === 'address' && b.kind === 'address') return a.address === b.address && a.mask === b.mask;
  if (a.kind === 'hostname' && b.kind === 'hostname') return a.hostname === b.hostname;
  return false;
}

/** An address target with the mask applied (IOS keeps the network address). */
export function addressTarget(address: string, mask: string | undefined): PresharedKeyTarget {
  const m = mask === undefined ? 0xffffffff : (parseIpv4(mask) as number);
  if (!isContiguousMask(m)) throw new CliError(`Invalid mask ${mask}: the mask must be contiguous`);
  const a = (parseIpv4(address) as number) & m;
  return { kind: 'address', address: formatIpv4(a >>> 0), mask: formatIpv4(m >>> 0) };
}

/** Add or replace the key for a target (one key per address/mask or hostname). */
export function setPresharedKey(config: Config, entry: PresharedKey): void {
  if (entry.key.length > MAX_KEY_LENGTH) throw new CliError(`Pre-shared key is too long: at most ${MAX_KEY_LENGTH} characters`);
  // One word of printable characters: running-config writes the key unquoted, so a key
  // with a space or a double quote (typed "in quotes") could not be read back.
  if (!/^[\x21-\x7e]+$/.test(entry.key) || entry.key.includes('"')) {
    throw new CliError('Invalid pre-shared key: use printable characters without spaces or double quotes');
  }
  const keys = config.isakmp.keys;
  const i = indexWhere(keys, (k) => sameTarget(k.target, entry.target));
  if (i >= 0) keys[i] = entry;
  else keys.push(entry);
}

export function removePresharedKey(config: Config, key: string, target: PresharedKeyTarget): void {
  const keys = config.isakmp.keys;
  const i = indexWhere(keys, (k) => sameTarget(k.target, target));
  if (i < 0) throw new CliError('No such pre-shared key');
  if ((keys[i] as PresharedKey).key !== key) throw new CliError('The key string does not match the configured pre-shared key');
  keys.splice(i, 1);
}

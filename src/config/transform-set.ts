import type { Config, Transform, TransformSet } from './model';
import type { TransformName } from './algorithms';
import { CliError } from '../cli/cli-error';
import { findWhere } from './collection';

type Role = 'esp-cipher' | 'esp-auth' | 'ah';

function roleOf(name: TransformName): Role {
  if (name.startsWith('ah-')) return 'ah';
  return name.endsWith('-hmac') ? 'esp-auth' : 'esp-cipher';
}

/**
 * The combination rules IOS enforces: at most one transform of each kind (AH, ESP cipher,
 * ESP authentication); GCM carries its own integrity so takes no ESP authentication; ESP
 * with neither cipher nor authentication is forbidden (RFC 4303), so esp-null needs one;
 * SEAL is a stream cipher and is accepted only with ESP authentication.
 */
export function checkTransforms(transforms: Transform[]): void {
  const seen = new Map<Role, TransformName>();
  for (const t of transforms) {
    const role = roleOf(t.name);
    const prior = seen.get(role);
    if (prior !== undefined) {
      throw new CliError(`Invalid transform combination: ${prior} and ${t.name} are both ${roleText(role)} transforms`);
    }
    seen.set(role, t.name);
  }
  const cipher = seen.get('esp-cipher');
  const auth = seen.get('esp-auth');
  if (cipher === 'esp-gcm' && auth) throw new CliError(`Invalid transform combination: esp-gcm provides integrity and cannot be combined with ${auth}`);
  if (cipher === 'esp-null' && !auth) throw new CliError('Invalid transform combination: esp-null needs an ESP authentication transform (ESP without cipher and authentication is not allowed)');
  if (cipher === 'esp-seal' && !auth) throw new CliError('Invalid transform combination: esp-seal needs an ESP authentication transform');
}

function roleText(role: Role): string {
  switch (role) {
    case 'ah': return 'AH authentication';
    case 'esp-cipher': return 'ESP encryption';
    case 'esp-auth': return 'ESP authentication';
  }
}

/** The key size a transform uses when none is typed (esp-aes and esp-gcm: 128 bits). */
export const DEFAULT_KEY_BITS = 128;

/** `esp-aes 128` is `esp-aes`: one form in the model, so a rendered config reloads equal. */
function canonicalTransform(t: Transform): Transform {
  return t.keyBits === DEFAULT_KEY_BITS ? { name: t.name } : t;
}

export function setTransformSet(config: Config, name: string, typed: Transform[]): void {
  const transforms = typed.map(canonicalTransform);
  checkTransforms(transforms);
  const existing = findWhere(config.transformSets, (t) => t.name === name);
  if (existing) existing.transforms = transforms;
  else config.transformSets.push({ name, transforms, mode: 'tunnel' });
}

export function transformSetAt(config: Config, name: string): TransformSet {
  const ts = findWhere(config.transformSets, (t) => t.name === name);
  if (!ts) throw new Error(`internal: transform set ${name} vanished`);
  return ts;
}

/** Crypto map entries that name this transform set. */
export function transformSetUsers(config: Config, name: string): string[] {
  const users: string[] = [];
  for (const m of config.cryptoMaps) {
    for (const e of m.entries) if (e.transformSets.includes(name)) users.push(`crypto map ${m.tag} ${e.seq}`);
  }
  for (const m of config.dynamicMaps) {
    for (const e of m.entries) if (e.transformSets.includes(name)) users.push(`crypto dynamic-map ${m.tag} ${e.seq}`);
  }
  return users;
}

/** Transform as typed in configuration ("esp-aes 256"). */
export function transformConfigText(t: Transform): string {
  return t.keyBits !== undefined && t.keyBits !== DEFAULT_KEY_BITS ? `${t.name} ${t.keyBits}` : t.name;
}

/** Transform as IOS shows it in show commands ("esp-256-aes"). */
export function transformShowText(t: Transform): string {
  if (t.name === 'esp-aes' && t.keyBits && t.keyBits !== DEFAULT_KEY_BITS) return `esp-${t.keyBits}-aes`;
  return transformConfigText(t);
}

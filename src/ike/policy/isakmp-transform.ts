import type { DhGroup, IkeAuth, IkeCipher, IkeHash } from '../../config/algorithms';
import { DH_GROUPS } from '../../config/algorithms';
import type { PolicyParameters } from '../../config/model';
import {
  attributeNumber, basicAttribute, IkeAttribute, IkeAuthMethod, IkeEncryption, IkeHash as WireHash,
  IsakmpTransformId, LifeType, numberAttribute, type DataAttribute, type Transform,
} from '../wire';

/**
 * Protection suites as RFC 2409 appendix A transform attributes, and back. IOS sends one
 * transform per policy; all of them travel in one proposal (RFC 2409 5: several transforms
 * in one proposal are alternatives).
 */

const ENCRYPTION: Readonly<Record<IkeCipher, { id: number; keyBits?: number }>> = {
  des: { id: IkeEncryption.DES_CBC },
  '3des': { id: IkeEncryption.DES3_CBC },
  aes128: { id: IkeEncryption.AES_CBC, keyBits: 128 },
  aes192: { id: IkeEncryption.AES_CBC, keyBits: 192 },
  aes256: { id: IkeEncryption.AES_CBC, keyBits: 256 },
};

const HASH: Readonly<Record<IkeHash, number>> = {
  md5: WireHash.MD5, sha1: WireHash.SHA, sha256: WireHash.SHA2_256, sha384: WireHash.SHA2_384,
};

const AUTH: Readonly<Record<IkeAuth, number>> = {
  'pre-share': IkeAuthMethod.PRE_SHARED_KEY,
  'rsa-sig': IkeAuthMethod.RSA_SIGNATURES,
  'rsa-encr': IkeAuthMethod.RSA_ENCRYPTION,
};

function keyOf<K extends string>(table: Readonly<Record<K, number>>, value: number): K | undefined {
  return (Object.keys(table) as K[]).find((k) => table[k] === value);
}

export function suiteTransform(number: number, suite: PolicyParameters): Transform {
  const enc = ENCRYPTION[suite.encryption];
  const attributes: DataAttribute[] = [basicAttribute(IkeAttribute.ENCRYPTION_ALGORITHM, enc.id)];
  if (enc.keyBits !== undefined) attributes.push(basicAttribute(IkeAttribute.KEY_LENGTH, enc.keyBits));
  attributes.push(
    basicAttribute(IkeAttribute.HASH_ALGORITHM, HASH[suite.hash]),
    basicAttribute(IkeAttribute.AUTHENTICATION_METHOD, AUTH[suite.authentication]),
    basicAttribute(IkeAttribute.GROUP_DESCRIPTION, suite.group),
    basicAttribute(IkeAttribute.LIFE_TYPE, LifeType.SECONDS),
    numberAttribute(IkeAttribute.LIFE_DURATION, suite.lifetime),
  );
  return { number, transformId: IsakmpTransformId.KEY_IKE, attributes };
}

/** A received transform as a suite; `lifetime` undefined when the peer set no time limit. */
export interface OfferedSuite extends Omit<PolicyParameters, 'lifetime'> {
  readonly lifetime: number | undefined;
}

/**
 * The suite a transform describes, or undefined when it asks for something no suite can be
 * (an unknown algorithm, a private group, a PRF, XAUTH methods...). A volume lifetime is
 * dropped: IKE SAs here have "no volume limit".
 */
export function readSuiteTransform(transform: Transform): OfferedSuite | undefined {
  if (transform.transformId !== IsakmpTransformId.KEY_IKE) return undefined;
  let encId: number | undefined;
  let keyBits: number | undefined;
  let hash: IkeHash | undefined;
  let authentication: IkeAuth | undefined;
  let group: DhGroup | undefined;
  let lifeType: number | undefined;
  let lifetime: number | undefined;
  for (const attribute of transform.attributes) {
    const value = attributeNumber(attribute);
    if (value === undefined) return undefined;
    switch (attribute.type) {
      case IkeAttribute.ENCRYPTION_ALGORITHM: encId = value; break;
      case IkeAttribute.KEY_LENGTH: keyBits = value; break;
      case IkeAttribute.HASH_ALGORITHM: hash = keyOf(HASH, value); if (!hash) return undefined; break;
      case IkeAttribute.AUTHENTICATION_METHOD: authentication = keyOf(AUTH, value); if (!authentication) return undefined; break;
      case IkeAttribute.GROUP_DESCRIPTION:
        if (!(DH_GROUPS as readonly number[]).includes(value)) return undefined;
        group = value as DhGroup;
        break;
      case IkeAttribute.LIFE_TYPE: lifeType = value; break;
      case IkeAttribute.LIFE_DURATION:
        if (lifeType === LifeType.SECONDS) lifetime = value;
        else if (lifeType !== LifeType.KILOBYTES) return undefined;
        break;
      default: return undefined;
    }
  }
  const encryption = (Object.keys(ENCRYPTION) as IkeCipher[]).find((c) => {
    const e = ENCRYPTION[c];
    // RFC 3602 makes the key length mandatory for AES; 128 bits when a peer leaves it out.
    return e.id === encId && (e.keyBits === undefined ? keyBits === undefined : e.keyBits === (keyBits ?? 128));
  });
  if (!encryption || !hash || !authentication || group === undefined) return undefined;
  return { encryption, hash, authentication, group, lifetime };
}

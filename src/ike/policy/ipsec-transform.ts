import { DH_GROUPS, espCipherCapability, type DhGroup, type EspCipherTransform } from '../../config/algorithms';
import type { TransformSet } from '../../config/model';
import { DEFAULT_KEY_BITS } from '../../config/transform-set';
import type { IpsecTransform } from '../crypto/keymat';
import {
  AhTransformId, attributeNumber, AuthAlgorithm, basicAttribute, EncapsulationMode, EspTransformId, IpsecAttribute,
  LifeType, numberAttribute, ProtocolId, type DataAttribute, type Transform,
} from '../wire';
import type { CapabilityOracle } from './capabilities';

export type IpsecProtocol = 'esp' | 'ah';

export const PROTOCOL_ID: Readonly<Record<IpsecProtocol, ProtocolId>> = { esp: ProtocolId.IPSEC_ESP, ah: ProtocolId.IPSEC_AH };

/** One protocol of a transform set as RFC 2407 transforms describe it. */
export interface IpsecSuite {
  readonly protocol: IpsecProtocol;
  readonly transformId: number;
  /** The KEY_LENGTH attribute (AES). */
  readonly keyBits?: number;
  /** The AUTHENTICATION_ALGORITHM attribute. */
  readonly authAlgorithm?: number;
  /** What the keys are cut for (src/ike/crypto/keymat.ts). */
  readonly keys: IpsecTransform;
}

const ESP_CIPHERS: Readonly<Record<Exclude<EspCipherTransform, 'esp-seal'>, { id: number; cipher: IpsecTransform['cipher']; sized: boolean }>> = {
  'esp-des': { id: EspTransformId.ESP_DES, cipher: 'des', sized: false },
  'esp-3des': { id: EspTransformId.ESP_3DES, cipher: '3des', sized: false },
  'esp-aes': { id: EspTransformId.ESP_AES, cipher: 'aes-cbc', sized: true },
  // IOS esp-gcm is the 16-octet ICV variant (RFC 4106).
  'esp-gcm': { id: EspTransformId.ESP_AES_GCM_16, cipher: 'aes-gcm', sized: true },
  'esp-null': { id: EspTransformId.ESP_NULL, cipher: 'null', sized: false },
};

const ESP_AUTH: Readonly<Record<string, { id: number; integrity: NonNullable<IpsecTransform['integrity']> }>> = {
  'esp-md5-hmac': { id: AuthAlgorithm.HMAC_MD5, integrity: 'hmac-md5' },
  'esp-sha-hmac': { id: AuthAlgorithm.HMAC_SHA, integrity: 'hmac-sha1' },
  'esp-sha256-hmac': { id: AuthAlgorithm.HMAC_SHA2_256, integrity: 'hmac-sha256' },
  'esp-sha384-hmac': { id: AuthAlgorithm.HMAC_SHA2_384, integrity: 'hmac-sha384' },
  'esp-sha512-hmac': { id: AuthAlgorithm.HMAC_SHA2_512, integrity: 'hmac-sha512' },
};

const AH: Readonly<Record<string, IpsecSuite>> = {
  'ah-md5-hmac': { protocol: 'ah', transformId: AhTransformId.AH_MD5, authAlgorithm: AuthAlgorithm.HMAC_MD5, keys: { integrity: 'hmac-md5' } },
  'ah-sha-hmac': { protocol: 'ah', transformId: AhTransformId.AH_SHA, authAlgorithm: AuthAlgorithm.HMAC_SHA, keys: { integrity: 'hmac-sha1' } },
};

/**
 * The protocols a transform set asks for, AH before ESP as RFC 2408 4.2 lists a bundle.
 * Undefined when the set cannot be negotiated: esp-seal has no IANA ESP transform number,
 * a cipher the crypto engine cannot do is left out of negotiation (seed), and so is a
 * transform whose SAs the kernel SA interface cannot install.
 */
export function transformSetSuites(set: TransformSet, engine: CapabilityOracle): IpsecSuite[] | undefined {
  if (!set.transforms.every((t) => engine.canInstall(t))) return undefined;
  const suites: IpsecSuite[] = [];
  const ah = set.transforms.find((t) => t.name.startsWith('ah-'));
  if (ah) suites.push(AH[ah.name]);
  const cipher = set.transforms.find((t) => t.name.startsWith('esp-') && !t.name.endsWith('-hmac'));
  const auth = set.transforms.find((t) => t.name.startsWith('esp-') && t.name.endsWith('-hmac'));
  if (cipher?.name === 'esp-seal') return undefined;
  if (cipher || auth) {
    const c = ESP_CIPHERS[(cipher?.name ?? 'esp-null') as keyof typeof ESP_CIPHERS];
    const keyBits = c.sized ? cipher?.keyBits ?? DEFAULT_KEY_BITS : undefined;
    const capability = espCipherCapability((cipher?.name ?? 'esp-null') as EspCipherTransform, keyBits);
    if (capability !== undefined && !engine.canEncrypt(capability)) return undefined;
    const a = auth ? ESP_AUTH[auth.name] : undefined;
    suites.push({
      protocol: 'esp',
      transformId: c.id,
      ...(keyBits !== undefined ? { keyBits } : {}),
      ...(a ? { authAlgorithm: a.id } : {}),
      keys: { cipher: c.cipher, ...(keyBits !== undefined ? { keyBits } : {}), ...(a ? { integrity: a.integrity } : {}) },
    });
  }
  return suites.length > 0 ? suites : undefined;
}

/** SA lifetimes; an absent value is no limit of that kind. */
export interface Lifetime {
  readonly seconds?: number;
  readonly kilobytes?: number;
}

export type EncapsulationDialect = 'rfc3947' | 'draft';
export type IpsecMode = 'tunnel' | 'transport';

/** The ENCAPSULATION_MODE value: plain, or UDP-encapsulated in the NAT-T dialect the peer speaks. */
export function encapsulationValue(mode: IpsecMode, udp: EncapsulationDialect | undefined): number {
  if (udp === 'rfc3947') return mode === 'tunnel' ? EncapsulationMode.UDP_ENCAPSULATED_TUNNEL : EncapsulationMode.UDP_ENCAPSULATED_TRANSPORT;
  if (udp === 'draft') return mode === 'tunnel' ? EncapsulationMode.UDP_ENCAPSULATED_TUNNEL_DRAFT : EncapsulationMode.UDP_ENCAPSULATED_TRANSPORT_DRAFT;
  return mode === 'tunnel' ? EncapsulationMode.TUNNEL : EncapsulationMode.TRANSPORT;
}

export function readEncapsulation(value: number): { mode: IpsecMode; udp: boolean } | undefined {
  switch (value) {
    case EncapsulationMode.TUNNEL: return { mode: 'tunnel', udp: false };
    case EncapsulationMode.TRANSPORT: return { mode: 'transport', udp: false };
    case EncapsulationMode.UDP_ENCAPSULATED_TUNNEL:
    case EncapsulationMode.UDP_ENCAPSULATED_TUNNEL_DRAFT: return { mode: 'tunnel', udp: true };
    case EncapsulationMode.UDP_ENCAPSULATED_TRANSPORT:
    case EncapsulationMode.UDP_ENCAPSULATED_TRANSPORT_DRAFT: return { mode: 'transport', udp: true };
    default: return undefined;
  }
}

/** The SA attributes beside the algorithms. */
export interface SaAttributes {
  readonly lifetime: Lifetime;
  readonly group: DhGroup | undefined;
  readonly encapsulation: number;
}

export function lifetimeAttributes(lifetime: Lifetime): DataAttribute[] {
  const out: DataAttribute[] = [];
  if (lifetime.seconds !== undefined) {
    out.push(basicAttribute(IpsecAttribute.SA_LIFE_TYPE, LifeType.SECONDS), numberAttribute(IpsecAttribute.SA_LIFE_DURATION, lifetime.seconds));
  }
  if (lifetime.kilobytes !== undefined) {
    out.push(basicAttribute(IpsecAttribute.SA_LIFE_TYPE, LifeType.KILOBYTES), numberAttribute(IpsecAttribute.SA_LIFE_DURATION, lifetime.kilobytes));
  }
  return out;
}

export function ipsecTransform(number: number, suite: IpsecSuite, sa: SaAttributes): Transform {
  const attributes = lifetimeAttributes(sa.lifetime);
  if (sa.group !== undefined) attributes.push(basicAttribute(IpsecAttribute.GROUP_DESCRIPTION, sa.group));
  attributes.push(basicAttribute(IpsecAttribute.ENCAPSULATION_MODE, sa.encapsulation));
  if (suite.authAlgorithm !== undefined) attributes.push(basicAttribute(IpsecAttribute.AUTHENTICATION_ALGORITHM, suite.authAlgorithm));
  if (suite.keyBits !== undefined) attributes.push(basicAttribute(IpsecAttribute.KEY_LENGTH, suite.keyBits));
  return { number, transformId: suite.transformId, attributes };
}

/** A received IPsec transform's values. */
export interface OfferedIpsecTransform {
  readonly transformId: number;
  readonly keyBits: number | undefined;
  readonly authAlgorithm: number | undefined;
  readonly group: DhGroup | undefined;
  readonly encapsulation: number | undefined;
  readonly lifetime: Lifetime;
}

/** Read life type/duration pairs (RFC 2407 4.5); undefined for an unknown type or a lone duration. */
export function readLifetime(attributes: readonly DataAttribute[]): Lifetime | undefined {
  let type: number | undefined;
  let seconds: number | undefined;
  let kilobytes: number | undefined;
  for (const a of attributes) {
    if (a.type === IpsecAttribute.SA_LIFE_TYPE) type = attributeNumber(a);
    if (a.type !== IpsecAttribute.SA_LIFE_DURATION) continue;
    const value = attributeNumber(a);
    if (value === undefined) return undefined;
    if (type === LifeType.SECONDS) seconds = value;
    else if (type === LifeType.KILOBYTES) kilobytes = value;
    else return undefined;
  }
  return { ...(seconds !== undefined ? { seconds } : {}), ...(kilobytes !== undefined ? { kilobytes } : {}) };
}

const KNOWN = new Set<number>([
  IpsecAttribute.SA_LIFE_TYPE, IpsecAttribute.SA_LIFE_DURATION, IpsecAttribute.GROUP_DESCRIPTION,
  IpsecAttribute.ENCAPSULATION_MODE, IpsecAttribute.AUTHENTICATION_ALGORITHM, IpsecAttribute.KEY_LENGTH,
]);

/** Undefined when the transform carries an attribute this gateway cannot honour (ESN, key rounds...). */
export function readIpsecTransform(transform: Transform): OfferedIpsecTransform | undefined {
  if (transform.attributes.some((a) => !KNOWN.has(a.type))) return undefined;
  const lifetime = readLifetime(transform.attributes);
  if (!lifetime) return undefined;
  const value = (type: number) => {
    const a = transform.attributes.find((x) => x.type === type);
    return a === undefined ? undefined : attributeNumber(a);
  };
  const group = value(IpsecAttribute.GROUP_DESCRIPTION);
  if (group !== undefined && !(DH_GROUPS as readonly number[]).includes(group)) return undefined;
  return {
    transformId: transform.transformId,
    keyBits: value(IpsecAttribute.KEY_LENGTH),
    authAlgorithm: value(IpsecAttribute.AUTHENTICATION_ALGORITHM),
    group: group as DhGroup | undefined,
    encapsulation: value(IpsecAttribute.ENCAPSULATION_MODE),
    lifetime,
  };
}

/** Whether a received transform has the algorithms of a suite (AES key size 128 when left out). */
export function suiteMatches(suite: IpsecSuite, offered: OfferedIpsecTransform): boolean {
  const keyBits = suite.keyBits === undefined ? offered.keyBits : offered.keyBits ?? DEFAULT_KEY_BITS;
  return offered.transformId === suite.transformId && keyBits === suite.keyBits && offered.authAlgorithm === suite.authAlgorithm;
}

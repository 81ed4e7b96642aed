/**
 * IKEv1 protocol numbers, named as the RFCs name them: RFC 2408 (ISAKMP), RFC 2409 (IKE,
 * appendix A), RFC 2407 (IPsec DOI), RFC 3947 (NAT-T), RFC 3706 (DPD) and the Mode Config /
 * XAUTH drafts. Each table is a const object plus a type of its values.
 */

type ValueOf<T> = T[keyof T];

/** The version octet of every IKEv1 header: major 1, minor 0. */
export const ISAKMP_VERSION = 0x10;

/** RFC 2408 3.1 and RFC 2409 (Quick Mode, New Group Mode); Transaction from Mode Config. */
export const ExchangeType = {
  BASE: 1,
  /** Main Mode in RFC 2409. */
  IDENTITY_PROTECTION: 2,
  AUTHENTICATION_ONLY: 3,
  AGGRESSIVE: 4,
  INFORMATIONAL: 5,
  TRANSACTION: 6,
  QUICK_MODE: 32,
  NEW_GROUP_MODE: 33,
} as const;
export type ExchangeType = ValueOf<typeof ExchangeType>;

/** RFC 2408 3.1 header flags. */
export const Flag = {
  ENCRYPTION: 0x01,
  COMMIT: 0x02,
  AUTHENTICATION_ONLY: 0x04,
} as const;
export type Flag = ValueOf<typeof Flag>;

/** RFC 2408 3.1, RFC 3947 (NAT-D 20, NAT-OA 21) and the NAT-T drafts' private-use numbers. */
export const PayloadType = {
  NONE: 0,
  SA: 1,
  P: 2,
  T: 3,
  KE: 4,
  ID: 5,
  CERT: 6,
  CR: 7,
  HASH: 8,
  SIG: 9,
  NONCE: 10,
  N: 11,
  D: 12,
  VID: 13,
  ATTR: 14,
  NAT_D: 20,
  NAT_OA: 21,
  NAT_D_DRAFT: 130,
  NAT_OA_DRAFT: 131,
} as const;
export type PayloadType = ValueOf<typeof PayloadType>;

/** RFC 2408 3.14.1 error and status types, RFC 2407 4.6.3 and RFC 3706 DPD. */
export const NotifyType = {
  INVALID_PAYLOAD_TYPE: 1,
  DOI_NOT_SUPPORTED: 2,
  SITUATION_NOT_SUPPORTED: 3,
  INVALID_COOKIE: 4,
  INVALID_MAJOR_VERSION: 5,
  INVALID_MINOR_VERSION: 6,
  INVALID_EXCHANGE_TYPE: 7,
  INVALID_FLAGS: 8,
  INVALID_MESSAGE_ID: 9,
  INVALID_PROTOCOL_ID: 10,
  INVALID_SPI: 11,
  INVALID_TRANSFORM_ID: 12,
  ATTRIBUTES_NOT_SUPPORTED: 13,
  NO_PROPOSAL_CHOSEN: 14,
  BAD_PROPOSAL_SYNTAX: 15,
  PAYLOAD_MALFORMED: 16,
  INVALID_KEY_INFORMATION: 17,
  INVALID_ID_INFORMATION: 18,
  INVALID_CERT_ENCODING: 19,
  INVALID_CERTIFICATE: 20,
  CERT_TYPE_UNSUPPORTED: 21,
  INVALID_CERT_AUTHORITY: 22,
  INVALID_HASH_INFORMATION: 23,
  AUTHENTICATION_FAILED: 24,
  INVALID_SIGNATURE: 25,
  ADDRESS_NOTIFICATION: 26,
  NOTIFY_SA_LIFETIME: 27,
  CERTIFICATE_UNAVAILABLE: 28,
  UNSUPPORTED_EXCHANGE_TYPE: 29,
  UNEQUAL_PAYLOAD_LENGTHS: 30,
  CONNECTED: 16384,
  RESPONDER_LIFETIME: 24576,
  REPLAY_STATUS: 24577,
  INITIAL_CONTACT: 24578,
  R_U_THERE: 36136,
  R_U_THERE_ACK: 36137,
} as const;
export type NotifyType = ValueOf<typeof NotifyType>;

/** Domain of Interpretation: 0 is generic ISAKMP (notifications, deletes), 1 is IPsec. */
export const Doi = {
  ISAKMP: 0,
  IPSEC: 1,
} as const;
export type Doi = ValueOf<typeof Doi>;

/** RFC 2407 4.2 situation bits. */
export const Situation = {
  SIT_IDENTITY_ONLY: 0x01,
  SIT_SECRECY: 0x02,
  SIT_INTEGRITY: 0x04,
} as const;
export type Situation = ValueOf<typeof Situation>;

/** RFC 2407 4.4.1 protocol identifiers. */
export const ProtocolId = {
  ISAKMP: 1,
  IPSEC_AH: 2,
  IPSEC_ESP: 3,
  IPCOMP: 4,
} as const;
export type ProtocolId = ValueOf<typeof ProtocolId>;

/** RFC 2407 4.4.2 (the only ISAKMP transform). */
export const IsakmpTransformId = {
  KEY_IKE: 1,
} as const;

/** RFC 2407 4.4.3 and the IANA registry for the SHA-2 entries. */
export const AhTransformId = {
  AH_MD5: 2,
  AH_SHA: 3,
  AH_DES: 4,
  AH_SHA2_256: 5,
  AH_SHA2_384: 6,
  AH_SHA2_512: 7,
} as const;

/** RFC 2407 4.4.4, RFC 2410 (NULL), RFC 3602 (AES-CBC), RFC 3686, RFC 4106, RFC 4543. */
export const EspTransformId = {
  ESP_DES_IV64: 1,
  ESP_DES: 2,
  ESP_3DES: 3,
  ESP_RC5: 4,
  ESP_IDEA: 5,
  ESP_CAST: 6,
  ESP_BLOWFISH: 7,
  ESP_3IDEA: 8,
  ESP_DES_IV32: 9,
  ESP_RC4: 10,
  ESP_NULL: 11,
  ESP_AES: 12,
  ESP_AES_CTR: 13,
  ESP_AES_GCM_8: 18,
  ESP_AES_GCM_12: 19,
  ESP_AES_GCM_16: 20,
  ESP_NULL_AUTH_AES_GMAC: 23,
} as const;

/** RFC 2407 4.4.5. */
export const IpcompTransformId = {
  IPCOMP_OUI: 1,
  IPCOMP_DEFLATE: 2,
  IPCOMP_LZS: 3,
} as const;

/** RFC 2409 appendix A: Phase 1 (ISAKMP SA) attribute classes. */
export const IkeAttribute = {
  ENCRYPTION_ALGORITHM: 1,
  HASH_ALGORITHM: 2,
  AUTHENTICATION_METHOD: 3,
  GROUP_DESCRIPTION: 4,
  GROUP_TYPE: 5,
  GROUP_PRIME: 6,
  GROUP_GENERATOR_ONE: 7,
  GROUP_GENERATOR_TWO: 8,
  GROUP_CURVE_A: 9,
  GROUP_CURVE_B: 10,
  LIFE_TYPE: 11,
  LIFE_DURATION: 12,
  PRF: 13,
  KEY_LENGTH: 14,
  FIELD_SIZE: 15,
  GROUP_ORDER: 16,
} as const;
export type IkeAttribute = ValueOf<typeof IkeAttribute>;

/** RFC 2409 appendix A encryption algorithms, AES-CBC from RFC 3602. */
export const IkeEncryption = {
  DES_CBC: 1,
  IDEA_CBC: 2,
  BLOWFISH_CBC: 3,
  RC5_R16_B64_CBC: 4,
  DES3_CBC: 5,
  CAST_CBC: 6,
  AES_CBC: 7,
} as const;

/** RFC 2409 appendix A hash algorithms, SHA-2 from RFC 4868's IANA entries. */
export const IkeHash = {
  MD5: 1,
  SHA: 2,
  TIGER: 3,
  SHA2_256: 4,
  SHA2_384: 5,
  SHA2_512: 6,
} as const;

/** RFC 2409 appendix A authentication methods, plus the XAUTH draft's private-use ones. */
export const IkeAuthMethod = {
  PRE_SHARED_KEY: 1,
  DSS_SIGNATURES: 2,
  RSA_SIGNATURES: 3,
  RSA_ENCRYPTION: 4,
  RSA_REVISED_ENCRYPTION: 5,
  XAUTH_INIT_PRESHARED: 65001,
  XAUTH_RESP_PRESHARED: 65002,
  XAUTH_INIT_RSA: 65005,
  XAUTH_RESP_RSA: 65006,
} as const;

/** Oakley groups: RFC 2409 (1-4), RFC 3526 (5, 14-18), RFC 5903 (19-21), RFC 5114 (22-24). */
export const GroupDescription = {
  MODP_768: 1,
  MODP_1024: 2,
  EC2N_155: 3,
  EC2N_185: 4,
  MODP_1536: 5,
  MODP_2048: 14,
  MODP_3072: 15,
  MODP_4096: 16,
  MODP_6144: 17,
  MODP_8192: 18,
  ECP_256: 19,
  ECP_384: 20,
  ECP_521: 21,
  MODP_1024_S160: 22,
  MODP_2048_S224: 23,
  MODP_2048_S256: 24,
} as const;

export const GroupType = {
  MODP: 1,
  ECP: 2,
  EC2N: 3,
} as const;

/** Life type values, the same numbers in RFC 2409 appendix A and RFC 2407 4.5. */
export const LifeType = {
  SECONDS: 1,
  KILOBYTES: 2,
} as const;

/** RFC 2407 4.5 IPsec SA attribute classes (ECN RFC 3168, ESN RFC 4304). */
export const IpsecAttribute = {
  SA_LIFE_TYPE: 1,
  SA_LIFE_DURATION: 2,
  GROUP_DESCRIPTION: 3,
  ENCAPSULATION_MODE: 4,
  AUTHENTICATION_ALGORITHM: 5,
  KEY_LENGTH: 6,
  KEY_ROUNDS: 7,
  COMPRESS_DICTIONARY_SIZE: 8,
  COMPRESS_PRIVATE_ALGORITHM: 9,
  ECN_TUNNEL: 10,
  EXTENDED_SEQUENCE_NUMBER: 11,
} as const;
export type IpsecAttribute = ValueOf<typeof IpsecAttribute>;

/** RFC 2407 4.5, RFC 3947 5.1 and the values of draft-ietf-ipsec-nat-t-ike-02/03. */
export const EncapsulationMode = {
  TUNNEL: 1,
  TRANSPORT: 2,
  UDP_ENCAPSULATED_TUNNEL: 3,
  UDP_ENCAPSULATED_TRANSPORT: 4,
  UDP_ENCAPSULATED_TUNNEL_DRAFT: 61443,
  UDP_ENCAPSULATED_TRANSPORT_DRAFT: 61444,
} as const;

/** RFC 2407 4.5 authentication algorithms, SHA-2 per RFC 4868, XCBC per RFC 3566. */
export const AuthAlgorithm = {
  HMAC_MD5: 1,
  HMAC_SHA: 2,
  DES_MAC: 3,
  KPDK: 4,
  HMAC_SHA2_256: 5,
  HMAC_SHA2_384: 6,
  HMAC_SHA2_512: 7,
  AES_XCBC_MAC: 9,
} as const;

/** RFC 2407 4.6.2.1 identification types. */
export const IdType = {
  IPV4_ADDR: 1,
  FQDN: 2,
  USER_FQDN: 3,
  IPV4_ADDR_SUBNET: 4,
  IPV6_ADDR: 5,
  IPV6_ADDR_SUBNET: 6,
  IPV4_ADDR_RANGE: 7,
  IPV6_ADDR_RANGE: 8,
  DER_ASN1_DN: 9,
  DER_ASN1_GN: 10,
  KEY_ID: 11,
} as const;
export type IdType = ValueOf<typeof IdType>;

/** RFC 2408 3.9 certificate encodings (CERT and CR payloads). */
export const CertEncoding = {
  PKCS7_WRAPPED_X509: 1,
  PGP: 2,
  DNS_SIGNED_KEY: 3,
  X509_SIGNATURE: 4,
  X509_KEY_EXCHANGE: 5,
  KERBEROS_TOKENS: 6,
  CRL: 7,
  ARL: 8,
  SPKI: 9,
  X509_ATTRIBUTE: 10,
} as const;

/** draft-ietf-ipsec-isakmp-mode-cfg-05 3.2 attribute payload types. */
export const CfgType = {
  ISAKMP_CFG_REQUEST: 1,
  ISAKMP_CFG_REPLY: 2,
  ISAKMP_CFG_SET: 3,
  ISAKMP_CFG_ACK: 4,
} as const;
export type CfgType = ValueOf<typeof CfgType>;

/** draft-ietf-ipsec-isakmp-mode-cfg-05 3.3 configuration attributes. */
export const ModeConfigAttribute = {
  INTERNAL_IP4_ADDRESS: 1,
  INTERNAL_IP4_NETMASK: 2,
  INTERNAL_IP4_DNS: 3,
  INTERNAL_IP4_NBNS: 4,
  INTERNAL_ADDRESS_EXPIRY: 5,
  INTERNAL_IP4_DHCP: 6,
  APPLICATION_VERSION: 7,
  INTERNAL_IP4_SUBNET: 13,
  SUPPORTED_ATTRIBUTES: 14,
} as const;

/** draft-beaulieu-ike-xauth-02 attributes carried in the same payload. */
export const XauthAttribute = {
  XAUTH_TYPE: 16520,
  XAUTH_USER_NAME: 16521,
  XAUTH_USER_PASSWORD: 16522,
  XAUTH_PASSCODE: 16523,
  XAUTH_MESSAGE: 16524,
  XAUTH_CHALLENGE: 16525,
  XAUTH_DOMAIN: 16526,
  XAUTH_STATUS: 16527,
  XAUTH_NEXT_PIN: 16528,
  XAUTH_ANSWER: 16529,
} as const;

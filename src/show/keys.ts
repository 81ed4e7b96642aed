import type { KeyUsage, PeerPublicKey } from '../config/model';
import type { KeyPairInfo } from '../keys/key-store';
import { formatKeyHex } from '../keys/public-key-der';

const USAGE_TEXT: Record<KeyUsage, string> = {
  general: 'General Purpose Key',
  signature: 'Signature Key',
  encryption: 'Encryption Key',
};

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** IOS time stamp: "17:45:02 UTC Nov 22 2026". */
export function iosTime(d: Date): string {
  const hms = d.toISOString().slice(11, 19);
  return `${hms} UTC ${MONTHS[d.getUTCMonth()]} ${d.getUTCDate()} ${d.getUTCFullYear()}`;
}

/** `show crypto key mypubkey rsa|ec`: public halves only. */
export function renderMyPublicKeys(keys: readonly KeyPairInfo[]): string[] {
  return keys.flatMap((k) => [
    `% Key pair was generated at: ${iosTime(k.createdAt)}`,
    `Key name: ${k.label}`,
    `Key type: ${k.algorithm === 'rsa' ? 'RSA KEYS' : 'EC KEYS'} ${k.bits} bits`,
    ' Storage Device: private-config',
    ` Usage: ${USAGE_TEXT[k.usage]}`,
    ` Key is ${k.exportable ? '' : 'not '}exportable.`,
    ' Key Data:',
    ...formatKeyHex(k.publicKeyDer, '  '),
  ]);
}

/** `show crypto key pubkey-chain rsa`: one line per peer key. */
export function renderPeerKeyTable(keys: readonly PeerPublicKey[]): string[] {
  return [
    'Codes: M - Manually configured, C - Extracted from certificate',
    '',
    'Code Usage        IP-Address/VRF   Keyring          Name',
    ...keys.map((k) => {
      const usage = k.usage === 'general' ? 'General' : k.usage === 'signature' ? 'Signature' : 'Encryption';
      const address = k.kind === 'addressed' ? k.id : (k.address ?? '');
      const name = k.kind === 'named' ? k.id : '';
      return `M    ${usage.padEnd(12)} ${address.padEnd(16)} ${'default'.padEnd(16)} ${name}`.trimEnd();
    }),
  ];
}

/** `show crypto key pubkey-chain rsa name N | address A`. */
export function renderPeerKeyDetail(k: PeerPublicKey): string[] {
  return [
    ...(k.kind === 'named' ? [`Key name: ${k.id}`] : []),
    ...(k.kind === 'addressed' ? [`Key address: ${k.id}`] : k.address ? [`Key address: ${k.address}`] : []),
    ` Usage: ${USAGE_TEXT[k.usage]}`,
    ' Source: Manually entered',
    ' Data:',
    ...(k.keyHex ? formatKeyHex(Buffer.from(k.keyHex, 'hex'), '  ') : ['  (no key-string entered)']),
  ];
}

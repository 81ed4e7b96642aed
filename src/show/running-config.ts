import type { Config, CryptoMapEntry, PeerPublicKey, PresharedKey } from '../config/model';
import { DEFAULT_POLICY } from '../config/model';
import type { IkeCipher, IkeHash } from '../config/algorithms';
import { transformConfigText } from '../config/transform-set';
import { aclEntryText, isNamedAcl, sortedAcls } from '../config/access-list';
import { formatKeyHex } from '../keys/public-key-der';

const CIPHER_WORDS: Record<IkeCipher, string> = { des: 'des', '3des': '3des', aes128: 'aes', aes192: 'aes 192', aes256: 'aes 256' };
const HASH_WORDS: Record<IkeHash, string> = { sha1: 'sha', sha256: 'sha256', sha384: 'sha384', md5: 'md5' };

/**
 * The configuration as IOS writes it: defaults omitted, sub-mode lines indented by one
 * space, sections in dependency order so that reading it back (boot, copy) rebuilds the
 * same configuration.
 */
export function renderConfig(c: Readonly<Config>, version: string): string[] {
  const out: string[] = ['!', `version ${version}`, '!', `hostname ${c.hostname}`, '!'];
  const section = (lines: string[]): void => {
    if (lines.length === 0) return;
    // Not push(...lines): 10,000 crypto map entries would overflow the call stack.
    for (const l of lines) out.push(l);
    out.push('!');
  };
  section(c.enableSecret ? [`enable secret 9 ${c.enableSecret}`] : []);
  section([
    ...(c.domainName ? [`ip domain name ${c.domainName}`] : []),
    ...c.hosts.map((h) => `ip host ${h.name} ${h.addresses.join(' ')}`),
  ]);
  section(c.engineAccelerator ? [] : ['no crypto engine accelerator']);
  section(c.pubkeyChain.length ? ['crypto key pubkey-chain rsa', ...c.pubkeyChain.flatMap(pubkeyLines)] : []);
  section(c.isakmp.policies.flatMap((p) => [
    `crypto isakmp policy ${p.priority}`,
    ...(p.encryption !== DEFAULT_POLICY.encryption ? [` encryption ${CIPHER_WORDS[p.encryption]}`] : []),
    ...(p.hash !== DEFAULT_POLICY.hash ? [` hash ${HASH_WORDS[p.hash]}`] : []),
    ...(p.authentication !== DEFAULT_POLICY.authentication ? [` authentication ${p.authentication}`] : []),
    ...(p.group !== DEFAULT_POLICY.group ? [` group ${p.group}`] : []),
    ...(p.lifetime !== DEFAULT_POLICY.lifetime ? [` lifetime ${p.lifetime}`] : []),
  ]));
  section([
    ...c.isakmp.keys.map(keyLine),
    ...(c.isakmp.identity !== 'address' ? [`crypto isakmp identity ${c.isakmp.identity}`] : []),
    ...(c.isakmp.clientAddressPool ? [`crypto isakmp client configuration address-pool local ${c.isakmp.clientAddressPool}`] : []),
    ...(c.isakmp.keyLog ? ['crypto isakmp key-log'] : []),
    ...(c.isakmp.enabled ? [] : ['no crypto isakmp']),
  ]);
  section(c.isakmp.inNegotiationSaLimit !== undefined ? [`crypto call admission limit ike in-negotiation-sa ${c.isakmp.inNegotiationSaLimit}`] : []);
  section(c.transformSets.flatMap((t) => [
    `crypto ipsec transform-set ${t.name} ${t.transforms.map(transformConfigText).join(' ')}`,
    ...(t.mode === 'transport' ? [' mode transport'] : []),
  ]));
  section(c.dynamicMaps.flatMap((m) => m.entries.flatMap((e) => [`crypto dynamic-map ${m.tag} ${e.seq}`, ...entryLines(e)])));
  section(c.cryptoMaps.flatMap((m) => [
    ...(m.clientConfigInitiate ? [`crypto map ${m.tag} client configuration address initiate`] : []),
    ...(m.clientConfigRespond ? [`crypto map ${m.tag} client configuration address respond`] : []),
    ...m.entries.flatMap((e) => e.dynamicMap !== undefined
      ? [`crypto map ${m.tag} ${e.seq} ipsec-isakmp dynamic ${e.dynamicMap}`]
      : [`crypto map ${m.tag} ${e.seq} ipsec-isakmp`, ...entryLines(e)]),
  ]));
  for (const i of c.interfaces) {
    section([
      `interface ${i.name}`,
      ...(i.address ? [` ip address ${i.address.address} ${i.address.mask}`] : [' no ip address']),
      ...(i.shutdown ? [' shutdown'] : []),
      ...(i.cryptoMap ? [` crypto map ${i.cryptoMap}`] : []),
    ]);
  }
  section(c.localPools.map((p) => `ip local pool ${p.name} ${p.start} ${p.end}`));
  section(c.routes.map((r) => `ip route ${r.prefix} ${r.mask} ${r.nextHop}`));
  const acls = sortedAcls(c.accessLists);
  section(acls.filter(([key]) => !isNamedAcl(key)).flatMap(([num, entries]) => entries.map((e) => `access-list ${num} ${aclEntryText(e)}`)));
  for (const [name, entries] of acls.filter(([key]) => isNamedAcl(key))) {
    section([`ip access-list extended ${name}`, ...entries.map((e) => ` ${aclEntryText(e)}`)]);
  }
  out.push('end');
  return out;
}

function keyLine(k: PresharedKey): string {
  const target = k.target.kind === 'hostname'
    ? `hostname ${k.target.hostname}`
    : `address ${k.target.address}${k.target.mask !== '255.255.255.255' ? ` ${k.target.mask}` : ''}`;
  return `crypto isakmp key ${k.key} ${target}${k.noXauth ? ' no-xauth' : ''}`;
}

function pubkeyLines(k: PeerPublicKey): string[] {
  const usage = k.usage === 'general' ? '' : ` ${k.usage}`;
  return [
    ` ${k.kind === 'named' ? 'named-key' : 'addressed-key'} ${k.id}${usage}`,
    ...(k.address ? [`  address ${k.address}`] : []),
    ...(k.keyHex ? ['  key-string', ...formatKeyHex(Buffer.from(k.keyHex, 'hex'), '   '), '  quit'] : []),
  ];
}

function entryLines(e: CryptoMapEntry): string[] {
  return [
    ...e.peers.map((p) => ` set peer ${p}`),
    ...(e.transformSets.length ? [` set transform-set ${e.transformSets.join(' ')}`] : []),
    ...(e.pfs !== undefined ? [` set pfs group${e.pfs}`] : []),
    ...(e.lifetimeSeconds !== undefined ? [` set security-association lifetime seconds ${e.lifetimeSeconds}`] : []),
    ...(e.lifetimeKilobytes !== undefined ? [` set security-association lifetime kilobytes ${e.lifetimeKilobytes}`] : []),
    ...(e.matchAddress !== undefined ? [` match address ${e.matchAddress}`] : []),
    ...(e.autoUp ? [' set auto-up'] : []),
  ];
}

/** The text saved as startup-config and shown by show running-config. */
export function configText(c: Readonly<Config>, version: string): string {
  return `${renderConfig(c, version).join('\n')}\n`;
}

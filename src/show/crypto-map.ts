import type { Config, CryptoMapEntry } from '../config/model';
import { DEFAULT_SA_LIFETIME_KILOBYTES, DEFAULT_SA_LIFETIME_SECONDS } from '../config/model';
import { aclEntryText } from '../config/access-list';
import { transformsBraced } from './transform-set';

const I1 = '        ';
const I2 = `${I1}${I1}`;

/** `show crypto map` / `show crypto dynamic-map` in the common IOS layout. */
export function renderCryptoMaps(config: Readonly<Config>, onlyTag?: string, kind: 'crypto' | 'dynamic' = 'crypto'): string[] {
  const out: string[] = [];
  const maps = kind === 'crypto' ? config.cryptoMaps : config.dynamicMaps;
  for (const map of maps) {
    if (onlyTag !== undefined && map.tag !== onlyTag) continue;
    for (const e of map.entries) {
      out.push(kind === 'crypto' ? `Crypto Map "${map.tag}" ${e.seq} ipsec-isakmp` : `Crypto Map Template "${map.tag}" ${e.seq}`);
      out.push(...entryLines(config, e));
    }
    if (kind === 'crypto') {
      const m = config.cryptoMaps.find((x) => x.tag === map.tag);
      if (m?.clientConfigInitiate) out.push(`${I1}Client configuration address: initiate`);
      if (m?.clientConfigRespond) out.push(`${I1}Client configuration address: respond`);
      out.push(`${I1}Interfaces using crypto map ${map.tag}:`);
      for (const i of config.interfaces) if (i.cryptoMap === map.tag) out.push(`${I2}${i.name}`);
      out.push('');
    }
  }
  return out;
}

function entryLines(config: Readonly<Config>, e: CryptoMapEntry): string[] {
  if (e.dynamicMap !== undefined) return [`${I1}Dynamic map template tag: ${e.dynamicMap}`];
  const out: string[] = [];
  for (const p of e.peers) out.push(`${I1}Peer = ${p}`);
  if (e.matchAddress !== undefined) {
    const acl = config.accessLists[e.matchAddress];
    out.push(`${I1}Extended IP access list ${e.matchAddress}`);
    for (const a of acl ?? []) out.push(`${I1}    access-list ${e.matchAddress} ${aclEntryText(a)}`);
  } else {
    out.push(`${I1}No matching address list set.`);
  }
  if (e.peers.length) out.push(`${I1}Current peer: ${e.peers[0]}`);
  const kb = e.lifetimeKilobytes ?? DEFAULT_SA_LIFETIME_KILOBYTES;
  const secs = e.lifetimeSeconds ?? DEFAULT_SA_LIFETIME_SECONDS;
  out.push(`${I1}Security association lifetime: ${kb} kilobytes/${secs} seconds`);
  out.push(`${I1}PFS (Y/N): ${e.pfs !== undefined ? 'Y' : 'N'}`);
  if (e.pfs !== undefined) out.push(`${I1}DH group:  group${e.pfs}`);
  out.push(`${I1}Transform sets={ `);
  for (const name of e.transformSets) {
    const ts = config.transformSets.find((t) => t.name === name);
    out.push(`${I2}${name}:  ${ts ? transformsBraced(ts) : '{ }'} , `);
  }
  out.push(`${I1}}`);
  return out;
}

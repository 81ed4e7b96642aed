import type { Command } from '../command';
import type { ModeFrame } from '../modes';
import type { DhGroup } from '../../config/algorithms';
import type { CryptoMapEntry } from '../../config/model';
import { CliError } from '../cli-error';
import { checkDnsName, checkTag } from '../../config/names';
import { canonicalIpv4 } from '../../config/ipv4';
import { ensureCryptoMap, ensureDynamicMap, ensureEntry, entryAt, pruneCryptoMap } from '../../config/crypto-map';
import { renderCryptoMaps } from '../../show/crypto-map';
import { indexWhere } from '../../config/collection';

const HELP: Record<string, string> = {
  tag: 'Crypto map tag',
  seq: 'Sequence to insert into crypto map entry',
  dmap: 'Name of dynamic crypto map template',
  dynamic: 'Enable dynamic crypto map support',
  ip: 'IP address of peer',
  host: 'Host name of the peer',
  ts: 'Proposal tag',
  num: 'IP access-list number',
  name: 'IP access-list name',
  address: 'Match address of packets to encrypt',
  group1: 'D-H Group1 (768-bit modulus)',
  group2: 'D-H Group2 (1024-bit modulus)',
  group5: 'D-H Group5 (1536-bit modulus)',
  group14: 'D-H Group14 (2048-bit modulus)',
  group15: 'D-H Group15 (3072-bit modulus)',
  group16: 'D-H Group16 (4096-bit modulus)',
  group19: 'D-H Group19 (256-bit elliptic curve)',
  group20: 'D-H Group20 (384-bit elliptic curve)',
  group24: 'D-H Group24 (2048-bit modulus & 256-bit subgroup)',
  lifetime: 'security association duration',
  secs: 'Security association duration in seconds',
  kb: 'Security association duration in kilobytes',
  client: 'Specify client configuration settings',
  configuration: 'Specify client configuration settings',
};

type MapFrame = Extract<ModeFrame, { mode: 'config-crypto-map' }>;

function mapFrame(frame: ModeFrame): MapFrame {
  if (frame.mode !== 'config-crypto-map') throw new Error('internal: not in config-crypto-map');
  return frame;
}

export function editingEntry(ctx: { config: Parameters<typeof entryAt>[0]; frame: ModeFrame }): CryptoMapEntry {
  const f = mapFrame(ctx.frame);
  return entryAt(ctx.config, f.map, f.tag, f.seq);
}

const PFS_GROUPS = 'group1|group2|group5|group14|group15|group16|group19|group20|group24';

/** `crypto map`, `crypto dynamic-map`, their entries' set/match commands, `show crypto map`. */
export const cryptoMapCommands: Command[] = [
  {
    modes: ['config'],
    syntax: 'crypto map tag:WORD seq:<1-65535> [ipsec-isakmp [dynamic dmap:WORD]]',
    help: HELP,
    run(ctx, args) {
      const tag = checkTag(args.str('tag'), 'crypto map tag');
      const seq = args.num('seq');
      const dmap = args.get('dmap');
      const map = ensureCryptoMap(ctx.config, tag);
      const { entry, created } = ensureEntry(map, seq);
      if (!created && (entry.dynamicMap !== undefined) !== (dmap !== undefined)) {
        throw new CliError(`Crypto map ${tag} ${seq} already exists as a ${entry.dynamicMap ? 'dynamic' : 'static'} entry; remove it first`);
      }
      if (dmap !== undefined) {
        entry.dynamicMap = checkTag(dmap, 'dynamic map tag');
        return;
      }
      if (created) {
        ctx.print('% NOTE: This new crypto map will remain disabled until a peer');
        ctx.print('        and a valid access list have been configured.');
      }
      ctx.enter({ mode: 'config-crypto-map', map: 'crypto', tag, seq });
    },
  },
  {
    modes: ['config'],
    syntax: 'no crypto map tag:WORD [seq:<1-65535>]',
    help: HELP,
    run(ctx, args) {
      const tag = args.str('tag');
      const map = ctx.config.cryptoMaps.find((m) => m.tag === tag);
      if (!map) throw new CliError(`Crypto map ${tag} does not exist`);
      const seq = args.get('seq');
      if (seq === undefined) {
        ctx.config.cryptoMaps.splice(ctx.config.cryptoMaps.indexOf(map), 1);
        return;
      }
      const i = map.entries.findIndex((e) => e.seq === Number(seq));
      if (i < 0) throw new CliError(`Crypto map ${tag} ${seq} does not exist`);
      map.entries.splice(i, 1);
      pruneCryptoMap(ctx.config, tag);
    },
  },
  {
    modes: ['config'],
    syntax: 'crypto map tag:WORD client configuration address how:{initiate|respond}',
    help: { ...HELP, address: 'Specify client network address configuration' },
    run(ctx, args) {
      const map = ensureCryptoMap(ctx.config, checkTag(args.str('tag'), 'crypto map tag'));
      if (args.str('how') === 'initiate') map.clientConfigInitiate = true;
      else map.clientConfigRespond = true;
    },
  },
  {
    modes: ['config'],
    syntax: 'no crypto map tag:WORD client configuration address how:{initiate|respond}',
    help: { ...HELP, address: 'Specify client network address configuration' },
    run(ctx, args) {
      const tag = args.str('tag');
      const map = ctx.config.cryptoMaps.find((m) => m.tag === tag);
      if (!map) throw new CliError(`Crypto map ${tag} does not exist`);
      if (args.str('how') === 'initiate') map.clientConfigInitiate = false;
      else map.clientConfigRespond = false;
      pruneCryptoMap(ctx.config, tag);
    },
  },
  {
    modes: ['config'],
    syntax: 'crypto dynamic-map tag:WORD seq:<1-65535>',
    help: { ...HELP, tag: 'Dynamic crypto map template tag' },
    run(ctx, args) {
      const tag = checkTag(args.str('tag'), 'dynamic map tag');
      const seq = args.num('seq');
      ensureEntry(ensureDynamicMap(ctx.config, tag), seq);
      ctx.enter({ mode: 'config-crypto-map', map: 'dynamic', tag, seq });
    },
  },
  {
    modes: ['config'],
    syntax: 'no crypto dynamic-map tag:WORD [seq:<1-65535>]',
    help: { ...HELP, tag: 'Dynamic crypto map template tag' },
    run(ctx, args) {
      const tag = args.str('tag');
      const list = ctx.config.dynamicMaps;
      const i = list.findIndex((m) => m.tag === tag);
      const map = list[i];
      if (!map) throw new CliError(`Dynamic crypto map ${tag} does not exist`);
      const seq = args.get('seq');
      if (seq !== undefined) {
        const j = map.entries.findIndex((e) => e.seq === Number(seq));
        if (j < 0) throw new CliError(`Dynamic crypto map ${tag} ${seq} does not exist`);
        map.entries.splice(j, 1);
      }
      if (seq === undefined || map.entries.length === 0) list.splice(i, 1);
    },
  },
  {
    modes: ['config-crypto-map'],
    syntax: 'set peer {ip:A.B.C.D|host:WORD}',
    help: HELP,
    run(ctx, args) {
      const ip = args.get('ip');
      const peer = ip !== undefined ? canonicalIpv4(ip) : checkDnsName(args.str('host'), 'peer hostname').toLowerCase();
      const e = editingEntry(ctx);
      if (!e.peers.includes(peer)) e.peers.push(peer);
    },
  },
  {
    modes: ['config-crypto-map'],
    syntax: 'no set peer {ip:A.B.C.D|host:WORD}',
    help: HELP,
    run(ctx, args) {
      const ip = args.get('ip');
      const peer = ip !== undefined ? canonicalIpv4(ip) : args.str('host').toLowerCase();
      const e = editingEntry(ctx);
      const i = e.peers.indexOf(peer);
      if (i < 0) throw new CliError(`Peer ${peer} is not set in this crypto map entry`);
      e.peers.splice(i, 1);
    },
  },
  {
    modes: ['config-crypto-map'],
    syntax: 'set transform-set ts:WORD*6',
    help: HELP,
    run(ctx, args) {
      const names = args.all('ts');
      for (const n of names) {
        if (indexWhere(ctx.config.transformSets, (t) => t.name === n) < 0) throw new CliError(`Transform set with tag "${n}" does not exist`);
      }
      editingEntry(ctx).transformSets = [...new Set(names)];
    },
  },
  { modes: ['config-crypto-map'], syntax: 'no set transform-set', run: (ctx) => void (editingEntry(ctx).transformSets = []) },
  {
    modes: ['config-crypto-map'],
    syntax: 'match address {num:<100-199>|name:WORD}',
    help: HELP,
    run(ctx, args) {
      editingEntry(ctx).matchAddress = args.get('num') ?? checkTag(args.str('name'), 'access list name');
    },
  },
  {
    modes: ['config-crypto-map'],
    syntax: 'no match address [{num:<100-199>|name:WORD}]',
    help: HELP,
    run: (ctx) => void delete editingEntry(ctx).matchAddress,
  },
  {
    modes: ['config-crypto-map'],
    syntax: `set pfs [group:{${PFS_GROUPS}}]`,
    help: HELP,
    run(ctx, args) {
      // The seed: with no group given, group1 is used.
      editingEntry(ctx).pfs = Number((args.get('group') ?? 'group1').slice('group'.length)) as DhGroup;
    },
  },
  { modes: ['config-crypto-map'], syntax: 'no set pfs', run: (ctx) => void delete editingEntry(ctx).pfs },
  {
    modes: ['config-crypto-map'],
    syntax: 'set security-association lifetime {seconds secs:<120-86400>|kilobytes kb:<2560-4194303>}',
    help: HELP,
    run(ctx, args) {
      const e = editingEntry(ctx);
      const secs = args.get('secs');
      if (secs !== undefined) e.lifetimeSeconds = Number(secs);
      else e.lifetimeKilobytes = args.num('kb');
    },
  },
  {
    modes: ['config-crypto-map'],
    syntax: 'no set security-association lifetime what:{seconds|kilobytes}',
    help: HELP,
    run(ctx, args) {
      const e = editingEntry(ctx);
      if (args.str('what') === 'seconds') delete e.lifetimeSeconds;
      else delete e.lifetimeKilobytes;
    },
  },
  {
    modes: ['exec'],
    syntax: 'show crypto map [tag tag:WORD]',
    help: { ...HELP, map: 'Crypto maps', tag: 'Crypto Map tag' },
    run(ctx, args) {
      const tag = args.get('tag');
      if (tag !== undefined && !ctx.config.cryptoMaps.some((m) => m.tag === tag)) throw new CliError(`Crypto map ${tag} does not exist`);
      for (const l of renderCryptoMaps(ctx.config, tag)) ctx.print(l);
    },
  },
  {
    modes: ['exec'],
    syntax: 'show crypto dynamic-map [tag tag:WORD]',
    help: { ...HELP, 'dynamic-map': 'Crypto map templates', tag: 'Dynamic crypto map tag' },
    run(ctx, args) {
      const tag = args.get('tag');
      if (tag !== undefined && !ctx.config.dynamicMaps.some((m) => m.tag === tag)) throw new CliError(`Dynamic crypto map ${tag} does not exist`);
      for (const l of renderCryptoMaps(ctx.config, tag, 'dynamic')) ctx.print(l);
    },
  },
];

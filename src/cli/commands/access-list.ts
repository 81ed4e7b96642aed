import type { Command } from '../command';
import type { Args } from '../grammar';
import type { AclEntry, AddressSpec } from '../../config/model';
import { CliError } from '../cli-error';
import { aclEntryText, sameEntry, sortedAcls, wildcardSpec } from '../../config/access-list';
import { canonicalIpv4 } from '../../config/ipv4';
import { indexWhere } from '../../config/collection';

const HELP = {
  num: 'IP extended access list',
  ip: 'Any Internet Protocol',
  any: 'Any host',
  host: 'A single host address',
  shost: 'Source address',
  saddr: 'Source address',
  swild: 'Source wildcard bits',
  dhost: 'Destination address',
  daddr: 'Destination address',
  dwild: 'Destination wildcard bits',
};

function spec(args: Args, side: 's' | 'd'): AddressSpec {
  const kind = args.get(side === 's' ? 'src' : 'dst');
  if (kind === 'any') return { kind: 'any' };
  if (kind === 'host') return { kind: 'host', address: canonicalIpv4(args.str(`${side}host`)) };
  return wildcardSpec(args.str(`${side}addr`), args.str(`${side}wild`));
}

const ENTRY_SYNTAX = 'action:{permit|deny} ip ' +
  'src:{any|host shost:A.B.C.D|saddr:A.B.C.D swild:A.B.C.D} dst:{any|host dhost:A.B.C.D|daddr:A.B.C.D dwild:A.B.C.D}';

/** Appends the entry `args` describe to list `key` (created if new). */
function addEntry(lists: Record<string, AclEntry[]>, key: string, args: Args): void {
  const entry: AclEntry = {
    action: args.str('action') as 'permit' | 'deny',
    protocol: 'ip',
    source: spec(args, 's'),
    destination: spec(args, 'd'),
  };
  const list = (lists[key] ??= []);
  // IOS ignores an entry identical to one already in the list.
  if (indexWhere(list, (e) => sameEntry(e, entry)) < 0) list.push(entry);
}

function namedList(frame: { mode: string; name?: string }): string {
  if (frame.mode !== 'config-ext-nacl' || frame.name === undefined) throw new Error('internal: not in config-ext-nacl');
  return frame.name;
}

/**
 * Extended IP access lists (the crypto map's `match address`): numbered 100-199, and named
 * ones (`ip access-list extended NAME`), which a gateway with more peers than numbers needs.
 */
export const accessListCommands: Command[] = [
  {
    modes: ['config'],
    syntax: `access-list num:<100-199> ${ENTRY_SYNTAX}`,
    help: HELP,
    run(ctx, args) {
      addEntry(ctx.config.accessLists, String(args.num('num')), args);
    },
  },
  {
    modes: ['config'],
    syntax: 'ip access-list extended name:WORD',
    help: { ...HELP, access: 'Named access-list', extended: 'Extended Access List', name: 'Access-list name' },
    run(ctx, args) {
      const name = args.str('name');
      if (/^\d/.test(name)) throw new CliError(`Invalid access list name ${name}: a name starts with a letter`);
      ctx.config.accessLists[name] ??= [];
      ctx.enter({ mode: 'config-ext-nacl', name });
    },
  },
  {
    modes: ['config'],
    syntax: 'no ip access-list extended name:WORD',
    help: { ...HELP, access: 'Named access-list', extended: 'Extended Access List', name: 'Access-list name' },
    run(ctx, args) {
      const name = args.str('name');
      if (!ctx.config.accessLists[name]) throw new CliError(`Access list ${name} does not exist`);
      delete ctx.config.accessLists[name];
    },
  },
  {
    modes: ['config-ext-nacl'],
    syntax: ENTRY_SYNTAX,
    help: HELP,
    run(ctx, args) {
      addEntry(ctx.config.accessLists, namedList(ctx.frame), args);
    },
  },
  {
    modes: ['config'],
    syntax: 'no access-list num:<100-199>',
    help: HELP,
    run(ctx, args) {
      const key = String(args.num('num'));
      if (!ctx.config.accessLists[key]) throw new CliError(`Access list ${key} does not exist`);
      delete ctx.config.accessLists[key];
    },
  },
  {
    modes: ['exec'],
    syntax: 'show access-lists [num:<100-199>]',
    help: HELP,
    run(ctx, args) {
      const only = args.get('num');
      for (const [num, entries] of sortedAcls(ctx.config.accessLists)) {
        if (only !== undefined && num !== only) continue;
        ctx.print(`Extended IP access list ${num}`);
        entries.forEach((e, i) => ctx.print(`    ${(i + 1) * 10} ${aclEntryText(e)}`));
      }
    },
  },
];

import type { Command } from '../command';
import { CliError } from '../cli-error';
import { canonicalIpv4, compareIpv4 } from '../../config/ipv4';
import { checkTag } from '../../config/names';

/** `ip local pool NAME START END` (addresses handed out by Mode Config). */
export const localPoolCommands: Command[] = [
  {
    modes: ['config'],
    syntax: 'ip local pool name:WORD start:A.B.C.D end:A.B.C.D',
    help: { local: 'Specify local options', pool: 'IP Local address pool lists', name: 'Create named local address pool', start: 'First IP address of range', end: 'Last IP address of range' },
    run(ctx, args) {
      const name = checkTag(args.str('name'), 'pool name');
      const start = canonicalIpv4(args.str('start'));
      const end = canonicalIpv4(args.str('end'));
      if (compareIpv4(start, end) > 0) throw new CliError(`Invalid pool range ${start} ${end}: the first address is above the last`);
      const pools = ctx.config.localPools;
      const existing = pools.find((p) => p.name === name);
      if (existing) Object.assign(existing, { start, end });
      else pools.push({ name, start, end });
    },
  },
  {
    modes: ['config'],
    syntax: 'no ip local pool name:WORD',
    help: { local: 'Specify local options', pool: 'IP Local address pool lists', name: 'Local address pool name' },
    run(ctx, args) {
      const i = ctx.config.localPools.findIndex((p) => p.name === args.str('name'));
      if (i < 0) throw new CliError(`Pool ${args.str('name')} does not exist`);
      ctx.config.localPools.splice(i, 1);
    },
  },
  {
    modes: ['exec'],
    syntax: 'show ip local pool',
    help: { ip: 'IP information', local: 'IP local options', pool: 'IP Local address pool statistics' },
    run(ctx) {
      ctx.print(' Pool                     Begin           End');
      for (const p of ctx.config.localPools) ctx.print(` ${p.name.padEnd(24)} ${p.start.padEnd(15)} ${p.end}`);
    },
  },
];

import type { Command } from '../command';
import { CliError } from '../cli-error';
import { compareRoutes, nextHopProblem, routePrefixProblem, sameRoute, staticRoute } from '../../config/static-route';
import { canonicalIpv4 } from '../../config/ipv4';
import type { StaticRoute } from '../../config/model';
import { buildRib } from '../../net/rib';
import { renderIpRoute } from '../../show/ip-route';
import { applyNetChange, currentInterfaceStatuses } from './net-state';

const HELP = {
  ip: 'Global IP configuration subcommands',
  route: 'Establish static routes',
  prefix: 'Destination prefix',
  mask: 'Destination prefix mask',
  hop: 'Forwarding router\'s address',
};

/** `[no] ip route PREFIX MASK NEXTHOP` and `show ip route`. */
export const ipRouteCommands: Command[] = [
  {
    modes: ['config'],
    syntax: 'ip route prefix:A.B.C.D mask:A.B.C.D hop:A.B.C.D',
    help: HELP,
    run(ctx, args) {
      const problem = routePrefixProblem(args.str('prefix'), args.str('mask')) ?? nextHopProblem(args.str('hop'));
      if (problem) throw new CliError(problem);
      const route = staticRoute(args.str('prefix'), args.str('mask'), args.str('hop'));
      if (ctx.config.interfaces.some((i) => i.address?.address === route.nextHop)) throw new CliError('Invalid next hop address (it\'s this router)');
      // Entering a route that exists is accepted and changes nothing, as on IOS.
      if (ctx.config.routes.some((r) => sameRoute(r, route))) return;
      ctx.config.routes.push(route);
      ctx.config.routes.sort(compareRoutes);
      return applyNetChange(ctx);
    },
  },
  {
    modes: ['config'],
    syntax: 'no ip route prefix:A.B.C.D mask:A.B.C.D [hop:A.B.C.D]',
    help: HELP,
    run(ctx, args) {
      const problem = routePrefixProblem(args.str('prefix'), args.str('mask'));
      if (problem) throw new CliError(problem);
      const prefix = canonicalIpv4(args.str('prefix'));
      const mask = canonicalIpv4(args.str('mask'));
      const hop = args.get('hop');
      const nextHop = hop === undefined ? undefined : canonicalIpv4(hop);
      // Without a next hop every route to the prefix goes.
      const matches = (r: StaticRoute): boolean => r.prefix === prefix && r.mask === mask && (nextHop === undefined || r.nextHop === nextHop);
      if (!ctx.config.routes.some(matches)) throw new CliError('No matching route to delete');
      ctx.config.routes = ctx.config.routes.filter((r) => !matches(r));
      return applyNetChange(ctx);
    },
  },
  {
    modes: ['user', 'exec'],
    syntax: 'show ip route',
    help: { ip: 'IP information', route: 'IP routing table' },
    async run(ctx) {
      for (const l of renderIpRoute(buildRib(await currentInterfaceStatuses(ctx), ctx.config.routes))) ctx.print(l);
    },
  },
];

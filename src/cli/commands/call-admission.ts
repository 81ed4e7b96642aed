import type { Command } from '../command';

const HELP = {
  call: 'Configure Call parameters',
  admission: 'Configure Call Admission Control',
  limit: 'Configure the limit for CAC',
  ike: 'Configure IKE CAC parameters',
  'in-negotiation-sa': 'Maximum number of in-negotiation IKE SAs allowed',
  count: 'Number of in-negotiation IKE SAs',
};

/**
 * `crypto call admission limit ike in-negotiation-sa N`: the most IKE SAs the key manager
 * negotiates as responder at once (half-open ones); further first messages are refused until
 * some finish. The `no` form restores the built-in default (no limit).
 */
export const callAdmissionCommands: Command[] = [
  {
    modes: ['config'],
    syntax: 'crypto call admission limit ike in-negotiation-sa count:<10-99999>',
    help: HELP,
    run(ctx, args) {
      ctx.config.isakmp.inNegotiationSaLimit = args.num('count');
    },
  },
  {
    modes: ['config'],
    syntax: 'no crypto call admission limit ike in-negotiation-sa [count:<10-99999>]',
    help: HELP,
    run: (ctx) => void delete ctx.config.isakmp.inNegotiationSaLimit,
  },
];

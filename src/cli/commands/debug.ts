import type { Command } from '../command';

const HELP = {
  debug: 'Debugging functions (see also \'undebug\')',
  undebug: 'Disable debugging functions (see also \'debug\')',
  crypto: 'Cryptographic subsystem',
  isakmp: 'ISAKMP Key Management',
  all: 'Enable all debugging',
  debugging: 'State of each debugging option',
};

const off = (ctx: Parameters<Command['run']>[0]): void => {
  ctx.services.ike.setDebug(false);
  ctx.print('Crypto ISAKMP debugging is off');
};

const allOff = (ctx: Parameters<Command['run']>[0]): void => {
  ctx.services.ike.setDebug(false);
  ctx.print('All possible debugging has been turned off');
};

/**
 * `debug crypto isakmp` raises the IKE logger to debug level while the daemon runs (the
 * records go to the log, not to the console); `undebug`/`no debug` lower it again.
 */
export const debugCommands: Command[] = [
  {
    modes: ['exec'],
    syntax: 'debug crypto isakmp',
    help: HELP,
    run(ctx) {
      ctx.services.ike.setDebug(true);
      ctx.print('Crypto ISAKMP debugging is on');
    },
  },
  { modes: ['exec'], syntax: 'undebug crypto isakmp', help: HELP, run: off },
  { modes: ['exec'], syntax: 'no debug crypto isakmp', help: HELP, run: off },
  { modes: ['exec'], syntax: 'undebug all', help: { ...HELP, all: 'Disable all debugging' }, run: allOff },
  { modes: ['exec'], syntax: 'no debug all', help: { ...HELP, all: 'Disable all debugging' }, run: allOff },
  {
    modes: ['exec'],
    syntax: 'show debugging',
    help: HELP,
    run(ctx) {
      if (ctx.services.ike.debugging) ctx.print('Cryptographic Subsystem:\n  Crypto ISAKMP debugging is on');
    },
  },
];

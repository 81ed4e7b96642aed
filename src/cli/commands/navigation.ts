import type { Command, Question } from '../command';
import { CONFIG_MODES } from '../modes';
import { verifySecret } from '../../config/enable-secret';
import { CliError } from '../cli-error';

const PASSWORD_TRIES = 3;

function askPassword(triesLeft: number): Question {
  return {
    prompt: 'Password: ',
    secret: true,
    answer: (ctx, line) => {
      if (verifySecret(line, ctx.config.enableSecret as string)) {
        ctx.enter({ mode: 'exec' });
        return;
      }
      if (triesLeft > 1) {
        ctx.ask(askPassword(triesLeft - 1));
        return;
      }
      throw new CliError('Bad secrets');
    },
  };
}

/** Moving between modes: enable, configure terminal, exit, end, do. */
export const navigationCommands: Command[] = [
  {
    modes: ['user'],
    syntax: 'enable',
    run(ctx) {
      if (ctx.config.enableSecret === undefined) ctx.enter({ mode: 'exec' });
      else ctx.ask(askPassword(PASSWORD_TRIES));
    },
  },
  { modes: ['exec'], syntax: 'enable', run() {} },
  { modes: ['exec'], syntax: 'disable', run: (ctx) => ctx.leave('user') },
  {
    modes: ['exec'],
    syntax: 'configure terminal',
    run(ctx) {
      ctx.print('Enter configuration commands, one per line.  End with CNTL/Z.');
      ctx.enter({ mode: 'config' });
    },
  },
  { modes: ['user', 'exec'], syntax: 'exit', help: { exit: 'Exit from the EXEC' }, run: (ctx) => ctx.leave('logout') },
  { modes: ['user', 'exec'], syntax: 'logout', run: (ctx) => ctx.leave('logout') },
  { modes: CONFIG_MODES, syntax: 'exit', run: (ctx) => ctx.leave('exit') },
  { modes: CONFIG_MODES, syntax: 'end', run: (ctx) => ctx.leave('end') },
  {
    modes: [...CONFIG_MODES],
    syntax: 'do command:LINE',
    help: { command: 'Exec Command' },
    run: (ctx, args) => ctx.runExec(args.str('command'), args.column('command') as number),
  },
];

import type { Command, CommandContext } from '../command';
import { CliError } from '../cli-error';
import { editingEntry } from './crypto-map';

const HELP = {
  'auto-up': 'Bring this entry\'s tunnel up at boot and keep it up',
};

/**
 * `set auto-up` in a crypto map entry: the key manager negotiates the entry's tunnel without
 * waiting for traffic, at boot and whenever it is down.
 */
export const autoUpCommands: Command[] = [
  {
    modes: ['config-crypto-map'],
    syntax: 'set auto-up',
    help: HELP,
    run(ctx) {
      // A dynamic map entry has no peer to bring a tunnel up with.
      if (dynamicEntry(ctx)) throw new CliError('set auto-up applies to static crypto map entries only');
      editingEntry(ctx).autoUp = true;
    },
  },
  { modes: ['config-crypto-map'], syntax: 'no set auto-up', help: HELP, run: (ctx) => void delete editingEntry(ctx).autoUp },
];

function dynamicEntry(ctx: CommandContext): boolean {
  return ctx.frame.mode === 'config-crypto-map' && ctx.frame.map === 'dynamic';
}

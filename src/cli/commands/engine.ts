import type { Command } from '../command';
import { renderEngineBrief, renderEngineConfiguration } from '../../hw/engine-report';

/** `crypto engine accelerator` and `show crypto engine`. */
export const engineCommands: Command[] = [
  { modes: ['config'], syntax: 'crypto engine accelerator', run: (ctx) => void (ctx.config.engineAccelerator = true) },
  { modes: ['config'], syntax: 'no crypto engine accelerator', run: (ctx) => void (ctx.config.engineAccelerator = false) },
  {
    modes: ['user', 'exec'],
    syntax: 'show crypto engine what:{brief|configuration}',
    help: { engine: 'Show crypto engine info', brief: 'Brief information', configuration: 'Configuration information' },
    run(ctx, args) {
      const text = args.str('what') === 'brief' ? renderEngineBrief(ctx.services.hw) : renderEngineConfiguration(ctx.services.hw);
      ctx.print(text.replace(/\n$/, ''));
    },
  },
];

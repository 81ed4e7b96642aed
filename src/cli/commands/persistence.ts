import type { Command, CommandContext } from '../command';
import { CliError } from '../cli-error';
import { configText } from '../../show/running-config';

/** NVRAM size IOS reports for startup-config; ours is a file, this is only the report. */
const NVRAM_BYTES = 262144;

async function saveConfig(ctx: CommandContext): Promise<void> {
  ctx.print('Building configuration...');
  try {
    await ctx.services.startup.write(configText(ctx.config, ctx.services.version));
  } catch (err) {
    throw new CliError(`Error writing startup-config: ${(err as Error).message}`);
  }
  ctx.print('[OK]');
}

/** write memory, copy running-config startup-config, show running-config/startup-config, show version. */
export const persistenceCommands: Command[] = [
  { modes: ['exec'], syntax: 'write [memory]', run: saveConfig },
  {
    modes: ['exec'],
    syntax: 'copy running-config startup-config',
    help: { 'running-config': 'Copy from current system configuration', 'startup-config': 'Copy to startup configuration' },
    run: saveConfig,
  },
  {
    modes: ['exec'],
    syntax: 'show running-config',
    run(ctx) {
      const text = configText(ctx.config, ctx.services.version);
      ctx.print('Building configuration...');
      ctx.print();
      ctx.print(`Current configuration : ${Buffer.byteLength(text)} bytes`);
      ctx.print(text.replace(/\n$/, ''));
    },
  },
  {
    modes: ['exec'],
    syntax: 'show startup-config',
    async run(ctx) {
      const text = await ctx.services.startup.read();
      if (text === undefined) throw new CliError('startup-config is not present');
      ctx.print(`Using ${Buffer.byteLength(text)} out of ${NVRAM_BYTES} bytes`);
      ctx.print(text.replace(/\n$/, ''));
    },
  },
  {
    modes: ['user', 'exec'],
    syntax: 'show version',
    run(ctx) {
      const up = Math.floor(process.uptime());
      ctx.print(`ikegate IKEv1/IPsec gateway, Version ${ctx.services.version}`);
      ctx.print(`${ctx.config.hostname} uptime is ${Math.floor(up / 86400)} days, ${Math.floor((up % 86400) / 3600)} hours, ${Math.floor((up % 3600) / 60)} minutes`);
      ctx.print(`Node.js ${process.version}, ${process.platform}-${process.arch}`);
    },
  },
  {
    modes: ['config'],
    syntax: 'version text:WORD',
    help: { version: 'Version of the software that wrote this configuration', text: 'Version string' },
    run() {
      // Written by show running-config; informational when a saved config is read back.
    },
  },
];

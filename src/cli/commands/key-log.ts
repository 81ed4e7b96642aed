import type { Command } from '../command';

const HELP = {
  'key-log': 'Log IKE SA keys for Wireshark (ikev1_decryption_table)',
};

/** `crypto isakmp key-log`: off by default; the file holds secrets (mode 0600). */
export const keyLogCommands: Command[] = [
  { modes: ['config'], syntax: 'crypto isakmp key-log', help: HELP, run: (ctx) => void (ctx.config.isakmp.keyLog = true) },
  { modes: ['config'], syntax: 'no crypto isakmp key-log', help: HELP, run: (ctx) => void delete ctx.config.isakmp.keyLog },
];

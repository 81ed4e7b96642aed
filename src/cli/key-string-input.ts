import type { CommandContext } from './command';
import type { ModeFrame } from './modes';
import { CliError } from './cli-error';
import { KeyStringError, parseRsaPublicKeyHex } from '../keys/public-key-der';
import { peerKeyAt } from '../config/pubkey-chain';

type KeyStringFrame = Extract<ModeFrame, { mode: 'config-pubkey' }>;

/**
 * A line typed after `key-string`: hex words until `quit`, as IOS reads them. The key is
 * validated as a whole at `quit`; a bad key leaves the previous one in place.
 */
export function acceptKeyStringLine(ctx: CommandContext, frame: KeyStringFrame, line: string): void {
  const text = line.trim();
  if (text === '' || text.startsWith('!')) return;
  if (text.toLowerCase() === 'quit') {
    let der: Buffer;
    try {
      der = parseRsaPublicKeyHex(frame.hex).der;
    } catch (err) {
      if (err instanceof KeyStringError) throw new CliError(err.message, true);
      throw err;
    }
    peerKeyAt(ctx.config, frame).keyHex = der.toString('hex').toUpperCase();
    ctx.leave('exit');
    return;
  }
  if (!/^[0-9A-Fa-f\s]+$/.test(text)) throw new CliError(`Invalid key-string line "${text}": hex digits expected (end with "quit")`);
  ctx.replaceFrame({ ...frame, hex: [...frame.hex, text] });
}

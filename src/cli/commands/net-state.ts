import { current, isDraft, original } from 'immer';
import type { CommandContext } from '../command';
import type { Config } from '../../config/model';
import { CliError } from '../cli-error';
import { NetError } from '../../net/net-error';
import { interfaceStatuses, type InterfaceStatus } from '../../net/interface-status';

/**
 * Applies the command's change of interfaces and routes to the kernel (when the router has
 * one) before the command completes: a change the kernel refuses fails the command, so the
 * configuration is not changed either.
 */
export function applyNetChange(ctx: CommandContext): Promise<void> | void {
  const net = ctx.services.net;
  // Without a kernel the command stays synchronous (see CliSession.invoke).
  if (!net || !isDraft(ctx.config)) return;
  return net.apply(original(ctx.config) as Config, current(ctx.config)).catch((err: unknown) => {
    throw err instanceof NetError ? new CliError(err.message) : err;
  });
}

/** The interfaces as the show commands see them: the kernel's state when there is a kernel. */
export async function currentInterfaceStatuses(ctx: CommandContext): Promise<InterfaceStatus[]> {
  const net = ctx.services.net;
  if (!net) return interfaceStatuses(ctx.config);
  try {
    return interfaceStatuses(ctx.config, await net.snapshot());
  } catch (err) {
    throw new CliError(`Cannot read the interfaces from the kernel: ${(err as Error).message}`);
  }
}

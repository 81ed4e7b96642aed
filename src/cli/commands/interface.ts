import type { Command } from '../command';
import type { Args } from '../grammar';
import type { ModeFrame } from '../modes';
import type { Config, Interface } from '../../config/model';
import { CliError } from '../cli-error';
import { canonicalIpv4, isContiguousMask, parseIpv4 } from '../../config/ipv4';
import { canonicalInterfaceName } from '../../config/interface-names';
import { checkTag } from '../../config/names';
import { renderIpInterfaceBrief } from '../../show/ip-interface-brief';
import { applyNetChange, currentInterfaceStatuses } from './net-state';

function ifaceAt(config: Config, frame: ModeFrame): Interface {
  if (frame.mode !== 'config-if') throw new Error('internal: not in config-if');
  const i = config.interfaces.find((x) => x.name === frame.name);
  if (!i) throw new Error(`internal: interface ${frame.name} vanished`);
  return i;
}

/**
 * Interface names as IOS (GigabitEthernet0/0, or abbreviated: gi0/0) or Linux (eth0, wan.10)
 * spell them; IOS abbreviations are stored expanded, as IOS shows them.
 */
function checkInterfaceName(name: string): string {
  if (!/^[A-Za-z][A-Za-z0-9/._:-]{0,31}$/.test(name)) throw new CliError(`Invalid interface name "${name}"`);
  return canonicalInterfaceName(name);
}

/** The name as typed in one word (gi0/1) or, as IOS also takes it, type and unit apart (gi 0/1). */
function typedInterfaceName(args: Args): string {
  const name = args.str('name');
  const unit = args.get('unit');
  if (unit === undefined) return checkInterfaceName(name);
  if (!/^[A-Za-z]+$/.test(name) || !/^\d+\/\d+$/.test(unit)) throw new CliError(`Invalid interface name "${name} ${unit}"`);
  return checkInterfaceName(`${name}${unit}`);
}

const NAME_HELP = { name: 'Interface name (e.g. eth0, GigabitEthernet0/0) or type (GigabitEthernet)', unit: 'Interface number (e.g. 0/1) after a type' };

const IP_HELP = { ip: 'Interface Internet Protocol config commands', address: 'Set the IP address of an interface' };
const SHUTDOWN_HELP = { shutdown: 'Shutdown the selected interface' };

/** A config-if command that edits the interface's settings, which then reach the kernel. */
function interfaceSetting(syntax: string, help: Command['help'], edit: (iface: Interface) => void): Command {
  return {
    modes: ['config-if'],
    syntax,
    help,
    run(ctx) {
      edit(ifaceAt(ctx.config, ctx.frame));
      return applyNetChange(ctx);
    },
  };
}

/**
 * `interface NAME` and its config-if sub-mode: `ip address`, `shutdown`, `crypto map`;
 * `show ip interface brief`. Address and admin state reach the kernel when the router has one.
 */
export const interfaceCommands: Command[] = [
  {
    modes: ['config'],
    syntax: 'interface name:WORD [unit:WORD]',
    help: NAME_HELP,
    run(ctx, args) {
      const name = typedInterfaceName(args);
      ctx.enter({ mode: 'config-if', name });
      if (ctx.config.interfaces.some((i) => i.name === name)) return;
      ctx.config.interfaces.push({ name });
      return applyNetChange(ctx);
    },
  },
  {
    modes: ['config'],
    syntax: 'no interface name:WORD [unit:WORD]',
    help: NAME_HELP,
    run(ctx, args) {
      const name = typedInterfaceName(args);
      const i = ctx.config.interfaces.findIndex((x) => x.name === name);
      if (i < 0) throw new CliError(`Interface ${name} is not configured`);
      ctx.config.interfaces.splice(i, 1);
      return applyNetChange(ctx);
    },
  },
  {
    modes: ['config-if'],
    syntax: 'ip address addr:A.B.C.D mask:A.B.C.D',
    help: { ...IP_HELP, addr: 'IP address', mask: 'IP subnet mask' },
    run(ctx, args) {
      const mask = parseIpv4(args.str('mask')) as number;
      if (!isContiguousMask(mask) || mask === 0) throw new CliError(`Bad mask ${args.str('mask')} for address ${args.str('addr')}`);
      const addr = parseIpv4(args.str('addr')) as number;
      const host = addr & ~mask;
      if (mask !== 0xffffffff && mask !== 0xfffffffe && (host === 0 || host === (~mask >>> 0))) {
        throw new CliError(`Bad mask ${args.str('mask')} for address ${args.str('addr')}`);
      }
      ifaceAt(ctx.config, ctx.frame).address = { address: canonicalIpv4(args.str('addr')), mask: canonicalIpv4(args.str('mask')) };
      return applyNetChange(ctx);
    },
  },
  interfaceSetting('no ip address', IP_HELP, (iface) => {
    delete iface.address;
  }),
  interfaceSetting('shutdown', SHUTDOWN_HELP, (iface) => {
    iface.shutdown = true;
  }),
  interfaceSetting('no shutdown', SHUTDOWN_HELP, (iface) => {
    delete iface.shutdown;
  }),
  {
    modes: ['config-if'],
    syntax: 'crypto map tag:WORD',
    help: { map: 'Assign a Crypto Map', tag: 'Crypto Map tag' },
    run(ctx, args) {
      const tag = checkTag(args.str('tag'), 'crypto map tag');
      ifaceAt(ctx.config, ctx.frame).cryptoMap = tag;
      if (!ctx.config.cryptoMaps.some((m) => m.tag === tag)) ctx.print(`% NOTE: crypto map ${tag} is not defined yet; the interface is not protected until it is.`);
    },
  },
  {
    modes: ['config-if'],
    syntax: 'no crypto map [tag:WORD]',
    help: { map: 'Assign a Crypto Map', tag: 'Crypto Map tag' },
    run: (ctx) => void delete ifaceAt(ctx.config, ctx.frame).cryptoMap,
  },
  {
    modes: ['user', 'exec'],
    syntax: 'show ip interface brief',
    help: { ip: 'IP information', interface: 'IP interface status and configuration', brief: 'Brief summary of IP status and configuration' },
    async run(ctx) {
      for (const l of renderIpInterfaceBrief(await currentInterfaceStatuses(ctx))) ctx.print(l);
    },
  },
];

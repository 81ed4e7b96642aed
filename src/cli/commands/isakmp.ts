import type { Command } from '../command';
import { CliError } from '../cli-error';
import { addressTarget, removePresharedKey, setPresharedKey } from '../../config/preshared-keys';
import { checkDnsName, checkTag } from '../../config/names';
import { canonicalIpv4 } from '../../config/ipv4';

const KEY_HELP = {
  key: 'Set pre-shared key for remote peer',
  keystring: 'pre-shared key',
  address: 'define shared key with IP address',
  hostname: 'define shared key with hostname',
  peer: 'Peer IP address',
  mask: 'Peer IP subnet mask',
  host: 'hostname of peer',
};

/** `crypto isakmp`, identity, pre-shared keys, client configuration address pool. */
export const isakmpCommands: Command[] = [
  { modes: ['config'], syntax: 'crypto isakmp', run: (ctx) => void (ctx.config.isakmp.enabled = true) },
  { modes: ['config'], syntax: 'no crypto isakmp', run: (ctx) => void (ctx.config.isakmp.enabled = false) },
  {
    modes: ['config'],
    syntax: 'crypto isakmp identity id:{address|dn|hostname}',
    help: {
      address: 'Use the IP address of the interface for the identity',
      dn: 'Use the distinguished name of the router cert for the identity',
      hostname: 'Use the hostname of the router for the identity',
    },
    run(ctx, args) {
      ctx.config.isakmp.identity = args.str('id') as 'address' | 'dn' | 'hostname';
    },
  },
  { modes: ['config'], syntax: 'no crypto isakmp identity', run: (ctx) => void (ctx.config.isakmp.identity = 'address') },
  {
    modes: ['config'],
    syntax: 'crypto isakmp key keystring:WORD address peer:A.B.C.D [mask:A.B.C.D] [no-xauth]',
    secret: ['keystring'],
    help: KEY_HELP,
    run(ctx, args) {
      const target = addressTarget(canonicalIpv4(args.str('peer')), args.get('mask'));
      setPresharedKey(ctx.config, { key: args.str('keystring'), target, noXauth: args.has('no-xauth') });
      if (target.kind === 'address' && target.mask === '0.0.0.0') {
        ctx.print('% WARNING: a mask of 0.0.0.0 makes this a group pre-shared key that every peer may use;');
        ctx.print('%          this weakens peer authentication and is not recommended.');
      }
    },
  },
  {
    modes: ['config'],
    syntax: 'crypto isakmp key keystring:WORD hostname host:WORD [no-xauth]',
    secret: ['keystring'],
    help: KEY_HELP,
    run(ctx, args) {
      const hostname = checkDnsName(args.str('host'), 'peer hostname').toLowerCase();
      setPresharedKey(ctx.config, { key: args.str('keystring'), target: { kind: 'hostname', hostname }, noXauth: args.has('no-xauth') });
    },
  },
  {
    modes: ['config'],
    syntax: 'no crypto isakmp key keystring:WORD address peer:A.B.C.D [mask:A.B.C.D]',
    secret: ['keystring'],
    help: KEY_HELP,
    run(ctx, args) {
      removePresharedKey(ctx.config, args.str('keystring'), addressTarget(canonicalIpv4(args.str('peer')), args.get('mask')));
    },
  },
  {
    modes: ['config'],
    syntax: 'no crypto isakmp key keystring:WORD hostname host:WORD',
    secret: ['keystring'],
    help: KEY_HELP,
    run(ctx, args) {
      removePresharedKey(ctx.config, args.str('keystring'), { kind: 'hostname', hostname: args.str('host').toLowerCase() });
    },
  },
  {
    modes: ['config'],
    syntax: 'crypto isakmp client configuration address-pool local pool:WORD',
    help: { pool: 'Name of the local address pool' },
    run(ctx, args) {
      ctx.config.isakmp.clientAddressPool = checkTag(args.str('pool'), 'pool name');
    },
  },
  {
    modes: ['config'],
    syntax: 'no crypto isakmp client configuration address-pool local [pool:WORD]',
    help: { pool: 'Name of the local address pool' },
    run(ctx, args) {
      const pool = args.get('pool');
      if (pool !== undefined && pool !== ctx.config.isakmp.clientAddressPool) throw new CliError(`Address pool ${pool} is not the configured one`);
      delete ctx.config.isakmp.clientAddressPool;
    },
  },
];

import type { Command } from '../command';
import { CliError } from '../cli-error';
import { checkDnsName, checkHostname } from '../../config/names';
import { hashSecret, isSecretHash } from '../../config/enable-secret';
import { canonicalIpv4 } from '../../config/ipv4';

const MAX_HOST_ADDRESSES = 8;

/** hostname, enable secret, ip domain name, ip host. */
export const systemCommands: Command[] = [
  {
    modes: ['config'],
    syntax: 'hostname name:WORD',
    help: { name: "This system's network name" },
    run(ctx, args) {
      ctx.config.hostname = checkHostname(args.str('name'));
    },
  },
  { modes: ['config'], syntax: 'no hostname', run: (ctx) => void (ctx.config.hostname = 'Router') },
  {
    modes: ['config'],
    syntax: 'enable secret [type:{0|9}] secret:WORD',
    secret: ['secret'],
    help: {
      0: 'Specifies an UNENCRYPTED password will follow',
      9: 'Specifies a SCRYPT HASHED secret will follow',
      secret: 'The secret',
    },
    run(ctx, args) {
      const secret = args.str('secret');
      if (args.get('type') === '9') {
        if (!isSecretHash(secret)) throw new CliError('Invalid secret hash: expected the $9$salt$hash form shown by show running-config');
        ctx.config.enableSecret = secret;
      } else {
        if (secret.length > 25) throw new CliError('Secret is too long: at most 25 characters');
        ctx.config.enableSecret = hashSecret(secret);
      }
    },
  },
  { modes: ['config'], syntax: 'no enable secret', run: (ctx) => void delete ctx.config.enableSecret },
  {
    modes: ['config'],
    syntax: 'ip {domain name|domain-name} name:WORD',
    help: { name: 'Default domain name' },
    run(ctx, args) {
      ctx.config.domainName = checkDnsName(args.str('name'), 'domain name');
    },
  },
  { modes: ['config'], syntax: 'no ip {domain name|domain-name}', run: (ctx) => void delete ctx.config.domainName },
  {
    modes: ['config'],
    syntax: `ip host name:WORD addr:A.B.C.D*${MAX_HOST_ADDRESSES}`,
    help: { name: 'Name of host', addr: 'Host IP address' },
    run(ctx, args) {
      const name = checkDnsName(args.str('name'), 'host name').toLowerCase();
      const addresses = args.all('addr').map(canonicalIpv4);
      const hosts = ctx.config.hosts;
      const existing = hosts.find((h) => h.name === name);
      if (existing) existing.addresses = addresses;
      else hosts.push({ name, addresses });
    },
  },
  {
    modes: ['config'],
    syntax: 'no ip host name:WORD',
    help: { name: 'Name of host' },
    run(ctx, args) {
      const name = args.str('name').toLowerCase();
      const i = ctx.config.hosts.findIndex((h) => h.name === name);
      if (i < 0) throw new CliError(`Host ${name} not found in the host table`);
      ctx.config.hosts.splice(i, 1);
    },
  },
];

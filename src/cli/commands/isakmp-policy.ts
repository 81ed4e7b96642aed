import type { Command } from '../command';
import type { DhGroup, IkeAuth, IkeCipher, IkeHash } from '../../config/algorithms';
import { DEFAULT_POLICY } from '../../config/model';
import { ensurePolicy, policyAt } from '../../config/isakmp-policy';
import { renderIsakmpPolicies } from '../../show/isakmp-policy';
import { ikeCipherCapability } from '../../config/algorithms';
import { CliError } from '../cli-error';
import { policyWarnings } from '../../config/hardware-warnings';

const HASHES: Record<string, IkeHash> = { sha: 'sha1', sha256: 'sha256', sha384: 'sha384', md5: 'md5' };

function editing(frame: { mode: string; priority?: number }): number {
  if (frame.mode !== 'config-isakmp' || frame.priority === undefined) throw new Error('internal: not in config-isakmp');
  return frame.priority;
}

/** `crypto isakmp policy` and its config-isakmp sub-mode; `show crypto isakmp policy`. */
export const isakmpPolicyCommands: Command[] = [
  {
    modes: ['config'],
    syntax: 'crypto isakmp policy prio:<1-10000>',
    help: { prio: 'Priority of protection suite' },
    run(ctx, args) {
      const priority = args.num('prio');
      ensurePolicy(ctx.config, priority);
      ctx.enter({ mode: 'config-isakmp', priority });
    },
  },
  {
    modes: ['config'],
    syntax: 'no crypto isakmp policy prio:<1-10000>',
    help: { prio: 'Priority of protection suite' },
    run(ctx, args) {
      const list = ctx.config.isakmp.policies;
      const i = list.findIndex((p) => p.priority === args.num('prio'));
      if (i < 0) throw new CliError(`ISAKMP policy ${args.num('prio')} does not exist`);
      list.splice(i, 1);
    },
  },
  {
    modes: ['config-isakmp'],
    syntax: 'encryption cipher:{des|3des|aes [bits:{128|192|256}]}',
    help: { 128: '128 bit keys.', 192: '192 bit keys.', 256: '256 bit keys.' },
    run(ctx, args) {
      const c = args.str('cipher');
      const cipher = (c === 'aes' ? `aes${args.get('bits') ?? '128'}` : c) as IkeCipher;
      const policy = policyAt(ctx.config, editing(ctx.frame));
      policy.encryption = cipher;
      // The seed: entering a method the hardware cannot do draws a warning (it is kept, not negotiated).
      for (const w of policyWarnings(policy, ctx.services.hw)) ctx.print(w);
    },
  },
  {
    modes: ['config-isakmp'],
    syntax: 'hash alg:{sha|sha256|sha384|md5}',
    run(ctx, args) {
      policyAt(ctx.config, editing(ctx.frame)).hash = HASHES[args.str('alg')] as IkeHash;
    },
  },
  {
    modes: ['config-isakmp'],
    syntax: 'authentication method:{rsa-sig|rsa-encr|pre-share}',
    run(ctx, args) {
      policyAt(ctx.config, editing(ctx.frame)).authentication = args.str('method') as IkeAuth;
    },
  },
  {
    modes: ['config-isakmp'],
    syntax: 'group g:{1|2|5|14|15|16|19|20|24}',
    help: {
      1: 'Diffie-Hellman group 1 (768 bit)',
      2: 'Diffie-Hellman group 2 (1024 bit)',
      5: 'Diffie-Hellman group 5 (1536 bit)',
      14: 'Diffie-Hellman group 14 (2048 bit)',
      15: 'Diffie-Hellman group 15 (3072 bit)',
      16: 'Diffie-Hellman group 16 (4096 bit)',
      19: 'Diffie-Hellman group 19 (256 bit ecp)',
      20: 'Diffie-Hellman group 20 (384 bit ecp)',
      24: 'Diffie-Hellman group 24 (2048 bit, 256 bit subgroup)',
    },
    run(ctx, args) {
      policyAt(ctx.config, editing(ctx.frame)).group = args.num('g') as DhGroup;
    },
  },
  {
    modes: ['config-isakmp'],
    syntax: 'lifetime seconds:<60-86400>',
    help: { seconds: 'lifetime in seconds' },
    run(ctx, args) {
      policyAt(ctx.config, editing(ctx.frame)).lifetime = args.num('seconds');
    },
  },
  {
    modes: ['config-isakmp'],
    syntax: 'no what:{encryption|hash|authentication|group|lifetime}',
    run(ctx, args) {
      const p = policyAt(ctx.config, editing(ctx.frame));
      const what = args.str('what') as keyof typeof DEFAULT_POLICY;
      Object.assign(p, { [what]: DEFAULT_POLICY[what] });
    },
  },
  {
    modes: ['user', 'exec'],
    syntax: 'show crypto isakmp policy',
    help: { crypto: 'Encryption module', isakmp: 'Show ISAKMP', policy: 'Show ISAKMP protection suite policy' },
    run(ctx) {
      const hw = ctx.services.hw;
      const lines = renderIsakmpPolicies(ctx.config.isakmp.policies, (p) => !hw.canEncrypt(ikeCipherCapability(p.encryption)));
      for (const l of lines) ctx.print(l);
    },
  },
];

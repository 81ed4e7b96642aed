import type { Command } from '../command';
import type { TransformName } from '../../config/algorithms';
import type { Transform } from '../../config/model';
import { CliError } from '../cli-error';
import { transformSetWarnings } from '../../config/hardware-warnings';
import { checkTag } from '../../config/names';
import { setTransformSet, transformSetAt, transformSetUsers } from '../../config/transform-set';
import { renderTransformSets } from '../../show/transform-set';

const TRANSFORM_HELP: Record<string, string> = {
  'esp-des': 'ESP transform using DES cipher (56 bits)',
  'esp-3des': 'ESP transform using 3DES(EDE) cipher (168 bits)',
  'esp-aes': 'ESP transform using AES cipher',
  'esp-gcm': 'ESP transform using GCM cipher',
  'esp-seal': 'ESP transform using SEAL cipher (160 bits)',
  'esp-null': 'ESP transform w/o cipher',
  'esp-md5-hmac': 'ESP transform using HMAC-MD5 auth',
  'esp-sha-hmac': 'ESP transform using HMAC-SHA auth',
  'esp-sha256-hmac': 'ESP transform using HMAC-SHA256 auth',
  'esp-sha384-hmac': 'ESP transform using HMAC-SHA384 auth',
  'esp-sha512-hmac': 'ESP transform using HMAC-SHA512 auth',
  'ah-md5-hmac': 'AH-HMAC-MD5 transform',
  'ah-sha-hmac': 'AH-HMAC-SHA transform',
  128: '128 bit keys.',
  192: '192 bit keys.',
  256: '256 bit keys.',
  name: 'Transform set tag',
};

/** One transform position; `n` keys its optional key size to it. */
function transformSyntax(n: number): string {
  return `t:{esp-des|esp-3des|esp-aes [bits${n}:{128|192|256}]|esp-gcm [bits${n}:{128|256}]|esp-seal|esp-null|` +
    'esp-md5-hmac|esp-sha-hmac|esp-sha256-hmac|esp-sha384-hmac|esp-sha512-hmac|ah-md5-hmac|ah-sha-hmac}';
}

function transformSetName(frame: { mode: string; name?: string }): string {
  if (frame.mode !== 'config-crypto-trans' || frame.name === undefined) throw new Error('internal: not in config-crypto-trans');
  return frame.name;
}

/** `crypto ipsec transform-set`, its sub-mode (`mode`), and `show crypto ipsec transform-set`. */
export const transformSetCommands: Command[] = [
  {
    modes: ['config'],
    syntax: `crypto ipsec transform-set name:WORD ${transformSyntax(1)} [${transformSyntax(2)} [${transformSyntax(3)}]]`,
    help: TRANSFORM_HELP,
    run(ctx, args) {
      const name = checkTag(args.str('name'), 'transform set name');
      const transforms: Transform[] = args.all('t').map((t, i) => {
        const bits = args.get(`bits${i + 1}`);
        return { name: t as TransformName, ...(bits !== undefined ? { keyBits: Number(bits) } : {}) };
      });
      setTransformSet(ctx.config, name, transforms);
      for (const w of transformSetWarnings(transformSetAt(ctx.config, name), ctx.services.hw)) ctx.print(w);
      ctx.enter({ mode: 'config-crypto-trans', name });
    },
  },
  {
    modes: ['config'],
    syntax: 'no crypto ipsec transform-set name:WORD',
    help: TRANSFORM_HELP,
    run(ctx, args) {
      const name = args.str('name');
      const i = ctx.config.transformSets.findIndex((t) => t.name === name);
      if (i < 0) throw new CliError(`Transform set ${name} does not exist`);
      const users = transformSetUsers(ctx.config, name);
      if (users.length) throw new CliError(`Transform set ${name} is in use by ${users.join(', ')}; remove it there first`);
      ctx.config.transformSets.splice(i, 1);
    },
  },
  {
    modes: ['config-crypto-trans'],
    syntax: 'mode m:{tunnel|transport}',
    run(ctx, args) {
      transformSetAt(ctx.config, transformSetName(ctx.frame)).mode = args.str('m') as 'tunnel' | 'transport';
    },
  },
  {
    modes: ['config-crypto-trans'],
    syntax: 'no mode',
    run(ctx) {
      transformSetAt(ctx.config, transformSetName(ctx.frame)).mode = 'tunnel';
    },
  },
  {
    modes: ['exec'],
    syntax: 'show crypto ipsec transform-set [tag name:WORD]',
    help: { ipsec: 'Show IPSEC policy', 'transform-set': 'Crypto transform sets', tag: 'Show a transform set with the given tag', name: 'Transform set tag' },
    run(ctx, args) {
      const name = args.get('name');
      const sets = ctx.config.transformSets.filter((t) => name === undefined || t.name === name);
      if (name !== undefined && sets.length === 0) throw new CliError(`Transform set ${name} does not exist`);
      for (const l of renderTransformSets(sets)) ctx.print(l);
    },
  },
];

import type { Command, CommandContext } from '../command';
import type { ModeFrame } from '../modes';
import type { KeyUsage } from '../../config/model';
import { CliError } from '../cli-error';
import { canonicalIpv4 } from '../../config/ipv4';
import { checkDnsName, checkTag } from '../../config/names';
import { ensurePeerKey, peerKeyAt, removePeerKey } from '../../config/pubkey-chain';
import { generateRsaKeyPair, RSA_MODULUS_MAX, RSA_MODULUS_MIN } from '../../keys/rsa-keygen';
import { generateEcKeyPair } from '../../keys/ec-keygen';
import { MAX_LABEL_BYTES, type NewKeyPair } from '../../keys/key-store';
import { renderMyPublicKeys, renderPeerKeyDetail, renderPeerKeyTable } from '../../show/keys';

const RECOMMENDED_MODULUS = 2048;

const HELP: Record<string, string> = {
  key: 'Long term key operations',
  label: 'Provide a label',
  l: 'RSA key pair label',
  bits: 'size of the key modulus in the range of 360 to 4096',
  size: 'Number of bits in the EC key',
  256: '256 bit keys',
  384: '384 bit keys',
  name: 'Key name (FQDN of the peer)',
  addr: 'IP address of the peer',
  encryption: 'Encryption key',
  signature: 'Signature key',
  zeroize: 'Remove keys',
};

/** The default label: the router's FQDN, which needs `ip domain name` (as in IOS). */
function defaultLabel(ctx: CommandContext): string {
  if (ctx.config.domainName === undefined) throw new CliError('Please define a domain-name first (ip domain name NAME), or give a label.');
  return `${ctx.config.hostname}.${ctx.config.domainName}`;
}

/**
 * The label typed (or the FQDN default), checked before any work: one word of printable
 * characters that the key store can keep (a file name holds it, hex-encoded).
 */
function keyLabel(ctx: CommandContext, typed: string | undefined): string {
  return checkTag(typed ?? defaultLabel(ctx), 'key label', MAX_LABEL_BYTES);
}

function replaceQuestion(label: string, go: (ctx: CommandContext) => Promise<void>): Parameters<CommandContext['ask']>[0] {
  return {
    prompt: `% You already have keys defined named ${label}.\n% Do you really want to replace them? [yes/no]: `,
    secret: false,
    async answer(ctx, line) {
      if (!/^y(es?)?$/i.test(line.trim())) {
        ctx.print('% Key generation aborted; the existing keys are kept.');
        return;
      }
      await go(ctx);
    },
  };
}

/** Generate now, or ask first on a terminal when the label already has keys (IOS asks). */
function generateOrAsk(ctx: CommandContext, label: string, go: (ctx: CommandContext) => Promise<void>): Promise<void> | void {
  const exists = ctx.services.keys.get(label) !== undefined;
  if (exists && ctx.interactive) {
    ctx.ask(replaceQuestion(label, go));
    return;
  }
  if (exists) ctx.print(`% Replacing the existing keys named ${label}.`);
  return go(ctx);
}

async function timed(ctx: CommandContext, work: () => Promise<void>): Promise<void> {
  const started = Date.now();
  await work();
  ctx.print(`[OK] (elapsed time was ${Math.round((Date.now() - started) / 1000)} seconds)`);
}

function pubkeyRef(frame: ModeFrame): Extract<ModeFrame, { mode: 'config-pubkey-key' }> {
  if (frame.mode !== 'config-pubkey-key') throw new Error('internal: not in config-pubkey-key');
  return frame;
}

function usageOf(args: { get(n: string): string | undefined }): KeyUsage {
  return (args.get('usage') as KeyUsage | undefined) ?? 'general';
}

/** The router's own keys (generate, zeroize, show) and the peers' public key chain. */
export const keyCommands: Command[] = [
  {
    modes: ['config'],
    syntax: 'crypto key generate rsa kind:{general-keys|usage-keys} [label l:WORD] [exportable] [modulus bits:<360-4096>]',
    help: HELP,
    run(ctx, args) {
      const label = keyLabel(ctx, args.get('l'));
      const usages: KeyUsage[] = args.str('kind') === 'usage-keys' ? ['signature', 'encryption'] : ['general'];
      const exportable = args.has('exportable');
      const bits = args.get('bits') === undefined ? RECOMMENDED_MODULUS : args.num('bits');
      return generateOrAsk(ctx, label, async (c) => {
        c.print(`The name for the keys will be: ${label}`);
        c.print();
        if (args.get('bits') === undefined) c.print(`% No modulus given; using ${RECOMMENDED_MODULUS} bits (range ${RSA_MODULUS_MIN} to ${RSA_MODULUS_MAX}).`);
        c.print(`% The key modulus size is ${bits} bits`);
        if (bits < RECOMMENDED_MODULUS) c.print(`% WARNING: a key modulus below ${RECOMMENDED_MODULUS} bits is not considered secure and is not recommended.`);
        c.progress(`% Generating ${bits} bit RSA keys, keys will be ${exportable ? '' : 'non-'}exportable...`);
        await timed(c, async () => {
          const pairs: NewKeyPair[] = [];
          for (const usage of usages) {
            const { privateKey } = await generateRsaKeyPair(bits);
            pairs.push({ label, usage, exportable, privateKey });
          }
          await c.services.keys.put(pairs);
        });
      });
    },
  },
  {
    modes: ['config'],
    syntax: 'crypto key generate ec {keysize|keysizes} size:{256|384} [label l:WORD]',
    help: HELP,
    run(ctx, args) {
      const label = keyLabel(ctx, args.get('l'));
      const size = args.num('size') as 256 | 384;
      return generateOrAsk(ctx, label, async (c) => {
        c.print(`The name for the keys will be: ${label}`);
        c.progress(`% Generating ${size} bit EC keys...`);
        await timed(c, async () => {
          const { privateKey } = await generateEcKeyPair(size);
          await c.services.keys.put([{ label, usage: 'general', exportable: false, privateKey }]);
        });
      });
    },
  },
  {
    modes: ['config'],
    syntax: 'crypto key zeroize {rsa|ec} [l:WORD]',
    help: { ...HELP, rsa: 'Remove RSA keys', ec: 'Remove EC keys', l: 'Key pair label' },
    async run(ctx, args) {
      const algorithm = args.has('rsa') ? 'rsa' : 'ec';
      const only = args.get('l');
      const labels = [...new Set(ctx.services.keys.list().filter((k) => k.algorithm === algorithm && (only === undefined || k.label === only)).map((k) => k.label))];
      if (labels.length === 0) throw new CliError(only !== undefined ? `No ${algorithm.toUpperCase()} keys named ${only}` : `No ${algorithm.toUpperCase()} keys to remove`);
      for (const l of labels) await ctx.services.keys.remove(l);
      ctx.print(`% ${labels.length} ${algorithm.toUpperCase()} key label(s) removed: ${labels.join(', ')}`);
    },
  },
  {
    modes: ['exec'],
    syntax: 'show crypto key mypubkey alg:{rsa|ec} [l:WORD]',
    help: { ...HELP, key: 'Show long term public keys', mypubkey: 'Show public keys associated with this router', rsa: 'Show RSA public keys', ec: 'Show EC public keys', l: 'Key pair label' },
    run(ctx, args) {
      const only = args.get('l');
      const keys = ctx.services.keys.list().filter((k) => k.algorithm === args.str('alg') && (only === undefined || k.label === only));
      for (const l of renderMyPublicKeys(keys)) ctx.print(l);
    },
  },
  {
    modes: ['config'],
    syntax: 'crypto key pubkey-chain rsa',
    help: { ...HELP, rsa: 'Peer RSA public key chain' },
    run: (ctx) => ctx.enter({ mode: 'config-pubkey-chain' }),
  },
  {
    modes: ['config-pubkey-chain'],
    syntax: 'named-key name:WORD [usage:{encryption|signature}]',
    help: HELP,
    run(ctx, args) {
      const ref = { kind: 'named' as const, id: checkDnsName(args.str('name'), 'key name').toLowerCase(), usage: usageOf(args) };
      ensurePeerKey(ctx.config, ref);
      ctx.enter({ mode: 'config-pubkey-key', ...ref });
    },
  },
  {
    modes: ['config-pubkey-chain'],
    syntax: 'addressed-key addr:A.B.C.D [usage:{encryption|signature}]',
    help: HELP,
    run(ctx, args) {
      const ref = { kind: 'addressed' as const, id: canonicalIpv4(args.str('addr')), usage: usageOf(args) };
      ensurePeerKey(ctx.config, ref);
      ctx.enter({ mode: 'config-pubkey-key', ...ref });
    },
  },
  {
    modes: ['config-pubkey-chain'],
    syntax: 'no {named-key name:WORD|addressed-key addr:A.B.C.D} [usage:{encryption|signature}]',
    help: HELP,
    run(ctx, args) {
      const addr = args.get('addr');
      const ref = addr !== undefined
        ? { kind: 'addressed' as const, id: canonicalIpv4(addr), usage: usageOf(args) }
        : { kind: 'named' as const, id: args.str('name').toLowerCase(), usage: usageOf(args) };
      if (!removePeerKey(ctx.config, ref)) throw new CliError(`No ${ref.usage} public key for ${ref.id}`);
    },
  },
  {
    modes: ['config-pubkey-key'],
    syntax: 'address addr:A.B.C.D',
    help: { address: 'Assign an IP address to the key', addr: 'IP address of the peer' },
    run(ctx, args) {
      peerKeyAt(ctx.config, pubkeyRef(ctx.frame)).address = canonicalIpv4(args.str('addr'));
    },
  },
  {
    modes: ['config-pubkey-key'],
    syntax: 'no address',
    help: { address: 'Assign an IP address to the key' },
    run: (ctx) => void delete peerKeyAt(ctx.config, pubkeyRef(ctx.frame)).address,
  },
  {
    modes: ['config-pubkey-key'],
    syntax: 'key-string',
    run(ctx) {
      const ref = pubkeyRef(ctx.frame);
      ctx.print('Enter a public key as a hexidecimal number ....');
      ctx.enter({ mode: 'config-pubkey', kind: ref.kind, id: ref.id, usage: ref.usage, hex: [] });
    },
  },
  {
    modes: ['config-pubkey-key'],
    syntax: 'no key-string',
    run: (ctx) => void delete peerKeyAt(ctx.config, pubkeyRef(ctx.frame)).keyHex,
  },
  {
    modes: ['exec'],
    syntax: 'show crypto key pubkey-chain rsa [{name kn:WORD|address addr:A.B.C.D}]',
    help: { ...HELP, key: 'Show long term public keys', 'pubkey-chain': 'Show peer public keys', rsa: 'Show RSA public keys', name: 'Show the key of a named peer', kn: 'Key name', address: 'Show the key of an addressed peer' },
    run(ctx, args) {
      const name = args.get('kn')?.toLowerCase();
      const addr = args.get('addr');
      if (name === undefined && addr === undefined) {
        for (const l of renderPeerKeyTable(ctx.config.pubkeyChain)) ctx.print(l);
        return;
      }
      const keys = ctx.config.pubkeyChain.filter((k) =>
        name !== undefined ? k.kind === 'named' && k.id === name : k.id === addr || k.address === addr);
      if (keys.length === 0) throw new CliError(`No public key for ${name ?? addr}`);
      for (const l of keys.flatMap(renderPeerKeyDetail)) ctx.print(l);
    },
  },
];

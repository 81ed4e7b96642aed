import { once } from 'node:events';
import type { Command } from '../command';
import { CliError } from '../cli-error';
import type { Config } from '../../config/model';
import type { KeyManager } from '../../ike/key-manager/key-manager';
import { spiBuffer } from '../../ike/key-manager/sa-specs';
import { MemoryBackend } from '../../kernel/memory-backend';
import type { SaId } from '../../kernel/sad-backend';
import { systemEcho } from '../../kernel/system-echo';

const ECHO_BYTES = 100;
const TIMEOUT_SECONDS = 2;
const ICMP = 1;
/** IOS wraps the row of ! and . at 70 marks. */
const MARKS_PER_LINE = 70;

/** IOS's default source: the address of the interface the crypto map is applied to. */
function defaultSource(config: Readonly<Config>): string {
  const iface = config.interfaces.find((i) => i.address && i.cryptoMap !== undefined) ?? config.interfaces.find((i) => i.address);
  if (!iface?.address) throw new CliError('No interface has an IP address to send from; use "ping A source B"');
  return iface.address.address;
}

/**
 * The echo reply, as if it came back through the bundle of each outbound SA the request
 * used: its inbound SA counts the bytes. False when an SA went away meanwhile.
 */
function replyThrough(ike: KeyManager, backend: MemoryBackend, outbound: readonly SaId[]): boolean {
  for (const id of outbound) {
    const bundle = ike.table.ipsecByOutboundSpi(id.proto, spiBuffer(id.spi));
    const p = bundle?.protocols.find((x) => x.protocol === id.proto);
    if (!bundle || !p) return false;
    try {
      backend.account(bundle.local.address, p.inbound.spi.readUInt32BE(0), id.proto, ECHO_BYTES);
    } catch {
      return false;
    }
  }
  return true;
}

/**
 * One echo through the memory backend: out policies decide. Protected traffic counts as
 * answered; traffic waiting for IKE (ACQUIRE) is lost, and the wait for its answer ends early
 * when an IPsec SA comes up; traffic no crypto map protects has no datapath here to go to.
 */
async function echo(ike: KeyManager, backend: MemoryBackend, src: string, dst: string): Promise<boolean> {
  const verdict = backend.simulateTraffic({ src, dst, proto: ICMP, bytes: ECHO_BYTES });
  if (verdict.verdict === 'protected') return replyThrough(ike, backend, verdict.sas);
  if (verdict.verdict === 'acquire') {
    try {
      await once(ike, 'ipsec-sa', { signal: AbortSignal.timeout(TIMEOUT_SECONDS * 1000) });
    } catch {
      // The timeout: the packet is lost, as it would be on the wire.
    }
  }
  return false;
}

/**
 * `ping A [source B] [repeat N]` in IOS form. With a kernel backend the echo is real ICMP
 * through the kernel (system-echo.ts). With the memory backend no datagram leaves: the echo
 * exercises the IPsec policies and SAs, starting IKE through ACQUIRE exactly as kernel
 * traffic would, and counts through the SAs.
 */
export const pingCommands: Command[] = [
  {
    modes: ['user', 'exec'],
    syntax: 'ping addr:A.B.C.D [source src:A.B.C.D] [repeat count:<1-2147483647>]',
    help: {
      ping: 'Send echo messages',
      addr: 'Ping destination address',
      source: 'specify source address',
      src: 'Source address',
      repeat: 'specify repeat count',
      count: 'Repeat count',
    },
    async run(ctx, args) {
      const ike = ctx.services.ike;
      const backend = ike.backend;
      const dst = args.str('addr');
      const src = args.get('src') ?? defaultSource(ctx.config);
      const count = args.get('count') === undefined ? 5 : args.num('count');
      ctx.print('Type escape sequence to abort.');
      ctx.print(`Sending ${count}, ${ECHO_BYTES}-byte ICMP Echos to ${dst}, timeout is ${TIMEOUT_SECONDS} seconds:`);
      let marks = '';
      let received = 0;
      for (let i = 0; i < count; i++) {
        const answered = backend instanceof MemoryBackend
          ? await echo(ike, backend, src, dst)
          : await systemEcho(src, dst, ECHO_BYTES, TIMEOUT_SECONDS).catch((err: Error) => {
            throw new CliError(err.message);
          });
        if (answered) received++;
        marks += answered ? '!' : '.';
      }
      for (let i = 0; i < marks.length; i += MARKS_PER_LINE) ctx.print(marks.slice(i, i + MARKS_PER_LINE));
      ctx.print(`Success rate is ${Math.floor((100 * received) / count)} percent (${received}/${count})`);
    },
  },
];

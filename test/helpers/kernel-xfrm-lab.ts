/**
 * Network namespaces for the XFRM tests (test/kernel-xfrm-*.test.ts). XFRM state is per
 * namespace; the addon opens its netlink sockets inside a namespace file itself (setns around
 * socket()), so each test gets a fresh namespace while the backend under test runs in the
 * test process: its promises, events and timers are the real ones, with no proxy between.
 *
 * A namespace here can carry the contract's traffic (test/helpers/sad-backend-contract.ts):
 * one veth pair inside it, the contract's local addresses on its first end as packets need
 * them, routes to the remote networks through it, and a permanent neighbour for the peer so
 * that ESP packets (on a kernel that has ESP) leave without waiting for ARP.
 */
import { spawn } from 'node:child_process';
import type { IpsecProto } from '../../src/kernel/sad-backend';
import type { SadError } from '../../src/kernel/sad-error';
import type { Flow } from '../../src/kernel/selector';
import { XfrmBackend } from '../../src/kernel/xfrm-backend';
import { XfrmSocket } from '../../src/native/xfrm';
import { Lab, netnsUnavailable, type Namespace, type TestLike } from './netns';
import { espSa, LOCAL, PEER } from './sad-backend-contract';

const DEV = 'xv0';

/** Sends one packet of the flow given as JSON in argv[1]: a TCP SYN or a UDP datagram. */
const SENDER = `
const f = JSON.parse(process.argv[1]);
if (f.proto === 6) {
  const s = require('net').connect({ host: f.dst, port: f.dstPort ?? 9, localAddress: f.src, localPort: f.srcPort });
  s.on('error', () => {});
  // The SYN is out once connect() is under way; XFRM holds the connection, nothing answers.
  setTimeout(() => process.exit(0), 200);
} else {
  const s = require('dgram').createSocket('udp4');
  s.on('error', () => {});
  s.bind({ address: f.src, port: f.srcPort ?? 0 }, () => s.send(Buffer.alloc(56), f.dstPort ?? 9, f.dst, () => s.close()));
}
`;

/** Why the XFRM tests cannot run here, or undefined. */
export function xfrmUnavailable(): string | undefined {
  const netns = netnsUnavailable();
  if (netns) return netns;
  try {
    new XfrmSocket().close();
    return undefined;
  } catch (err) {
    return `XFRM netlink is not available: ${(err as Error).message}`;
  }
}

export class XfrmNamespace {
  private readonly sources = new Set<string>();
  private readonly routes = new Set<string>();

  private constructor(readonly ns: Namespace) {}

  /** A fresh namespace in `lab`, its veth pair up, routes to the contract's peer and remote net. */
  static async create(lab: Lab, label: string): Promise<XfrmNamespace> {
    const ns = await lab.namespace(label);
    await ns.ip('link', 'add', DEV, 'type', 'veth', 'peer', 'name', 'xv1');
    await ns.ip('link', 'set', DEV, 'up');
    await ns.ip('link', 'set', 'xv1', 'up');
    const [peerEnd] = JSON.parse(await ns.ip('-j', 'link', 'show', 'dev', 'xv1')) as Array<{ address: string }>;
    const x = new XfrmNamespace(ns);
    await x.route('198.51.100.0/24');
    await x.route('10.2.0.0/16');
    await ns.ip('neigh', 'replace', PEER, 'lladdr', peerEnd.address, 'dev', DEV, 'nud', 'permanent');
    return x;
  }

  /** The namespace file the backend opens its sockets in. */
  get path(): string {
    return `/run/netns/${this.ns.name}`;
  }

  backend(): XfrmBackend {
    return new XfrmBackend({ netns: this.path });
  }

  async sysctl(name: string, value: string | number): Promise<void> {
    await this.ns.exec(['sysctl', '-qw', `${name}=${value}`]);
  }

  /** One outbound packet of `flow` from inside the namespace (its source address added first). */
  async send(flow: Flow): Promise<void> {
    if (!this.sources.has(flow.src)) {
      await this.ns.ip('addr', 'add', `${flow.src}/32`, 'dev', DEV);
      this.sources.add(flow.src);
    }
    await this.route(`${flow.dst}/32`);
    await new Promise<void>((resolve, reject) => {
      const child = spawn('ip', ['netns', 'exec', this.ns.name, process.execPath, '-e', SENDER, JSON.stringify(flow)], { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.setEncoding('utf8').on('data', (s: string) => { stderr += s; });
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`sending ${JSON.stringify(flow)} failed: ${stderr}`))));
    });
  }

  private async route(prefix: string): Promise<void> {
    if (this.routes.has(prefix)) return;
    await this.ns.ip('route', 'replace', prefix, 'dev', DEV);
    this.routes.add(prefix);
  }
}

/** What this kernel cannot do that some tests need: each value is the reason to skip. */
export interface KernelGaps {
  /** Why SAs of a protocol cannot be installed. */
  sa: Partial<Record<IpsecProto, string>>;
  /** Why an SPI allocated toward one destination cannot be allocated toward another. */
  spiPerDestination?: string;
}

/**
 * Finds the gaps by trying in a throwaway namespace:
 * - a kernel built without ESP or AH (as the development machines' are) refuses such SAs
 *   with EPROTONOSUPPORT, "Requested type not found";
 * - since "xfrm: Duplicate SPI Handling" (2025, backported to stable kernels) ALLOCSPI
 *   keeps SPIs unique per protocol across all destinations, where older kernels (and the
 *   memory backend) keep one SPI space per destination.
 */
export async function probeKernel(t: TestLike): Promise<KernelGaps> {
  const lab = Lab.create(t);
  const x = await XfrmNamespace.create(lab, 'prob');
  const backend = x.backend();
  const gaps: KernelGaps = { sa: {} };
  const attempts: Array<[IpsecProto, Parameters<XfrmBackend['addSa']>[0]]> = [
    ['esp', espSa()],
    ['ah', espSa({ proto: 'ah', encryption: undefined })],
  ];
  try {
    for (const [proto, sa] of attempts) {
      try {
        await backend.addSa(sa);
      } catch (err) {
        // Only a missing protocol is a reason to skip; any other failure is a bug to see.
        if ((err as SadError).code !== 'EPROTONOSUPPORT') throw err;
        gaps.sa[proto] = `this kernel cannot install ${proto.toUpperCase()} SAs (${(err as Error).message}); they are tested on the QEMU board`;
      }
    }
    const range = { proto: 'esp' as const, min: 0x7000, max: 0x7000 };
    await backend.allocateSpi({ ...range, src: PEER, dst: LOCAL });
    try {
      await backend.allocateSpi({ ...range, src: LOCAL, dst: PEER });
    } catch (err) {
      if ((err as SadError).code !== 'ENOENT') throw err;
      gaps.spiPerDestination = `this kernel allocates SPIs unique per protocol across destinations ("xfrm: Duplicate SPI Handling"): ${(err as Error).message}`;
    }
  } finally {
    await backend.close();
    await lab.close();
  }
  return gaps;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

import { parseConsoleSpec, type ConsoleSpec } from './console/console-spec';
import { defaultControlPath } from './console/control-path';
import { CARD_PROFILE_NAMES } from './hw/card-profiles';
import { DEFAULT_INITIATION_LIMIT } from './ike/key-manager/key-manager';
import type { LogLevel } from './log';

export type KernelBackendName = 'xfrm' | 'pfkey' | 'userspace' | 'memory';

export interface DaemonOptions {
  configDir: string;
  console: ConsoleSpec;
  /** Unix control socket for `ikegate`; undefined with `--control none`. */
  control: string | undefined;
  kernel: KernelBackendName;
  logLevel: LogLevel;
  logFile: string | undefined;
  /**
   * 'auto': discover the kernel's crypto cards and follow hot-plug; a card profile: act as if
   * that card were inserted; undefined: no card. Default 'auto' with a kernel backend (the
   * kernel's cards are what it would use), none with the memory backend (a simulation).
   */
  card: string | undefined;
  exitOnError: boolean;
  /** IKE's UDP ports (500 and 4500 unless changed, e.g. for tests without root). */
  ikePort: number;
  natTPort: number;
  ikeAddress: string;
  /** Phase 1s the key manager initiates at once; more wait their turn. */
  ikeInitiationLimit: number;
}

export const USAGE = `Usage: ikegated [options]
  --config-dir DIR        startup-config and key store (default /etc/ikegate); an embedded
                          default configuration is used when DIR has no startup-config
  --console SPEC          stdio | tty:PATH (serial device) | none        (default stdio)
  --control PATH|none     unix control socket for ikegate (default $IKEGATE_CONTROL or
                          /run/ikegate/ikegated.sock)
  --kernel NAME           SA backend: xfrm (Linux XFRM netlink, needs root and xfrm_user),
                          pfkey (PF_KEY v2, needs root and af_key) or memory (in-process,
                          for tests)                                      (default memory)
  --card auto|PROFILE|none
                          auto: use the kernel's crypto cards, found in /proc/crypto and
                          followed across hot-plug (default with xfrm and pfkey); PROFILE: act
                          as if this card were inserted (${CARD_PROFILE_NAMES.join(', ')}); none (default
                          with --kernel memory)
  --log-level LEVEL       fatal|error|warn|info|debug|trace|silent        (default info)
  --log-file PATH         JSON logs to this file instead of stderr
  --ike-port N            IKE UDP port (default 500); --nat-t-port N (default 4500)
  --ike-address A         address to bind IKE to (default 0.0.0.0)
  --ike-initiation-limit N
                          most phase 1s initiated at once, fewer while they take over a
                          second; more wait their turn (default ${DEFAULT_INITIATION_LIMIT})
  --exit-on-error         piped console: stop with status 1 at the first rejected command
  --help                  this text`;

const LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
const BACKENDS: readonly KernelBackendName[] = ['xfrm', 'pfkey', 'userspace', 'memory'];

export class UsageError extends Error {}

/** Parse ikegated's command line; throws UsageError with a one-line reason. */
export function parseDaemonArgs(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): DaemonOptions | 'help' {
  const o: DaemonOptions = {
    configDir: '/etc/ikegate',
    console: { kind: 'stdio' },
    control: defaultControlPath(env),
    kernel: 'memory',
    logLevel: 'info',
    logFile: undefined,
    card: undefined,
    exitOnError: false,
    ikePort: 500,
    natTPort: 4500,
    ikeAddress: '0.0.0.0',
    ikeInitiationLimit: DEFAULT_INITIATION_LIMIT,
  };
  let cardGiven = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    switch (flag) {
      case '--help': case '-h': return 'help';
      case '--config-dir': o.configDir = value(); break;
      case '--console':
        try {
          o.console = parseConsoleSpec(value());
        } catch (err) {
          throw new UsageError((err as Error).message);
        }
        break;
      case '--control': { const v = value(); o.control = v === 'none' ? undefined : v; break; }
      case '--kernel': o.kernel = oneOf(flag, value(), BACKENDS); break;
      case '--log-level': o.logLevel = oneOf(flag, value(), LEVELS); break;
      case '--log-file': o.logFile = value(); break;
      case '--card': {
        const v = value();
        o.card = v === 'none' ? undefined : oneOf(flag, v, ['auto', ...CARD_PROFILE_NAMES]);
        cardGiven = true;
        break;
      }
      case '--exit-on-error': o.exitOnError = true; break;
      case '--ike-port': o.ikePort = port(flag, value()); break;
      case '--nat-t-port': o.natTPort = port(flag, value()); break;
      case '--ike-address': o.ikeAddress = value(); break;
      case '--ike-initiation-limit': {
        const v = value();
        const n = Number(v);
        if (!Number.isInteger(n) || n < 1 || n > 100000) throw new UsageError(`${flag} must be a number 1-100000, not "${v}"`);
        o.ikeInitiationLimit = n;
        break;
      }
      default: throw new UsageError(`unknown option ${flag} (see --help)`);
    }
  }
  if (!cardGiven && o.kernel !== 'memory') o.card = 'auto';
  return o;
}

function oneOf<T extends string>(flag: string, v: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(v)) throw new UsageError(`${flag} must be one of ${allowed.join(', ')}, not "${v}"`);
  return v as T;
}

function port(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new UsageError(`${flag} must be a port number 1-65535, not "${v}"`);
  return n;
}

import * as path from 'node:path';
import { createRootLogger, openLogFile, type Logger } from './log';
import type { DaemonOptions } from './daemon-options';
import { Router } from './cli/router';
import { CommandTable } from './cli/command-table';
import { ALL_COMMANDS } from './cli/commands';
import { CliSession, type SessionSource } from './cli/session';
import { loadConfigText } from './cli/config-loader';
import { StartupStore } from './config/startup-store';
import { DEFAULT_STARTUP_CONFIG } from './config/default-config';
import { hardwareWarnings } from './config/hardware-warnings';
import { redactConfigLine } from './config/redact';
import { EngineRegistry } from './hw/engine-registry';
import { cardProfile } from './hw/card-profiles';
import { KernelCryptoDiscovery, kernelCryptoSource, type CryptoDiscoverySource } from './hw/kernel-crypto-discovery';
import type { CryptoEngine } from './hw/engine';
import { KeyStore } from './keys/key-store';
import { KeyManager } from './ike/key-manager/key-manager';
import { KEY_LOG_FILE_NAME } from './ike/key-manager/key-log';
import { requireDes } from './ike/crypto/legacy-provider';
import { openSadBackend } from './daemon-kernel';
import { NetApplier } from './net/net-applier';
import { RtnlSocket } from './native/rtnl';
import { removeLeftoverTemps } from './persist/atomic-file';
import { makeDirs } from './persist/make-dirs';
import { startConsole } from './console/start-console';
import { startControlServer, type ControlServer } from './console/control-server';
import type { ConsoleHandle } from './console/console-handle';
import type { SessionFactory } from './console/session-api';
import { VERSION } from './version';

export interface Daemon {
  readonly router: Router;
  readonly hw: EngineRegistry;
  /** Resolves with the exit code when the stdio console ends; never for tty/none consoles. */
  readonly done: Promise<number>;
  close(): Promise<void>;
}

export interface DaemonIo {
  stdout: NodeJS.WritableStream;
  /** One-line operator notices (e.g. UDP 500 unavailable); logs go to the logger. */
  notice(line: string): void;
  /** Where `--card auto` finds cards; the kernel's (/proc/crypto, device events) by default. */
  cryptoSource?: CryptoDiscoverySource;
}

/** The composition root: wires config, key store, engines, transports and consoles. */
export async function startDaemon(o: DaemonOptions, io: DaemonIo): Promise<Daemon> {
  // DES is the seed's default IKE cipher: without it the gateway cannot negotiate defaults.
  requireDes();
  const log = createRootLogger(o.logLevel, o.logFile ? openLogFile(o.logFile) : undefined);
  try {
    await makeDirs(o.configDir, 0o700);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new Error(`cannot create config dir ${o.configDir}: ${e.code ?? e.message}`);
  }
  const backend = await openSadBackend(o.kernel);
  const hw = new EngineRegistry();
  hw.useSaInterface(backend);
  const discovery = await startCards(o, hw, io, log);
  const keys = await KeyStore.open(path.join(o.configDir, 'keys'), log.child({ subsystem: 'keys' }));
  // The key manager reads the configuration through the router built next, with no await in
  // between: a kernel backend may deliver an ACQUIRE as soon as the loop turns.
  const ike: KeyManager = new KeyManager({
    config: () => router.config, engine: hw, backend, log: log.child({ subsystem: 'ike' }), keyLogFile: path.join(o.configDir, KEY_LOG_FILE_NAME),
    initiationLimit: o.ikeInitiationLimit,
  });
  // Interfaces and routes reach the kernel only where the SAs do: on a real kernel backend.
  const net = o.kernel === 'xfrm' || o.kernel === 'pfkey' ? new NetApplier(new RtnlSocket()) : undefined;
  const router: Router = new Router({
    hw,
    keys,
    startup: new StartupStore(o.configDir),
    ike,
    log: log.child({ subsystem: 'cli' }),
    version: VERSION,
    ...(net ? { net } : {}),
  });
  const table = new CommandTable(ALL_COMMANDS);

  const boot = await bootConfiguration(router, table, log);
  watchEngines(router, hw, log);

  await bindIke(o, ike, io);
  // Crypto maps applied to interfaces become kernel policies, now and after every change.
  const syncPolicies = (): void => {
    ike.configChanged().catch((err: Error) => log.error({ subsystem: 'ike', err: err.message }, 'cannot apply the crypto maps to the kernel'));
  };
  router.onChange(syncPolicies);
  syncPolicies();
  const factory = (source: SessionSource): SessionFactory => ({
    openSession: (opts) => new CliSession(router, table, { ...opts, source }),
  });
  const control = await startControl(o, factory({ kind: 'control' }), io);

  // Boot messages go to the console before its first prompt (never appended to the device
  // path: a missing device must not become a regular file that the console then reads).
  let consoleHandle: ConsoleHandle | undefined;
  try {
    consoleHandle = startConsole(o.console, factory({ kind: o.console.kind === 'tty' ? 'tty' : 'stdio' }), {
      exitOnError: o.exitOnError,
      banner: boot.map((l) => `${l}\n`).join(''),
      output: io.stdout,
    });
  } catch (err) {
    // No console device: release what was opened so a caller in-process is not left with it.
    await control?.close();
    discovery?.close();
    await ike.close();
    await backend.close();
    net?.close();
    throw err;
  }
  log.info({ configDir: o.configDir, console: o.console.kind, control: control?.path, kernel: o.kernel }, 'ikegated started');

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closed ??= (async () => {
      consoleHandle?.close();
      await control?.close();
      discovery?.close();
      // Deletes go to every peer before the ports close.
      await ike.close();
      await backend.close();
      net?.close();
      log.info('ikegated stopped');
      log.flush();
    })());
  const done = consoleHandle && o.console.kind === 'stdio'
    ? consoleHandle.done.then(async (code) => {
      await close();
      return code;
    })
    : new Promise<number>(() => undefined);
  return { router, hw, done, close };
}

/** Load startup-config (or the embedded default); returns the lines to show on the console. */
async function bootConfiguration(router: Router, table: CommandTable, log: Logger): Promise<string[]> {
  const lines: string[] = [];
  const store = router.services.startup;
  for (const name of await removeLeftoverTemps(store.file).catch(() => [])) {
    log.warn({ file: name }, 'removed a temp file left by an interrupted write memory');
  }
  let saved: string | undefined;
  try {
    saved = await store.read();
    if (saved === undefined) lines.push('% No startup-config in the configuration directory; using the default configuration.');
  } catch (err) {
    // Like IOS with unreadable NVRAM: boot on the defaults so the console stays reachable.
    const e = err as NodeJS.ErrnoException;
    lines.push(`% Cannot read startup-config ${store.file} (${e.code ?? e.message}); using the default configuration.`);
    log.error({ file: store.file, err: e.message }, 'cannot read startup-config');
  }
  const problems = await loadConfigText(router, table, saved ?? DEFAULT_STARTUP_CONFIG);
  for (const p of problems) {
    const text = redactConfigLine(p.text);
    lines.push(`% startup-config line ${p.line}: ${p.message.replace(/^% /, '')}  [${text}]`);
    log.warn({ line: p.line, text, error: p.message }, 'startup-config line rejected');
  }
  for (const w of hardwareWarnings(router.config, router.services.hw)) {
    lines.push(w);
    log.warn({ warning: w }, 'hardware cannot do a configured method');
  }
  for (const p of router.services.keys.problems()) lines.push(`% Key store: ${p.file}: ${p.reason}`);
  return lines;
}


/** Keep the engine registry in step with the config, and warn when a card comes in (IOS scans the config). */
function watchEngines(router: Router, hw: EngineRegistry, log: Logger): void {
  const scan = (why: string): void => {
    const warnings = hardwareWarnings(router.config, hw);
    router.broadcast([why, ...warnings].join('\n'));
    for (const w of warnings) log.warn({ warning: w }, why);
  };
  hw.on('card-inserted', (card: CryptoEngine) => scan(`%CRYPTO-6-ENGINE_INSERTED: ${card.name} (${card.driver}) inserted`));
  hw.on('card-removed', (card: CryptoEngine) => router.broadcast(`%CRYPTO-6-ENGINE_REMOVED: ${card.name} (${card.driver}) removed`));
  // The Router switches the registry with `[no] crypto engine accelerator`; switching a card
  // back on is like inserting it: scan the configuration again.
  router.onChange((before, after) => {
    if (!before.engineAccelerator && after.engineAccelerator && hw.activeEngine().kind === 'hardware') {
      scan(`%CRYPTO-6-ENGINE_ENABLED: ${hw.activeEngine().name} enabled`);
    }
  });
}

/**
 * The cards of --card: a profile is inserted once; `auto` reads the kernel's cards before the
 * configuration loads (so boot warnings see them) and follows hot-plug from then on. Without
 * discovery the gateway still works on the software engine, so that is a notice, not a stop.
 */
async function startCards(o: DaemonOptions, hw: EngineRegistry, io: DaemonIo, log: Logger): Promise<KernelCryptoDiscovery | undefined> {
  if (o.card === undefined) return undefined;
  if (o.card !== 'auto') {
    hw.insertCard(cardProfile(o.card));
    return undefined;
  }
  const discovery = new KernelCryptoDiscovery(hw, io.cryptoSource ?? kernelCryptoSource, { log: log.child({ subsystem: 'hw' }) });
  try {
    await discovery.start();
  } catch (err) {
    io.notice(`ikegated: --card auto cannot read the kernel's crypto cards (${(err as Error).message}); using the software engine only`);
    return undefined;
  }
  return discovery;
}

/** Binds IKE's ports; whatever fails is told in one line (the console works regardless). */
async function bindIke(o: DaemonOptions, ike: KeyManager, io: DaemonIo): Promise<void> {
  const failures = await ike.open({ address: o.ikeAddress, ikePort: o.ikePort, natTPort: o.natTPort });
  if (failures.length === 0) return;
  const described = failures.map(({ port, error: e }) => {
    const why = e.code === 'EACCES' ? ': needs root' : e.code === 'EADDRINUSE' ? ': in use, another IKE daemon?' : '';
    return `${o.ikeAddress}:${port} (${e.code ?? e.message}${why})`;
  });
  const ports = failures.length === 1 ? 'this port' : 'these ports';
  io.notice(`ikegated: cannot bind UDP ${described.join(' and ')}; IKE is unavailable on ${ports}, the console still works`);
}

async function startControl(o: DaemonOptions, factory: SessionFactory, io: DaemonIo): Promise<ControlServer | undefined> {
  if (!o.control) return undefined;
  try {
    return await startControlServer(o.control, factory);
  } catch (err) {
    io.notice(`ikegated: cannot open control socket ${o.control} (${(err as Error).message}); ikegate cannot connect, the console still works`);
    return undefined;
  }
}

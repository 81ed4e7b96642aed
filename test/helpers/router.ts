import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import pino, { type Logger } from 'pino';
import { Router } from '../../src/cli/router';
import { CommandTable } from '../../src/cli/command-table';
import { ALL_COMMANDS } from '../../src/cli/commands';
import { CliSession } from '../../src/cli/session';
import { EngineRegistry } from '../../src/hw/engine-registry';
import { KeyStore } from '../../src/keys/key-store';
import { StartupStore } from '../../src/config/startup-store';
import { cardProfile } from '../../src/hw/card-profiles';
import { KeyManager } from '../../src/ike/key-manager/key-manager';
import { MemoryBackend } from '../../src/kernel/memory-backend';
import type { NetApplier } from '../../src/net/net-applier';

export const TABLE = new CommandTable(ALL_COMMANDS);

export interface TestRouter {
  router: Router;
  dir: string;
  hw: EngineRegistry;
  /** A new session (privileged unless told otherwise). */
  session(opts?: { privileged?: boolean; interactive?: boolean }): CliSession;
  /**
   * Run lines in a fresh privileged session; returns the joined output and whether all succeeded.
   * Each result's `progress` holds what the line showed at once while it ran (ctx.progress, e.g.
   * key generation); `output` is what it printed on completion, as CliSession.execute returns it.
   */
  run(...lines: string[]): Promise<{ output: string; ok: boolean; results: RunResult[] }>;
}

export interface RunResult {
  line: string;
  output: string;
  ok: boolean;
  /** Text the session emitted while the line ran (progress lines), in order. */
  progress: string;
}

/**
 * `log`: a logger for the router's services (default: silent); `ike`: a key manager to use instead
 * of an idle one; `net`: a kernel the interface and route commands apply to (default: none).
 */
export async function testRouter(opts: { card?: string; log?: Logger; ike?: KeyManager; net?: NetApplier } = {}): Promise<TestRouter> {
  const dir = mkdtempSync(path.join(tmpdir(), 'ikegate-test-'));
  const hw = new EngineRegistry();
  if (opts.card) hw.insertCard(cardProfile(opts.card));
  const log = opts.log ?? pino({ level: 'silent' });
  // A key manager without IKE ports: the SA commands work on its (empty) tables.
  const ike: KeyManager = opts.ike
    ?? new KeyManager({ config: () => router.config, engine: hw, backend: new MemoryBackend(), log: log.child({ subsystem: 'ike' }) });
  const router: Router = new Router({
    hw,
    keys: await KeyStore.open(path.join(dir, 'keys')),
    startup: new StartupStore(dir),
    ike,
    log,
    version: '0.1.0',
    ...(opts.net ? { net: opts.net } : {}),
  });
  const session = (o: { privileged?: boolean; interactive?: boolean } = {}): CliSession =>
    new CliSession(router, TABLE, { interactive: o.interactive ?? false, privileged: o.privileged ?? true, source: { kind: 'stdio' } });
  return {
    router,
    dir,
    hw,
    session,
    async run(...lines) {
      const s = session();
      const results: RunResult[] = [];
      let progress: string[] = [];
      s.onMessage((text) => progress.push(`${text}\n`));
      for (const line of lines) {
        progress = [];
        const r = await s.execute(line);
        results.push({ line, output: r.output, ok: r.ok, progress: progress.join('') });
      }
      s.close();
      return { output: results.map((r) => r.output).join(''), ok: results.every((r) => r.ok), results };
    },
  };
}

/**
 * Hardware warnings end to end: boot with --card virtio-crypto and a config the card cannot
 * do, `show crypto engine brief`, no warnings without a card, and card insertion at run time
 * reaching console sessions (in-process daemon, control socket, ikegate client); --card auto
 * over a fake kernel: the card found at boot, a hot-plugged one announced on the consoles.
 * Spawns dist/: `npm run build:ts && npx tap test/daemon-hardware.test.ts`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import t from 'tap';
import { CommandTable } from '../src/cli/command-table';
import { ALL_COMMANDS } from '../src/cli/commands';
import { CliSession } from '../src/cli/session';
import { ControlClient } from '../src/console/control-client';
import { RemoteSession } from '../src/console/remote-session';
import { startDaemon, type Daemon } from '../src/daemon';
import { parseDaemonArgs } from '../src/daemon-options';
import { cardProfile } from '../src/hw/card-profiles';
import { FakeCryptoSource } from './helpers/fake-crypto-source';
import {
  CLIENT, freeUdpPorts, missingBuild, noteStaleBuild, runPipe, spawnNode, workspace,
} from './fixtures/daemon-harness';

const POLICY_WARNING = 'WARNING:encryption hardware does not support the configured encryption method for ISAKMP policy 10';
const TRANSFORM_WARNING = 'WARNING:encryption hardware does not support transform esp-3des within IPSec transform set LEGACY';
const STARTUP = [
  'hostname HW',
  'crypto isakmp policy 10',
  ' encryption 3des',
  ' hash sha',
  ' authentication pre-share',
  ' group 2',
  '!',
  'crypto isakmp policy 20',
  ' encryption aes 256',
  ' group 14',
  '!',
  'crypto ipsec transform-set LEGACY esp-3des esp-sha-hmac',
  'crypto ipsec transform-set MODERN esp-aes 256 esp-sha-hmac',
  'end',
  '',
].join('\n');

function withStartup(dir: string, text = STARTUP): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'startup-config'), text, { mode: 0o600 });
}

const skip = missingBuild();
if (skip) t.fail(skip);
else {
  noteStaleBuild(t);

  t.test('--card virtio-crypto: both warnings at boot, the WARNING under the policy, the card listed', async (t) => {
    const w = workspace(t);
    withStartup(w.dir);
    const r = await runPipe(t, { dir: w.dir, card: 'virtio-crypto' }, 'enable\nshow crypto engine brief\nshow crypto isakmp policy\n');
    t.equal(r.code, 0);
    const boot = r.stdout.slice(0, r.stdout.indexOf('HW>'));
    t.equal(boot, `${POLICY_WARNING}\n${TRANSFORM_WARNING}\n`, 'exactly the two warnings before the first prompt');
    t.notMatch(boot, 'policy 20', 'AES-256 is within the card: no warning');
    t.notMatch(boot, 'MODERN');
    const brief = r.stdout.slice(r.stdout.indexOf('HW#show crypto engine brief'), r.stdout.indexOf('HW#show crypto isakmp policy'));
    t.match(brief, /crypto engine name:\s+Software Crypto Engine/);
    t.match(brief, /crypto engine name:\s+Virtio Crypto Accelerator\ncrypto engine type:\s+hardware/);
    t.match(brief, /Driver:\s+virtio_crypto/);
    const policies = r.stdout.slice(r.stdout.indexOf('HW#show crypto isakmp policy'));
    t.match(policies, new RegExp(`Protection suite of priority 10\\n(?:.*\\n)*?${POLICY_WARNING}\\n`), 'the WARNING line under policy 10');
    t.equal(policies.split(POLICY_WARNING).length - 1, 1, 'once');
    t.notMatch(policies, 'for ISAKMP policy 20');
    // The warnings are logged too (the log file), as warnings.
    t.equal(r.stderr, '');
  });

  t.test('--card none: no warnings, only the software engine', async (t) => {
    const w = workspace(t);
    withStartup(w.dir);
    const r = await runPipe(t, { dir: w.dir, card: 'none' }, 'enable\nshow crypto engine brief\nshow crypto isakmp policy\n');
    t.equal(r.code, 0);
    t.notMatch(r.stdout, 'WARNING');
    t.ok(r.stdout.startsWith('HW>'), 'nothing before the first prompt');
    t.match(r.stdout, /crypto engine name:\s+Software Crypto Engine/);
    t.notMatch(r.stdout, 'Virtio');
  });

  t.test('--card virtio-crypto: a command the card cannot do warns at entry', async (t) => {
    const w = workspace(t);
    const r = await runPipe(t, { dir: w.dir, card: 'virtio-crypto' }, 'enable\nconf t\ncrypto ipsec transform-set T3 esp-3des esp-md5-hmac\nexit\ncrypto ipsec transform-set T4 esp-aes esp-md5-hmac\n');
    t.equal(r.code, 0);
    t.match(r.stdout, 'Router(config)#crypto ipsec transform-set T3 esp-3des esp-md5-hmac\nWARNING:encryption hardware does not support transform esp-3des within IPSec transform set T3\n');
    t.notMatch(r.stdout, 'transform set T4');
  });

  t.test('card insertion at run time: sessions get the insertion message and the warnings', async (t) => {
    const w = workspace(t);
    withStartup(w.dir);
    const [ike, natT] = await freeUdpPorts(2);
    const options = parseDaemonArgs([
      '--config-dir', w.dir, '--console', 'none', '--control', w.socket, '--card', 'none',
      '--log-file', w.log, '--log-level', 'warn', '--ike-port', String(ike), '--nat-t-port', String(natT),
    ]);
    if (options === 'help') throw new Error('unexpected');
    const notices: string[] = [];
    const stdout = new PassThrough();
    let printed = '';
    stdout.on('data', (d: Buffer) => (printed += d.toString()));
    const daemon: Daemon = await startDaemon(options, { stdout, notice: (l) => notices.push(l) });
    t.teardown(() => daemon.close());
    t.same(notices, [], 'no notices (ports and socket available)');
    t.equal(printed, '', 'console none: nothing printed');

    // An in-process CLI session on the router (as the stdio console uses).
    const local = new CliSession(daemon.router, new CommandTable(ALL_COMMANDS), { interactive: false, privileged: true, source: { kind: 'stdio' } });
    t.teardown(() => local.close());
    const localMessages: string[] = [];
    local.onMessage((m) => localMessages.push(m));

    // A control-socket session, in this process.
    const client = await ControlClient.connect(w.socket);
    t.teardown(() => client.close());
    const remote = await RemoteSession.open(client, false);
    const remoteMessages: string[] = [];
    remote.onMessage((m) => remoteMessages.push(m));

    // An ikegate console process.
    const term = spawnNode(t, CLIENT, ['--control', w.socket]);
    await term.waitFor('HW#');

    t.same(localMessages, [], 'no warnings before the card comes');
    daemon.hw.insertCard(cardProfile('virtio-crypto'));

    const expected = [
      '%CRYPTO-6-ENGINE_INSERTED: Virtio Crypto Accelerator (virtio_crypto) inserted',
      POLICY_WARNING,
      TRANSFORM_WARNING,
    ].join('\n');
    t.same(localMessages, [expected], 'the in-process session gets one message: insertion + warnings');
    await until(() => remoteMessages.length > 0);
    t.same(remoteMessages, [expected], 'the control-socket session gets the same message');
    await term.waitFor(TRANSFORM_WARNING);
    t.match(term.stdout, `HW#\n${expected}\nHW#`, 'the ikegate console shows it on its own lines and redraws the prompt');

    // The sessions keep working; show crypto engine brief now lists the card.
    const brief = await remote.execute('show crypto engine brief');
    t.match(brief.output, /Virtio Crypto Accelerator/);

    // Removal is announced as well.
    daemon.hw.removeCard('virtio_crypto');
    t.equal(localMessages.at(-1), '%CRYPTO-6-ENGINE_REMOVED: Virtio Crypto Accelerator (virtio_crypto) removed');
    await until(() => remoteMessages.length > 1);
    t.equal(remoteMessages.at(-1), localMessages.at(-1));

    term.endInput();
    t.equal((await term.wait()).code, 0);
  });

  t.test('--card is auto by default with --kernel xfrm, none with --kernel memory', async (t) => {
    t.equal((parseDaemonArgs(['--kernel', 'xfrm']) as { card?: string }).card, 'auto');
    t.equal((parseDaemonArgs(['--kernel', 'xfrm', '--card', 'none']) as { card?: string }).card, undefined);
    t.equal((parseDaemonArgs([]) as { card?: string }).card, undefined);
    t.equal((parseDaemonArgs(['--card', 'auto']) as { card?: string }).card, 'auto');
    t.throws(() => parseDaemonArgs(['--card', 'qat']), /--card must be one of auto, virtio-crypto, not "qat"/);
  });

  t.test('--card auto: the kernel\'s card at boot, hot-plug and unplug announced on the consoles', async (t) => {
    const w = workspace(t);
    withStartup(w.dir);
    const [ike, natT] = await freeUdpPorts(2);
    const options = parseDaemonArgs([
      '--config-dir', w.dir, '--console', 'none', '--control', w.socket, '--card', 'auto',
      '--log-file', w.log, '--log-level', 'warn', '--ike-port', String(ike), '--nat-t-port', String(natT),
    ]);
    if (options === 'help') throw new Error('unexpected');
    const source = new FakeCryptoSource(true);
    const daemon: Daemon = await startDaemon(options, { stdout: new PassThrough(), notice: (l) => t.fail(l), cryptoSource: source });
    t.teardown(() => daemon.close());
    t.equal(daemon.hw.activeEngine().driver, 'virtio_crypto', 'the card found at boot is the active engine');
    const session = new CliSession(daemon.router, new CommandTable(ALL_COMMANDS), { interactive: false, privileged: true, source: { kind: 'stdio' } });
    t.teardown(() => session.close());
    t.match((await session.execute('show crypto isakmp policy')).output, POLICY_WARNING, 'the configuration is checked against it');
    const messages: string[] = [];
    session.onMessage((m) => messages.push(m));

    source.unplug();
    await until(() => messages.length > 0);
    t.same(messages, ['%CRYPTO-6-ENGINE_REMOVED: Virtio Crypto Accelerator (virtio_crypto) removed']);
    source.plug();
    await until(() => messages.length > 1);
    t.equal(messages[1], ['%CRYPTO-6-ENGINE_INSERTED: Virtio Crypto Accelerator (virtio_crypto) inserted', POLICY_WARNING, TRANSFORM_WARNING].join('\n'),
      'the insertion message and the warnings, with no command typed');
    t.match((await session.execute('show crypto engine configuration')).output, /Location:\s+kernel module virtio_crypto[\s\S]*3 DES:\s+No/);
    await daemon.close();
    t.notOk(source.watching, 'closing the daemon stops discovery');
  });
}

async function until(cond: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

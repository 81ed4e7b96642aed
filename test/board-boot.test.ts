/**
 * The firmware on an emulated board (board/qemu-x86_64, QEMU TCG): it boots to the console
 * prompt, is configured from the serial console as a router is, keeps its configuration on
 * the flash across a power cycle, takes a hot-plugged virtio-crypto card on the PCI bus, and
 * warns at boot about configured methods the card cannot do.
 *
 * One board, three power-ons from the same flash, in order (each step builds on the saved
 * configuration of the one before). The console is ikegated; kernel-side facts (/proc/crypto,
 * the LAN host, the flash's file) are read on the board's debug shell (ttyS1), a second UART
 * only the emulated board has, because the product's console deliberately shows no Linux.
 *
 * Needs qemu-system-x86, busybox-static, kmod, cpio, zstd, e2fsprogs (bash scripts/setup) and
 * the Debian archive the first time (the kernel package is downloaded into build/board).
 * IKEGATE_BOARD_KEEP=1 keeps the run directories (logs, flash) for a look afterwards.
 */
import t, { type Test } from 'tap';
import { boardLab, boardsUnavailable, buildImage, type Board, type BoardLab } from './fixtures/board';
import { storySteps } from './fixtures/board-steps';

// A cold image build downloads 70 MB and each TCG boot takes 10-20 s on a busy machine.
t.setTimeout(600_000);

const skip = boardsUnavailable();
if (skip) t.plan(0, skip);

const POLICY_WARNING = 'WARNING:encryption hardware does not support the configured encryption method for ISAKMP policy 10';
const TRANSFORM_WARNING = 'WARNING:encryption hardware does not support transform esp-3des within IPSec transform set LEGACY';

/** Types each line at the console, checking the prompt it leads to. */
async function type(t: Test, board: Board, steps: Array<[line: string, prompt: string]>): Promise<string> {
  let all = '';
  for (const [line, prompt] of steps) {
    const out = await board.console.command(line);
    all += out;
    t.equal(board.console.prompt, prompt, `"${line}" leads to ${prompt}`, { output: out });
    t.notMatch(out, /^% /m, `"${line}" is accepted`);
  }
  return all;
}

/** Boots the board of the lab from its flash; resolves with the messages before the first prompt. */
async function powerOn(t: Test, lab: BoardLab, image: string, card = false): Promise<{ board: Board; boot: string }> {
  const started = Date.now();
  const board = await lab.start({ id: 1, image, card, runDir: `${lab.dir}/board1` });
  // A step that fails leaves no board running into the next power-on.
  t.teardown(() => board.stop());
  const boot = await board.console.waitForPrompt(120_000);
  t.comment(`console prompt ${board.console.prompt} ${((Date.now() - started) / 1000).toFixed(1)} s after power-on${card ? ' (with card)' : ''}`);
  return { board, boot };
}

if (!skip) {
  t.test('a board boots, is configured from its console, and keeps its flash across power cycles', async (t) => {
    const image = await buildImage(t);
    const lab = await boardLab(t);
    // Each power-on starts from what the one before saved: after a failure the rest is moot.
    const step = storySteps(t);

    await step('first boot: default configuration, configured from the console, saved', async (t) => {
      const { board, boot } = await powerOn(t, lab, image);
      t.match(boot, /No startup-config in the configuration directory; using the default configuration/);
      t.equal(board.console.prompt, 'Router>');
      await type(t, board, [
        ['enable', 'Router#'],
        ['conf t', 'Router(config)#'],
        ['hostname Board1', 'Board1(config)#'],
        ['crypto isakmp policy 10', 'Board1(config-isakmp)#'],
        ['end', 'Board1#'],
      ]);
      const saved = await board.console.command('write memory');
      t.match(saved, /\[OK\]/, 'write memory reports [OK]');
      await board.powerOff();
    });

    await step('second boot: the saved configuration; the kernel side of the board', async (t) => {
      const { board, boot } = await powerOn(t, lab, image);
      t.notMatch(boot, /No startup-config|startup-config line/, 'startup-config loads without complaint');
      t.equal(board.console.prompt, 'Board1>', 'the saved hostname is in the prompt');
      await type(t, board, [['enable', 'Board1#']]);
      const running = await board.console.command('show running-config');
      t.match(running, /^hostname Board1$/m);
      t.match(running, /^crypto isakmp policy 10$/m);

      const shell = board.shell;
      await shell.ready();
      t.notMatch(board.boardLog(), /board: WARNING/, 'init brought everything up (modules, LAN host, flash)');
      t.match(await shell.check('cat /flash/startup-config'), /crypto isakmp policy 10/, 'startup-config is on the flash disk');
      t.match(await shell.check('grep " /flash " /proc/mounts'), /\/dev\/vda \/flash ext4/, 'the flash is the virtio disk');
      const modules = await shell.check('lsmod');
      for (const m of ['af_key', 'xfrm_user', 'esp4', 'ah4', 'virtio_crypto', 'des_generic']) t.match(modules, new RegExp(`^${m} `, 'm'), `${m} is loaded`);
      await shell.check('ip xfrm state add src 10.0.0.1 dst 10.0.0.2 proto esp spi 0x100 mode tunnel enc "cbc(des3_ede)" 0x0123456789abcdeffedcba98765432100011223344556677 auth "hmac(sha1)" 0x0123456789abcdef0123456789abcdef01234567');
      t.match(await shell.check('ip xfrm state; ip xfrm state flush'), /proto esp spi 0x00000100/, 'the kernel takes an ESP SA with 3DES and HMAC-SHA1');
      t.match(await shell.check('ip -n lan -4 addr show eth0; ip -n lan route'), /inet 192\.168\.1\.10\/24[\s\S]*default via 192\.168\.1\.1/, 'the LAN host sits behind the gateway');

      // A card the operator plugs into the running board appears on the PCI bus and its
      // algorithms in the kernel's table; unplugged, they go again.
      t.notMatch(await shell.check('cat /proc/crypto'), /virtio_crypto/, 'no card yet');
      await board.monitor.plug(
        { driver: 'virtio-crypto-pci', id: 'hotcard', cryptodev: 'hotcard0' },
        { 'qom-type': 'cryptodev-backend-builtin', id: 'hotcard0' },
      );
      t.ok((await board.monitor.pciDeviceIds()).includes('hotcard'), 'the card is on the PCI bus');
      await waitForShell(board, 'grep -q "driver.*virtio_crypto" /proc/crypto', 'the hot-plugged card\'s algorithms in /proc/crypto');
      t.match(await shell.check('grep -A1 "^driver.*virtio_crypto" /proc/crypto'), /virtio_crypto_aes_cbc/, 'the card offers cbc(aes)');
      // ikegated announces the card on its console (test/board-card.test.ts checks what it
      // says): wait for that, and for the prompt after it, before typing there again.
      await board.console.waitFor(/%CRYPTO-6-ENGINE_INSERTED/, 60_000);
      await board.console.waitForPrompt();
      await board.monitor.unplug('hotcard');
      await waitForShell(board, '! grep -q virtio_crypto /proc/crypto', 'the unplugged card\'s algorithms gone from /proc/crypto');
      await board.console.waitFor(/%CRYPTO-6-ENGINE_REMOVED/, 60_000);
      await board.console.waitForPrompt();

      // For the next boot: methods the card cannot do (it has AES-CBC only).
      await type(t, board, [
        ['conf t', 'Board1(config)#'],
        ['crypto isakmp policy 10', 'Board1(config-isakmp)#'],
        ['encryption 3des', 'Board1(config-isakmp)#'],
        ['crypto ipsec transform-set LEGACY esp-3des esp-sha-hmac', 'Board1(config-crypto-trans)#'],
        ['end', 'Board1#'],
      ]);
      t.match(await board.console.command('write memory'), /\[OK\]/);
      await board.powerOff();
    });

    await step('third boot, with the card: boot-time warnings on the console', async (t) => {
      const { board, boot } = await powerOn(t, lab, image, true);
      t.equal(board.console.prompt, 'Board1>');
      t.match(boot, POLICY_WARNING, 'the 3des policy is warned about before the first prompt');
      t.match(boot, TRANSFORM_WARNING, 'so is the esp-3des transform');
      await type(t, board, [['enable', 'Board1#']]);
      t.match(await board.console.command('show crypto isakmp policy'), POLICY_WARNING, 'show crypto isakmp policy repeats it');
      await board.shell.ready();
      t.match(await board.shell.check('cat /proc/crypto'), /virtio_crypto_aes_cbc/, 'the card plugged in at power-on is in the kernel');
      await board.powerOff();
    });
  });
}

/** Polls a shell condition on the board (hot-plug completes in the guest a moment later). */
async function waitForShell(board: Board, condition: string, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await board.shell.run(condition)).status !== 0) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${board.shell.describe()}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

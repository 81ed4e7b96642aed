/**
 * The crypto card of a real (emulated) board, found by ikegated's kernel discovery (`--card
 * auto`, the default with --kernel xfrm): QEMU's virtio-crypto-pci hot-plugged through the
 * monitor into a running board raises the insertion message and the configuration's warnings
 * on the serial console with nothing typed, `show crypto engine` lists it, and pulling it out
 * is announced too; a board powered on with the card warns before the first prompt.
 *
 * One board, two power-ons from the same flash: the first (no card, configured from the
 * console, hot-plug), then the second with the card plugged in at power-on. ikegated runs with
 * the XFRM backend. That negotiation stops offering what the card cannot do is tested on the
 * host (test/hw-card-negotiation.test.ts).
 *
 * Needs what test/board-boot.test.ts needs (bash scripts/setup).
 */
import t, { type Test } from 'tap';
import { boardLab, boardsUnavailable, buildImage, type Board, type BoardLab } from './fixtures/board';

t.setTimeout(600_000);

const skip = boardsUnavailable();
if (skip) t.plan(0, skip);

const POLICY_WARNING = 'WARNING:encryption hardware does not support the configured encryption method for ISAKMP policy 10';
const TRANSFORM_WARNING = 'WARNING:encryption hardware does not support transform esp-3des within IPSec transform set LEGACY';
const INSERTED = '%CRYPTO-6-ENGINE_INSERTED: Virtio Crypto Accelerator (virtio_crypto) inserted';
const REMOVED = '%CRYPTO-6-ENGINE_REMOVED: Virtio Crypto Accelerator (virtio_crypto) removed';
const CARD_BRIEF = /crypto engine name:\s+Virtio Crypto Accelerator\ncrypto engine type:\s+hardware\n\s+State:\s+Enabled\n\s+Location:\s+kernel module virtio_crypto\n\s+Driver:\s+virtio_crypto/;
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function powerOn(t: Test, lab: BoardLab, image: string, card: boolean): Promise<{ board: Board; boot: string }> {
  const board = await lab.start({ id: 1, image, card, kernel: 'xfrm', runDir: `${lab.dir}/board1` });
  t.teardown(() => board.stop());
  const boot = await board.console.waitForPrompt(120_000);
  return { board, boot };
}

/** Types each line, checking that none is rejected. */
async function type(t: Test, board: Board, lines: readonly string[]): Promise<void> {
  for (const line of lines) t.notMatch(await board.console.command(line), /^% /m, `"${line}" is accepted`);
}

if (!skip) {
  t.test('virtio-crypto on a board: hot-plug and boot-time warnings on the serial console', async (t) => {
    const image = await buildImage(t);
    const lab = await boardLab(t);

    await t.test('no card at power-on; configured, then the card is hot-plugged and pulled', async (t) => {
      const { board, boot } = await powerOn(t, lab, image, false);
      t.notMatch(boot, /WARNING:encryption hardware/, 'no card, no warnings');
      t.notMatch(boot, /cannot|not available/, 'the XFRM backend and discovery came up', { boot, log: board.boardLog().slice(-2000) });
      await type(t, board, [
        'enable', 'conf t', 'hostname Board1',
        'crypto isakmp policy 10', 'encryption 3des', 'hash sha', 'authentication pre-share', 'group 2', 'exit',
        'crypto ipsec transform-set LEGACY esp-3des esp-sha-hmac', 'exit',
        'end',
      ]);
      t.match(await board.console.command('write memory'), /\[OK\]/);
      t.notMatch(await board.console.command('show crypto engine brief'), /Virtio/, 'only the software engine');

      const plugged = Date.now();
      await board.monitor.plug(
        { driver: 'virtio-crypto-pci', id: 'hotcard', cryptodev: 'hotcard0' },
        { 'qom-type': 'cryptodev-backend-builtin', id: 'hotcard0' },
      );
      // Nothing is typed: the message comes from the kernel's device events.
      const announced = await board.console.waitFor(new RegExp(`${escape(INSERTED)}\\r?\\n${escape(POLICY_WARNING)}\\r?\\n${escape(TRANSFORM_WARNING)}`), 60_000);
      t.ok(announced, 'the insertion message and both warnings on the console, unasked');
      t.comment(`insertion announced ${((Date.now() - plugged) / 1000).toFixed(1)} s after device_add`);
      await board.console.waitForPrompt();
      const brief = await board.console.command('show crypto engine brief');
      t.match(brief.replace(/\r/g, ''), CARD_BRIEF, 'show crypto engine brief lists the card', { brief });
      const configuration = (await board.console.command('show crypto engine configuration')).replace(/\r/g, '');
      t.match(configuration, /3 DES:\s+No\n\s+AES CBC:\s+Yes \(128,192,256\)/, 'what it can do, from the kernel', { configuration });
      t.match(await board.console.command('show crypto isakmp policy'), POLICY_WARNING, 'the policy is flagged now');

      await board.monitor.unplug('hotcard');
      t.ok(await board.console.waitFor(new RegExp(escape(REMOVED)), 60_000), 'pulling the card is announced');
      await board.console.waitForPrompt();
      t.notMatch(await board.console.command('show crypto engine brief'), /Virtio/, 'and it is gone from the list');
      await board.powerOff();
    });

    await t.test('the card plugged in at power-on: warnings before the first prompt', async (t) => {
      const { board, boot } = await powerOn(t, lab, image, true);
      t.equal(board.console.prompt, 'Board1>');
      t.match(boot, POLICY_WARNING, 'the 3des policy');
      t.match(boot, TRANSFORM_WARNING, 'the esp-3des transform');
      t.notMatch(boot, /ENGINE_INSERTED/, 'a card present at boot is no insertion');
      await type(t, board, ['enable']);
      t.match((await board.console.command('show crypto engine brief')).replace(/\r/g, ''), CARD_BRIEF);
      await board.powerOff();
    });
  });
}

/**
 * The crypto card of a real (emulated) board, found by ikegated's kernel discovery (`--card
 * auto`, the default with a kernel backend), and what it does to negotiation on the wire.
 *
 * Two boards joined by the emulated WAN (test/fixtures/board-pair.ts), both configured from
 * their consoles with a 3DES ISAKMP policy above an AES one and a crypto map offering the
 * transform sets SHA2 (esp-aes 256 esp-sha256-hmac), LEGACY (esp-3des) and MODERN (esp-aes
 * 256 esp-sha-hmac), in that order. Board B installs its SAs through PF_KEY, which cannot
 * carry esp-sha256-hmac's 128-bit ICV: B warns when SHA2 is entered and never negotiates it,
 * neither as responder (A offers SHA2 first) nor as initiator (A would take SHA2 first).
 * Without a card the tunnel comes up on 3DES for IKE and ESP. QEMU's virtio-crypto-pci (AES-CBC and RSA only)
 * hot-plugged through the monitor into board A raises the insertion message and the
 * configuration's warnings on A's console with nothing typed, and `show crypto engine` lists
 * it. From then on A neither offers nor accepts what the card cannot do: after `clear crypto
 * sa` / `clear crypto isakmp`, a ping from A's LAN brings the tunnel up on AES (the Main Mode
 * offer recorded on the WAN has no 3DES left in it; board B, which took 3DES before, takes
 * AES now), and so does a ping from B's LAN (B still offers 3DES first; A refuses it). Pulling
 * the card out is announced, and 3DES is negotiated again; A powered on again with the card
 * plugged in warns before its first prompt, and a card present at boot is no insertion.
 *
 * ikegated runs with XFRM on A and PF_KEY on B. Needs what test/board-boot.test.ts needs
 * (bash scripts/setup). IKEGATE_BOARD_KEEP=1 keeps the run directories.
 */
import * as path from 'node:path';
import t, { type Test } from 'tap';
import { boardsUnavailable, buildImage, type Board } from './fixtures/board';
import { ContinuousPing } from './fixtures/board-lan-ping';
import { boardPair, type PairEnd } from './fixtures/board-pair';
import { mainModeOffers, readWanPackets } from './fixtures/board-pcap';
import { execMode, siteGateway, siteLines, typeConfiguration, type SiteSpec } from './fixtures/board-site';
import { storySteps } from './fixtures/board-steps';
import { espSpis, kernelSas } from './fixtures/board-xfrm';
import type { GatewaySpec } from './fixtures/ikegated-ns-config';
import { parseIpsecSa, parseIsakmpDetail, parseIsakmpSa } from './fixtures/ikegated-ns-show';

// Two TCG boots in parallel, four negotiations, a third boot of board A with the card.
t.setTimeout(900_000);

const skip = boardsUnavailable();
if (skip) t.plan(0, skip);

const POLICY_WARNING = 'WARNING:encryption hardware does not support the configured encryption method for ISAKMP policy 10';
const TRANSFORM_WARNING = 'WARNING:encryption hardware does not support transform esp-3des within IPSec transform set LEGACY';
const PFKEY_WARNING = 'WARNING:kernel SA interface PF_KEY does not support transform esp-sha256-hmac within IPSec transform set SHA2';
const INSERTED = '%CRYPTO-6-ENGINE_INSERTED: Virtio Crypto Accelerator (virtio_crypto) inserted';
const REMOVED = '%CRYPTO-6-ENGINE_REMOVED: Virtio Crypto Accelerator (virtio_crypto) removed';
const CARD_BRIEF = /crypto engine name:\s+Virtio Crypto Accelerator\ncrypto engine type:\s+hardware\n\s+State:\s+Enabled\n\s+Location:\s+kernel module virtio_crypto\n\s+Driver:\s+virtio_crypto/;
/** How `show crypto ipsec sa` names the transforms of LEGACY and MODERN. */
const LEGACY_ESP = ['esp-3des', 'esp-sha-hmac'];
const MODERN_ESP = ['esp-256-aes', 'esp-sha-hmac'];

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The seed's site-to-site configuration with SHA-256 and 3DES transform sets, and a 3DES policy, ahead of AES/SHA-1 ones. */
function cardSite(site: SiteSpec): GatewaySpec {
  const plain = siteGateway(site);
  return {
    ...plain,
    policies: [{ priority: 10, encryption: '3des', hash: 'sha', group: 2 }, { priority: 20, encryption: 'aes 256', hash: 'sha256', group: 14 }],
    transformSets: { SHA2: 'esp-aes 256 esp-sha256-hmac', LEGACY: 'esp-3des esp-sha-hmac', MODERN: 'esp-aes 256 esp-sha-hmac' },
    entries: plain.entries.map((e) => ({ ...e, transformSets: ['SHA2', 'LEGACY', 'MODERN'] })),
  };
}

/**
 * What one end's console says of the tunnel: the IKE SA's cipher and the ESP SAs' transforms
 * (two pairs when both ends' ACQUIREs started a Quick Mode at once).
 */
interface Negotiated {
  readonly ike: string[];
  readonly esp: string[][];
  readonly text: string;
}

async function negotiated(end: PairEnd): Promise<Negotiated> {
  await execMode(end.board);
  const text = `${await end.board.console.command('show crypto isakmp sa detail')}\n${await end.board.console.command('show crypto ipsec sa')}`;
  const esp = parseIpsecSa(text).flatMap((v) => [...v.inbound, ...v.outbound]).map((sa) => [...sa.transforms]);
  return { ike: parseIsakmpDetail(text).map((r) => r.encr), esp, text };
}

/** Polls every second until `probe` holds; rejects with `describe()` on timeout. */
async function until(what: string, probe: () => Promise<boolean>, timeoutMs: number, describe: () => string): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !(await probe());) {
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms\n${describe()}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Types each line, checking that none is rejected. */
async function type(t: Test, board: Board, lines: readonly string[]): Promise<void> {
  for (const line of lines) t.notMatch(await board.console.command(line), /^% /m, `"${line}" is accepted`);
}

/** Both ends show only ISAKMP SAs of `ike` (the Encr column) and only ESP SAs of `esp`. */
function agreeOn(t: Test, ends: ReadonlyArray<[PairEnd, Negotiated]>, ike: string, esp: readonly string[], what: string): void {
  for (const [end, n] of ends) {
    t.ok(n.ike.length >= 1 && n.ike.every((e) => e === ike), `board ${end.id}: the ISAKMP SA is ${ike}`, { show: n.text });
    t.ok(n.esp.length >= 2 && n.esp.every((x) => x.join() === esp.join()), `board ${end.id}: its ESP SAs are ${what}`, { show: n.text });
  }
}

if (!skip) {
  t.test('virtio-crypto on a board: warnings on the serial console, and negotiation without what the card cannot do', async (t) => {
    const image = await buildImage(t);
    const pair = await boardPair(t, image, [{ id: 81, kernel: 'xfrm' }, { id: 82, kernel: 'pfkey' }], { key: 'board-card-psk' });
    const { a, b } = pair;
    const step = storySteps(t);
    const both = <T>(fn: (end: PairEnd) => Promise<T>): Promise<[T, T]> => Promise.all([fn(a), fn(b)]);
    const describeBoth = (): string => `${a.board.console.describe()}\n${b.board.console.describe()}`;
    const wanA = a.site.wan.split('/')[0] as string;
    const wanB = b.site.wan.split('/')[0] as string;

    /**
     * Clears every SA on both boards (`clear crypto sa`, `clear crypto isakmp`), then pings
     * from `from`'s LAN host to the other LAN until the tunnel answers; resolves with what
     * both consoles then show.
     */
    const negotiate = async (t: Test, from: PairEnd, to: PairEnd): Promise<Array<[PairEnd, Negotiated]>> => {
      await both(async (end) => {
        await execMode(end.board);
        await type(t, end.board, ['clear crypto sa', 'clear crypto isakmp']);
      });
      await until('empty SADs and no ISAKMP SA on both boards', async () => {
        const [ka, kb] = await Promise.all([kernelSas(a.board), kernelSas(b.board)]);
        const [ia, ib] = await both(async (end) => parseIsakmpSa(await end.board.console.command('show crypto isakmp sa')));
        return espSpis(ka).length === 0 && espSpis(kb).length === 0 && ia.length === 0 && ib.length === 0;
      }, 30_000, describeBoth);
      const ping = await ContinuousPing.start(from.board, from.lanNamespace, to.lanHost, 1);
      const first = await ping.waitForReply(0, 90_000);
      await ping.waitForReply(Math.min(...first.replies) + 1, 30_000);
      await ping.stop();
      const [na, nb] = await both(negotiated);
      return [[a, na], [b, nb]];
    };
    /** The Main Mode offers recorded on the WAN so far, from `src`. */
    const offersFrom = (src: string): string[][] => mainModeOffers(readWanPackets(pair.wanPcap)).filter((o) => o.src === src).map((o) => [...o.ciphers]);

    await step('both boards boot without the card and take a 3DES-first configuration from their consoles', async (t) => {
      const boots = await pair.powerOn();
      for (const [end, boot] of [[a, boots.a], [b, boots.b]] as const) {
        t.notMatch(boot, /WARNING:encryption hardware/, `board ${end.id}: no card, no warnings`);
        t.notMatch(boot, /cannot|not available/, `board ${end.id}: the kernel backend and card discovery came up`, { boot, log: end.board.boardLog().slice(-2000) });
      }
      const [answersA, answersB] = await both((end) => typeConfiguration(end.board, siteLines(end.site, cardSite(end.site))));
      t.notMatch(answersA, /WARNING/, 'A (XFRM, no card) takes the configuration without a warning', { answersA });
      t.equal(answersB.split(/\r?\n/).filter((l) => l.startsWith('WARNING')).join('\n'), PFKEY_WARNING, 'B (PF_KEY) warns of esp-sha256-hmac in SHA2, and only of it', { answersB });
      t.notMatch(await a.board.console.command('show crypto isakmp policy'), /WARNING:encryption hardware/, 'no card: the 3DES policy is not flagged');
      t.match(await b.board.console.command('show running-config'), /^crypto ipsec transform-set SHA2 esp-aes 256 esp-sha256-hmac/m, 'B keeps SHA2 in its configuration');
      t.match(await a.board.console.command('write memory'), /\[OK\]/);
      t.notMatch(await a.board.console.command('show crypto engine brief'), /Virtio/, 'only the software engine');
    });

    await step('without the card the tunnel comes up on 3DES, for IKE and for ESP (B, on PF_KEY, passes over SHA2)', async (t) => {
      agreeOn(t, await negotiate(t, a, b), '3des', LEGACY_ESP, 'esp-3des (LEGACY)');
      t.same(offersFrom(wanA), [['3des', 'aes']], 'A\'s Main Mode offered both policies, 3DES first', { offers: mainModeOffers(readWanPackets(pair.wanPcap)) });
    });

    await step('the card hot-plugged into A: insertion message and warnings, unasked; show crypto engine lists it', async (t) => {
      const plugged = Date.now();
      await a.board.monitor.plug(
        { driver: 'virtio-crypto-pci', id: 'hotcard', cryptodev: 'hotcard0' },
        { 'qom-type': 'cryptodev-backend-builtin', id: 'hotcard0' },
      );
      // Nothing is typed: the message comes from the kernel's device events.
      const announced = await a.board.console.waitFor(new RegExp(`${escape(INSERTED)}\\r?\\n${escape(POLICY_WARNING)}\\r?\\n${escape(TRANSFORM_WARNING)}`), 60_000);
      t.ok(announced, 'the insertion message and both warnings on the console, unasked');
      t.comment(`insertion announced ${((Date.now() - plugged) / 1000).toFixed(1)} s after device_add`);
      await a.board.console.waitForPrompt();
      const brief = await a.board.console.command('show crypto engine brief');
      t.match(brief.replace(/\r/g, ''), CARD_BRIEF, 'show crypto engine brief lists the card', { brief });
      const configuration = (await a.board.console.command('show crypto engine configuration')).replace(/\r/g, '');
      t.match(configuration, /3 DES:\s+No\n\s+AES CBC:\s+Yes \(128,192,256\)/, 'what it can do, from the kernel', { configuration });
      t.match(await a.board.console.command('show crypto isakmp policy'), POLICY_WARNING, 'the policy is flagged now');
    });

    await step('with the card A no longer offers 3DES: the tunnel from A\'s LAN comes up on AES', async (t) => {
      const before = offersFrom(wanA).length;
      agreeOn(t, await negotiate(t, a, b), 'aes:256', MODERN_ESP, 'esp-aes 256 (MODERN)');
      t.same(offersFrom(wanA).slice(before), [['aes']], 'A\'s Main Mode offer on the WAN holds no 3DES transform', { offers: mainModeOffers(readWanPackets(pair.wanPcap)) });
    });

    await step('nor does A accept 3DES: the tunnel from B\'s LAN, B offering 3DES first (and no SHA2), comes up on AES', async (t) => {
      agreeOn(t, await negotiate(t, b, a), 'aes:256', MODERN_ESP, 'esp-aes 256 (MODERN)');
      t.same(offersFrom(wanB), [['3des', 'aes']], 'B offered 3DES first: A turned it down', { offers: mainModeOffers(readWanPackets(pair.wanPcap)) });
    });

    await step('pulling the card out is announced, and 3DES is negotiated again', async (t) => {
      await a.board.monitor.unplug('hotcard');
      t.ok(await a.board.console.waitFor(new RegExp(escape(REMOVED)), 60_000), 'the removal message on the console');
      await a.board.console.waitForPrompt();
      t.notMatch(await a.board.console.command('show crypto engine brief'), /Virtio/, 'and it is gone from the list');
      agreeOn(t, await negotiate(t, a, b), '3des', LEGACY_ESP, 'esp-3des again');
      await pair.powerOff();
    });

    await step('A powered on with the card plugged in: the warnings come before the first prompt', async (t) => {
      const board = await pair.lab.start({ id: a.id, image, card: true, kernel: a.kernel, runDir: path.join(pair.lab.dir, `board${a.id}`) });
      t.teardown(() => board.stop());
      const boot = await board.console.waitForPrompt(150_000);
      t.equal(board.console.prompt, `${a.site.hostname}>`, 'the saved configuration is back');
      t.match(boot, POLICY_WARNING, 'the 3des policy');
      t.match(boot, TRANSFORM_WARNING, 'the esp-3des transform');
      t.notMatch(boot, /ENGINE_INSERTED/, 'a card present at boot is no insertion');
      await type(t, board, ['enable']);
      t.match((await board.console.command('show crypto engine brief')).replace(/\r/g, ''), CARD_BRIEF);
      await board.powerOff();
    });
  });
}

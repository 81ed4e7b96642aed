/**
 * The initiation pacer's window: it starts at the floor, opens while our phase 1s end well
 * within the target time, closes while they take longer, and never leaves [floor, limit].
 */
import t from 'tap';
import { InitiationPacer, PACING_FLOOR, PACING_TARGET_MS } from '../src/ike/key-manager/initiation-pacer';

t.test('starts at the floor and opens while phase 1s are quick, up to the limit', async (t) => {
  const pacer = new InitiationPacer(2000);
  t.equal(pacer.window, PACING_FLOOR);
  // A full window whose phase 1s take a tenth of the target: ten times as many fit.
  const seen: number[] = [];
  for (let i = 0; i < 12; i++) {
    pacer.established(PACING_TARGET_MS / 10, pacer.window);
    seen.push(pacer.window);
  }
  t.ok(seen.every((w, i) => i === 0 || w >= (seen[i - 1] as number)), `never closes while quick: ${seen.join(' ')}`);
  t.equal(pacer.window, 2000, 'reaches the limit and stays there');
});

t.test('settles where a phase 1 takes the target time', async (t) => {
  // A gateway finishing 300 phase 1s a second: with w under way, each takes w/300 s.
  const pacer = new InitiationPacer(5000);
  for (let i = 0; i < 200; i++) {
    const underWay = pacer.window;
    pacer.established((underWay / 300) * 1000, underWay);
  }
  t.ok(Math.abs(pacer.window - 300) <= 3, `about 300 under way (${pacer.window})`);
});

t.test('closes while phase 1s are slow, never below the floor', async (t) => {
  const pacer = new InitiationPacer(2000);
  for (let i = 0; i < 20; i++) pacer.established(PACING_TARGET_MS / 10, pacer.window);
  t.equal(pacer.window, 2000);
  pacer.established(4 * PACING_TARGET_MS, 2000);
  const once = pacer.window;
  t.ok(once < 2000 && once > 1000, `one slow exchange closes it by a quarter of the way, not to half (${once})`);
  for (let i = 0; i < 40; i++) pacer.established(10 * PACING_TARGET_MS, pacer.window);
  t.equal(pacer.window, PACING_FLOOR, 'slow phase 1s bring it down to the floor');
  pacer.established(0, 1);
  t.ok(pacer.window > PACING_FLOOR, 'an instant one (0 ms) opens it, without dividing by zero');
});

t.test('a limit below the floor is the window throughout; bad limits are refused', async (t) => {
  const pacer = new InitiationPacer(2);
  t.equal(pacer.window, 2);
  pacer.established(1, 2);
  t.equal(pacer.window, 2);
  pacer.established(100_000, 2);
  t.equal(pacer.window, 2);
  for (const bad of [0, -1, 2.5, Number.NaN]) {
    t.throws(() => new InitiationPacer(bad), new RangeError(`initiation limit must be a positive integer, not ${bad}`), String(bad));
  }
});

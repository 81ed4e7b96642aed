import { setFlagsFromString } from 'node:v8';

/*
 * V8 tuned for a key manager on a small router. After a boot every peer negotiates at once
 * while the code is still being optimized, and on two cores the compiler threads take the
 * CPU from the negotiations. Set before the rest of the daemon is loaded, so that every
 * function sees them (bench:ike in the README has the figures).
 * - TurboFan's cumulative inlining budget, down from 920 bytecodes: smaller graphs compile
 *   in less time, and once warm the code is as fast.
 * - The interrupt budget, 3x V8's: a function is optimized after three times as much
 *   bytecode has run in it, so fewer of the briefly warm ones ever are (1,000 tunnels from
 *   cold: about 15% more per second; 10,000 in a row: about 4% fewer).
 * - Young-generation GC on the JavaScript thread alone: its helper threads wait for a core
 *   the other work on the box holds, and the pause waits for them.
 */
setFlagsFromString('--max-inlined-bytecode-size-cumulative=100');
setFlagsFromString(`--interrupt-budget=${3 * 66 * 1024}`);
setFlagsFromString('--no-parallel-scavenge');

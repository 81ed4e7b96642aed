import { setFlagsFromString } from 'node:v8';

/**
 * TurboFan's cumulative inlining budget, down from V8's 920 bytecodes. After a boot every
 * peer negotiates at once while the key manager's code is still being optimized, and on a
 * two-core router the compiler threads take the CPU from the negotiations: smaller inlining
 * graphs compile in less time, and once warm the code is as fast (bench:ike in the README).
 * Set before the rest of the daemon is loaded, so that every compile sees it.
 */
setFlagsFromString('--max-inlined-bytecode-size-cumulative=100');

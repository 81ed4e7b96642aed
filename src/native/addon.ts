import path from 'node:path';

/** What the C++ addon in native/ exports. */
export interface NativeAddon {
  version(): { addon: string; napi: number };
}

// node-gyp-build ships no type declarations; it returns whatever the .node file exports.
const nodeGypBuild: (dir: string) => unknown = require('node-gyp-build');

/**
 * The package root, where build/ and prebuilds/ live. This file runs both as
 * src/native/addon.ts (tap) and as dist/src/native/addon.js (tsc outDir "dist").
 */
function packageRoot(): string {
  const twoUp = path.resolve(__dirname, '..', '..');
  return path.basename(twoUp) === 'dist' ? path.dirname(twoUp) : twoUp;
}

function isNativeAddon(value: unknown): value is NativeAddon {
  return (
    typeof value === 'object' && value !== null && typeof (value as { version?: unknown }).version === 'function'
  );
}

/** Loads the addon from build/Release, build/Debug or prebuilds/<platform>-<arch>/. */
export function loadNativeAddon(): NativeAddon {
  const root = packageRoot();
  // node-gyp-build honours this override (derived from the package name) instead of root.
  const searched = process.env.IKEGATE_PREBUILD ?? root;
  let loaded: unknown;
  try {
    loaded = nodeGypBuild(root);
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).split('\n')[0];
    throw new Error(
      `ikegate native addon not loaded: looked for *.node in build/Release, build/Debug and ` +
        `prebuilds/${process.platform}-${process.arch} under ${searched} (${reason}). ` +
        'Build it with `npm run build:native`.',
      { cause: err },
    );
  }
  if (!isNativeAddon(loaded)) {
    throw new Error(
      `ikegate native addon under ${searched} does not export version(); ` +
        'rebuild it with `npm run build:native`.',
    );
  }
  return loaded;
}

/**
 * The addon as `T`, once `functions` (the classes and functions `T` needs) are there; `what`
 * names what is missing otherwise ("XFRM support").
 */
export function addonWith<T>(functions: ReadonlyArray<keyof T & string>, what: string): T {
  const addon = loadNativeAddon() as unknown as Record<string, unknown>;
  if (functions.some((name) => typeof addon[name] !== 'function')) {
    throw new Error(`the ikegate native addon has no ${what}; rebuild it with \`npm run build:native\``);
  }
  return addon as unknown as T;
}

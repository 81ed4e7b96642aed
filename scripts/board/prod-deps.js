#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * Lists the installed package directories a project needs at run time (its "dependencies",
 * transitively; no devDependencies), relative to the project root, one per line. The board
 * image carries only these. Node's own lookup is followed: a package is searched in the
 * node_modules of the requiring package, then of each parent directory up to the root.
 * (`npm ls --omit=dev` would do, but fails on any extraneous package in a developer's tree.)
 *
 *   usage: prod-deps.js PROJECT-DIR
 *   exit 1 naming the first dependency that is not installed (run npm ci)
 */
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(process.argv[2] ?? '.');

/**
 * @param {string} name
 * @param {string} from the directory of the package that depends on it
 */
function locate(name, from) {
  for (let dir = from; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === root || !dir.startsWith(root)) return undefined;
  }
}

const found = new Set();
const queue = [root];
while (queue.length > 0) {
  const dir = /** @type {string} */ (queue.shift());
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const optional = Object.keys(pkg.optionalDependencies ?? {});
  for (const name of [...Object.keys(pkg.dependencies ?? {}), ...optional]) {
    const at = locate(name, dir);
    if (at === undefined) {
      // An optional dependency may be absent on this platform; a required one may not.
      if (optional.includes(name)) continue;
      process.stderr.write(`prod-deps: ${name} (needed by ${path.relative(root, dir) || 'the project'}) is not installed: run npm ci\n`);
      process.exit(1);
    }
    if (found.has(at)) continue;
    found.add(at);
    queue.push(at);
  }
}
for (const dir of [...found].sort()) process.stdout.write(`${path.relative(root, dir)}\n`);

#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * Reads a board definition (board/NAME/board.json), checks it, and prints it as shell
 * assignments for scripts/build-image and scripts/run-board, which are bash and have no JSON
 * parser (node is on every machine that builds the project, jq is not).
 *
 *   usage: board-env.js BOARD-JSON
 *   stdout: BOARD_...='value' lines, meant for `env=$(board-env.js F) && eval "$env"`
 *   exit 1 with one line on stderr naming the file and the bad field
 */
const fs = require('node:fs');

const file = process.argv[2];
if (!file) {
  process.stderr.write('usage: board-env.js BOARD-JSON\n');
  process.exit(2);
}

/** @param {string} message */
function fail(message) {
  process.stderr.write(`${file}: ${message}\n`);
  process.exit(1);
}

/** @type {any} */
let board;
try {
  board = JSON.parse(fs.readFileSync(file, 'utf8'));
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
}

/**
 * The value at a dotted path, which must have the type `kind`.
 * @param {string} path
 * @param {'string' | 'number' | 'boolean' | 'string[]'} kind
 */
function field(path, kind) {
  let v = board;
  for (const key of path.split('.')) v = v == null ? undefined : v[key];
  const ok = kind === 'string[]'
    ? Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string' && /^[\w-]+$/.test(x))
    : typeof v === kind;
  if (!ok) fail(`"${path}" must be ${kind === 'string[]' ? 'a non-empty list of module names' : `a ${kind}`}`);
  if (kind === 'string' && /[\n']/.test(v)) fail(`"${path}" must not contain quotes or newlines`);
  return v;
}

/** @param {string} path */
function port(path) {
  const v = field(path, 'number');
  // Board ids 1-99 are added to the base, so the base leaves room for them.
  if (!Number.isInteger(v) || v < 1024 || v > 65535 - 100) fail(`"${path}" must be a port 1024-65435`);
  return v;
}

const backends = ['memory', 'xfrm', 'pfkey', 'userspace'];
const backend = field('ikegated.kernel', 'string');
if (!backends.includes(backend)) fail(`"ikegated.kernel" must be one of ${backends.join(', ')}`);
const memory = field('qemu.memory', 'string');
if (!/^\d+[MG]$/.test(memory)) fail('"qemu.memory" must look like 512M or 1G');
const flashSize = field('flash.size', 'string');
if (!/^\d+M$/.test(flashSize)) fail('"flash.size" must look like 16M');

/** @type {Record<string, string | number>} */
const vars = {
  BOARD_DESCRIPTION: field('description', 'string'),
  BOARD_QEMU: field('qemu.binary', 'string'),
  BOARD_MACHINE: field('qemu.machine', 'string'),
  BOARD_BIOS: field('qemu.bios', 'string'),
  BOARD_CPU: field('qemu.cpu', 'string'),
  BOARD_CPUS: field('qemu.cpus', 'number'),
  BOARD_MEMORY: memory,
  BOARD_KERNEL_PACKAGE: field('kernel.package', 'string'),
  BOARD_CMDLINE: field('kernel.cmdline', 'string'),
  BOARD_MODULES: field('modules', 'string[]').join(' '),
  BOARD_WAN_IFNAME: field('wan.ifname', 'string'),
  BOARD_WAN_DEVICE: field('wan.device', 'string'),
  BOARD_WAN_PORT_BASE: port('wan.udpPortBase'),
  BOARD_LAN_IFNAME: field('lan.ifname', 'string'),
  BOARD_LAN_NAMESPACE: field('lan.namespace', 'string'),
  BOARD_LAN_HOST: field('lan.hostAddress', 'string'),
  BOARD_LAN_GATEWAY: field('lan.gateway', 'string'),
  BOARD_CARD_DEVICE: field('card.device', 'string'),
  BOARD_CARD_PROFILE: field('card.profile', 'string'),
  BOARD_FLASH_SIZE: flashSize,
  BOARD_IKEGATED_KERNEL: backend,
  BOARD_IKEGATED_LOG_LEVEL: field('ikegated.logLevel', 'string'),
  BOARD_DEBUG_SHELL: field('debugShell', 'boolean') ? 1 : 0,
};
for (const [name, value] of Object.entries(vars)) process.stdout.write(`${name}='${value}'\n`);

#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * Runs QEMU monitor commands on a running board through its QMP socket and prints their
 * output, e.g. `monitor.js build/board/run/qemu-x86_64-1/qmp.sock "info pci"`. Each argument
 * is one HMP command line (QMP's human-monitor-command carries it), so the commands are the
 * ones a person types at the (qemu) prompt. `quit` ends QEMU; the connection closing then is
 * the expected answer. run-board uses this to stop a board cleanly.
 *
 *   usage: monitor.js QMP-SOCKET COMMAND ...
 *   exit 1 when QEMU cannot be reached or a command fails (its error on stderr)
 */
const net = require('node:net');

const [socketPath, ...commands] = process.argv.slice(2);
if (!socketPath || commands.length === 0) {
  process.stderr.write('usage: monitor.js QMP-SOCKET COMMAND ...\n');
  process.exit(2);
}

const socket = net.connect(socketPath);
const timer = setTimeout(() => fail('no answer from QEMU within 10 s'), 10_000);
/** QMP requests in order: the capabilities handshake, then one per command line. */
const pending = [{ execute: 'qmp_capabilities' }, ...commands.map((line) => ({
  execute: 'human-monitor-command',
  arguments: { 'command-line': line },
}))].map((r) => JSON.stringify(r));
let current = -1;
let buffer = '';

/** @param {string} message */
function fail(message) {
  process.stderr.write(`monitor: ${message}\n`);
  process.exit(1);
}

function next() {
  current++;
  if (current >= pending.length) {
    clearTimeout(timer);
    socket.end();
    return;
  }
  socket.write(`${pending[current]}\n`);
}

socket.setEncoding('utf8');
socket.on('error', (err) => fail(`${socketPath}: ${err.message}`));
socket.on('close', () => {
  // QEMU closes the socket when it quits; that is success only for a quit that was sent.
  if (current < pending.length && !/^q(uit)?$/.test(commands[current - 1] ?? '')) fail('QEMU closed the connection');
  process.exit(0);
});
socket.on('data', (chunk) => {
  buffer += chunk;
  let nl;
  while ((nl = buffer.indexOf('\n')) >= 0) {
    const line = buffer.slice(0, nl).trim();
    buffer = buffer.slice(nl + 1);
    if (line === '') continue;
    const msg = JSON.parse(line);
    if (msg.QMP) next();
    else if (msg.error) fail(`${commands[current - 1] ?? 'qmp_capabilities'}: ${msg.error.desc}`);
    else if ('return' in msg) {
      if (typeof msg.return === 'string') {
        // HMP reports a failed command in its text, not as a QMP error.
        if (/^(Error|unknown command)/.test(msg.return)) fail(`${commands[current - 1]}: ${msg.return.trim()}`);
        process.stdout.write(msg.return);
      }
      next();
    }
    // Asynchronous events (SHUTDOWN, DEVICE_DELETED, ...) are not answers: skip them.
  }
});

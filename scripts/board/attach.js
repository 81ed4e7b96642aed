#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * Connects this terminal to one of a board's unix sockets (the console, the debug shell or the
 * HMP monitor), like a terminal server's port: keys go to the board raw, so line editing, Tab,
 * `?` and Ctrl-Z reach ikegated as on a real serial line. Ctrl-] detaches (the board runs on).
 *
 *   usage: attach.js SOCKET
 */
const net = require('node:net');

const socketPath = process.argv[2];
if (!socketPath) {
  process.stderr.write('usage: attach.js SOCKET   (Ctrl-] detaches)\n');
  process.exit(2);
}

const DETACH = 0x1d; // Ctrl-]
const socket = net.connect(socketPath);
socket.on('error', (err) => {
  process.stderr.write(`attach: ${socketPath}: ${err.message}\n`);
  process.exit(1);
});
socket.on('connect', () => {
  process.stderr.write(`attached to ${socketPath}; Ctrl-] detaches\r\n`);
  if (process.stdin.isTTY) process.stdin.setRawMode(true);
  process.stdin.on('data', (keys) => {
    const at = keys.indexOf(DETACH);
    if (at < 0) {
      socket.write(keys);
      return;
    }
    if (at > 0) socket.write(keys.subarray(0, at));
    socket.end();
  });
  socket.pipe(process.stdout);
});
socket.on('close', () => {
  if (process.stdin.isTTY) process.stdin.setRawMode(false);
  process.stderr.write('\r\ndetached\n');
  process.exit(0);
});

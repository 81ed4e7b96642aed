#!/usr/bin/env node
// @ts-check
'use strict';
/**
 * One UDP socket inside a network namespace, driven over stdio: node cannot enter a namespace
 * itself, so test/helpers/netns.ts runs this under `ip netns exec` and keeps the codec (and
 * every decision) in the test process.
 *
 *   usage: udp-relay.js BIND-ADDRESS BIND-PORT
 *   stdout: {"listening":{"address":..,"port":..}} once bound, then
 *           {"from":..,"port":..,"hex":..} per datagram received
 *   stdin:  {"to":..,"port":..,"hex":..} per datagram to send; end of input closes the socket
 */
const dgram = require('node:dgram');
const readline = require('node:readline');

const [address, port] = process.argv.slice(2);
if (!address || !port) {
  process.stderr.write('usage: udp-relay.js BIND-ADDRESS BIND-PORT\n');
  process.exit(2);
}

/** @param {unknown} value */
function emit(value) {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

const socket = dgram.createSocket('udp4');
socket.on('error', (err) => {
  process.stderr.write(`udp-relay: ${err.message}\n`);
  process.exit(1);
});
socket.on('message', (msg, rinfo) => emit({ from: rinfo.address, port: rinfo.port, hex: msg.toString('hex') }));
socket.bind(Number(port), address, () => {
  const bound = socket.address();
  emit({ listening: { address: bound.address, port: bound.port } });
  readline.createInterface({ input: process.stdin })
    .on('line', (line) => {
      const { to, port: toPort, hex } = JSON.parse(line);
      socket.send(Buffer.from(hex, 'hex'), toPort, to);
    })
    .on('close', () => socket.close());
});

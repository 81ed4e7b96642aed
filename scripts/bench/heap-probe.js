'use strict';
/**
 * Preloaded into an ikegated started by the IKE benchmark (node --expose-gc --require this):
 * a unix socket (path in IKEGATE_BENCH_HEAP_SOCKET) that, on each connection, runs a full
 * garbage collection and answers with the daemon's process.memoryUsage() as one JSON line.
 * It lives in the daemon, so the heap it reports is the daemon's own; the daemon's code is
 * untouched. The server is unref'd, so it never keeps a stopping daemon alive.
 */
const net = require('node:net');
const fs = require('node:fs');

const socketPath = process.env.IKEGATE_BENCH_HEAP_SOCKET;
if (socketPath) {
  if (typeof global.gc !== 'function') throw new Error('heap-probe needs node --expose-gc');
  fs.rmSync(socketPath, { force: true });
  const server = net.createServer((conn) => {
    // Twice: the first pass may only queue finalizers whose objects the second one frees.
    global.gc();
    global.gc();
    const usage = process.memoryUsage();
    // For finding what a tunnel keeps: a heap snapshot per probe into this directory.
    if (process.env.IKEGATE_BENCH_HEAP_SNAPSHOTS) require('node:v8').writeHeapSnapshot(require('node:path').join(process.env.IKEGATE_BENCH_HEAP_SNAPSHOTS, `${process.pid}-${Date.now()}.heapsnapshot`));
    conn.end(`${JSON.stringify(usage)}\n`);
  });
  server.listen(socketPath);
  server.unref();
}

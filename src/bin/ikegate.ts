#!/usr/bin/env node
import { runIkegate } from '../console/ikegate-client';

void runIkegate(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
}).then((status) => {
  process.exitCode = status;
});

/**
 * One ICMP echo through the kernel's own datapath, for `ping` with a kernel SA backend: the
 * system's ping sends it, so the packet meets the XFRM policies (and triggers an ACQUIRE) as
 * any traffic of the gateway would. Works with iputils and busybox ping alike.
 */
import { spawn } from 'node:child_process';

/** IPv4 and ICMP headers: ping's -s is the payload after them. */
const HEADERS = 20 + 8;

/** True when the echo was answered within `timeoutSeconds`; rejects only when ping cannot run. */
export function systemEcho(src: string, dst: string, bytes: number, timeoutSeconds: number): Promise<boolean> {
  const args = ['-q', '-c', '1', '-W', String(timeoutSeconds), '-s', String(Math.max(0, bytes - HEADERS)), '-I', src, dst];
  return new Promise((resolve, reject) => {
    const child = spawn('ping', args, { stdio: 'ignore' });
    child.once('error', (err) => reject(new Error(`cannot run ping: ${err.message}`, { cause: err })));
    // Exit 1 is "no reply"; 2 and others are errors such as an address not ours: not answered either.
    child.once('exit', (code) => resolve(code === 0));
  });
}

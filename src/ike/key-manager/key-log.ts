/**
 * `crypto isakmp key-log`: for each IKE SA established, a line of Wireshark's IKEv1 decryption
 * table (the UAT file `ikev1_decryption_table`): the initiator's cookie and the encryption key
 * cut from SKEYID_e, both as hex bytes separated by a comma, as Wireshark itself saves that
 * table (its hex-byte fields are written unquoted; a quoted field would be read as text).
 * Wireshark derives the IVs from the KE payloads of the capture, so that is all it needs.
 * The file holds secrets: created mode 0600, and its contents never reach a log.
 */
import { appendFile, chmod } from 'node:fs/promises';
import type { Logger } from 'pino';
import type { IkeSa } from '../sa/ike-sa';

export const KEY_LOG_FILE_NAME = 'ikev1_decryption_table';

/** One table line (with its newline) for an IKE SA. */
export function decryptionTableLine(sa: Pick<IkeSa, 'cookies' | 'keys'>): string {
  return `${sa.cookies.initiator.toString('hex')},${sa.keys.encryptionKey.toString('hex')}\n`;
}

/** Appends lines in order; a failure is logged (without the key) and the SA stays up. */
export class KeyLog {
  private tail: Promise<void> = Promise.resolve();

  constructor(readonly file: string, private readonly log: Logger) {}

  append(sa: Pick<IkeSa, 'cookies' | 'keys'>): Promise<void> {
    const cookie = sa.cookies.initiator.toString('hex');
    this.tail = this.tail.then(async () => {
      try {
        await appendFile(this.file, decryptionTableLine(sa), { mode: 0o600 });
        // A file left by someone else keeps its mode on append: make it private too.
        await chmod(this.file, 0o600);
        this.log.debug({ file: this.file, cookie }, 'IKE SA key appended to the Wireshark decryption table');
      } catch (err) {
        this.log.error({ file: this.file, cookie, err: (err as Error).message }, 'cannot append to the Wireshark decryption table');
      }
    });
    return this.tail;
  }
}

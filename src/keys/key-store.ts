import { promises as fs, constants } from 'node:fs';
import * as path from 'node:path';
import { inspect } from 'node:util';
import { createPrivateKey, createPublicKey, KeyObject } from 'node:crypto';
import type { Logger } from '../log';
import { writeFileAtomic } from '../persist/atomic-file';
import { ecBitsForCurve } from './ec-keygen';

export type KeyAlgorithm = 'rsa' | 'ec';
/** `general-keys` makes one general pair; `usage-keys` makes a signature and an encryption pair. */
export type KeyUsage = 'general' | 'signature' | 'encryption';

const USAGES: readonly KeyUsage[] = ['general', 'signature', 'encryption'];

/** What may be shown or logged about one of the router's key pairs: no private material. */
export interface KeyPairInfo {
  label: string;
  algorithm: KeyAlgorithm;
  usage: KeyUsage;
  exportable: boolean;
  bits: number;
  createdAt: Date;
  /** SubjectPublicKeyInfo DER (a copy; callers may keep or change it). */
  publicKeyDer: Buffer;
}

/** One pair handed to `put`; algorithm and size are read from the key itself. */
export interface NewKeyPair {
  label: string;
  usage: KeyUsage;
  exportable: boolean;
  privateKey: KeyObject;
  createdAt?: Date;
}

/** A key file that could not be used; the store carries on without it. */
export interface KeyStoreProblem {
  file: string;
  reason: string;
}

interface StoredPair {
  info: KeyPairInfo;
  privateKey: KeyObject;
}

/** On-disk form, one file per pair. */
interface KeyFile {
  format: typeof FILE_FORMAT;
  label: string;
  usage: KeyUsage;
  algorithm: KeyAlgorithm;
  bits: number;
  exportable: boolean;
  createdAt: string;
  /** PKCS#8 PEM, unencrypted: the file's 0600 mode in a 0700 directory is the protection. */
  privateKeyPem: string;
}

const FILE_FORMAT = 'ikegate-keypair-1';
/** Hex doubles the label; this keeps the longest file name well under NAME_MAX (255). */
export const MAX_LABEL_BYTES = 100;
const FILE_NAME = /^([0-9a-f]+)\.(general|signature|encryption)\.json$/;
/** writeFileAtomic's temp files; one left by a power cut may hold a private key. */
const LEFTOVER_TEMP = /^\..*\.tmp$/;

/**
 * Labels are hex-encoded in file names: any label is then a safe, unique name, also on
 * case-insensitive flash file systems, and never "." or "..".
 */
function fileNameFor(label: string, usage: KeyUsage): string {
  return `${Buffer.from(label, 'utf8').toString('hex')}.${usage}.json`;
}

function describeKey(privateKey: KeyObject): { algorithm: KeyAlgorithm; bits: number } {
  if (privateKey.type !== 'private') throw new TypeError('key pair needs a private key');
  if (privateKey.asymmetricKeyType === 'rsa') {
    const bits = privateKey.asymmetricKeyDetails?.modulusLength;
    if (bits !== undefined) return { algorithm: 'rsa', bits };
  }
  if (privateKey.asymmetricKeyType === 'ec') {
    const bits = ecBitsForCurve(privateKey.asymmetricKeyDetails?.namedCurve);
    if (bits !== undefined) return { algorithm: 'ec', bits };
  }
  throw new TypeError('key pair must be RSA, or EC on P-256 or P-384');
}

function makeInfo(label: string, usage: KeyUsage, exportable: boolean, createdAt: Date, privateKey: KeyObject): KeyPairInfo {
  const { algorithm, bits } = describeKey(privateKey);
  const publicKeyDer = createPublicKey(privateKey).export({ type: 'spki', format: 'der' });
  return { label, algorithm, usage, exportable, bits, createdAt, publicKeyDer };
}

function copyInfo(info: KeyPairInfo): KeyPairInfo {
  return { ...info, createdAt: new Date(info.createdAt), publicKeyDer: Buffer.from(info.publicKeyDer) };
}

/** Parse one key file; throws with a reason fit for a problem report (never key material). */
function parseKeyFile(name: string, text: string): StoredPair {
  const match = FILE_NAME.exec(name);
  if (!match) throw new Error('unexpected file name');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error('not valid JSON');
  }
  const file = raw as Partial<KeyFile>;
  if (typeof raw !== 'object' || raw === null || file.format !== FILE_FORMAT) throw new Error('not an ikegate key file');
  if (typeof file.label !== 'string' || Buffer.from(file.label, 'utf8').toString('hex') !== match[1]) {
    throw new Error('label does not match the file name');
  }
  if (file.usage !== match[2]) throw new Error('usage does not match the file name');
  if (typeof file.exportable !== 'boolean') throw new Error('exportable flag missing');
  const createdAt = new Date(typeof file.createdAt === 'string' ? file.createdAt : NaN);
  if (Number.isNaN(createdAt.getTime())) throw new Error('creation time missing or invalid');
  if (typeof file.privateKeyPem !== 'string') throw new Error('private key missing');
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey({ key: file.privateKeyPem, format: 'pem' });
  } catch {
    throw new Error('private key unreadable');
  }
  const info = makeInfo(file.label, file.usage, file.exportable, createdAt, privateKey);
  if (info.algorithm !== file.algorithm || info.bits !== file.bits) throw new Error('algorithm or size does not match the key');
  return { info, privateKey };
}

/** Make unlinks and renames in `dir` durable, as writeFileAtomic does for its rename. */
async function syncDir(dir: string): Promise<void> {
  const dh = await fs.open(dir, constants.O_RDONLY);
  try {
    await dh.sync();
  } finally {
    await dh.close();
  }
}

/**
 * The router's own key pairs (`crypto key generate rsa|ec`), one 0600 file per pair in a
 * 0700 directory. Private keys leave only through `privateKey()`; nothing that lists, logs
 * or serialises the store shows them.
 */
export class KeyStore {
  readonly dir: string;
  /** label -> usage -> pair */
  readonly #pairs = new Map<string, Map<KeyUsage, StoredPair>>();
  readonly #problems: KeyStoreProblem[] = [];
  readonly #log: Logger | undefined;
  /** put/remove run one at a time so files and memory never disagree. */
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(dir: string, log: Logger | undefined) {
    this.dir = dir;
    this.#log = log;
  }

  /** Create the directory if needed and load every key file; bad files become problems. */
  static async open(dir: string, log?: Logger): Promise<KeyStore> {
    const store = new KeyStore(dir, log);
    await store.#load();
    return store;
  }

  /** Files skipped or fixes that failed while opening. */
  problems(): KeyStoreProblem[] {
    return this.#problems.map((p) => ({ ...p }));
  }

  /** Every pair, by label then usage (general, signature, encryption). */
  list(): KeyPairInfo[] {
    const labels = [...this.#pairs.keys()].sort();
    return labels.flatMap((label) => this.#usagesOf(label).map((pair) => copyInfo(pair.info)));
  }

  /** One pair; without `usage`, the label's first pair in usage order. */
  get(label: string, usage?: KeyUsage): KeyPairInfo | undefined {
    const pair = usage === undefined ? this.#usagesOf(label)[0] : this.#pairs.get(label)?.get(usage);
    return pair && copyInfo(pair.info);
  }

  privateKey(label: string, usage: KeyUsage): KeyObject | undefined {
    return this.#pairs.get(label)?.get(usage)?.privateKey;
  }

  /**
   * Store pairs, replacing everything held under each label they name: a label switching
   * between usage-keys and general-keys loses its old files. New files are written before
   * stale ones are removed, so a crash in between never loses the new keys.
   */
  async put(entries: NewKeyPair[]): Promise<KeyPairInfo[]> {
    const byLabel = new Map<string, Map<KeyUsage, StoredPair>>();
    for (const entry of entries) {
      const bytes = Buffer.byteLength(entry.label, 'utf8');
      if (bytes === 0 || bytes > MAX_LABEL_BYTES) throw new RangeError(`key label must be 1 to ${MAX_LABEL_BYTES} bytes`);
      const usages = byLabel.get(entry.label) ?? new Map<KeyUsage, StoredPair>();
      if (usages.has(entry.usage)) throw new Error(`two ${entry.usage} keys for label ${entry.label}`);
      const createdAt = new Date(entry.createdAt ?? Date.now());
      const info = makeInfo(entry.label, entry.usage, entry.exportable, createdAt, entry.privateKey);
      usages.set(entry.usage, { info, privateKey: entry.privateKey });
      byLabel.set(entry.label, usages);
    }
    for (const [label, usages] of byLabel) {
      if (usages.has('general') && usages.size > 1) throw new Error(`label ${label} cannot have general and usage keys`);
    }
    return this.#serialised(async () => {
      for (const [label, usages] of byLabel) {
        for (const pair of usages.values()) await this.#write(pair);
        await this.#unlink(USAGES.filter((usage) => !usages.has(usage)).map((usage) => fileNameFor(label, usage)));
        this.#pairs.set(label, usages);
      }
      return [...byLabel.values()].flatMap((usages) => [...usages.values()].map((pair) => copyInfo(pair.info)));
    });
  }

  /** Delete every pair under `label` (`crypto key zeroize rsa LABEL`); false if there were none. */
  async remove(label: string): Promise<boolean> {
    return this.#serialised(async () => {
      await this.#unlink(USAGES.map((usage) => fileNameFor(label, usage)));
      return this.#pairs.delete(label);
    });
  }

  toJSON(): { dir: string; pairs: Omit<KeyPairInfo, 'publicKeyDer'>[] } {
    return { dir: this.dir, pairs: this.list().map(({ publicKeyDer: _der, ...rest }) => rest) };
  }

  [inspect.custom](): string {
    return `KeyStore { dir: ${JSON.stringify(this.dir)}, pairs: ${this.list().length} }`;
  }

  #usagesOf(label: string): StoredPair[] {
    const usages = this.#pairs.get(label);
    return usages ? USAGES.flatMap((usage) => usages.get(usage) ?? []) : [];
  }

  #serialised<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  #problem(file: string, reason: string): void {
    this.#problems.push({ file, reason });
    this.#log?.warn({ file, reason }, 'key store problem');
  }

  async #load(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true, mode: 0o700 });
    const stat = await fs.stat(this.dir);
    if ((stat.mode & 0o777) !== 0o700) {
      try {
        await fs.chmod(this.dir, 0o700);
      } catch (err) {
        this.#problem(this.dir, `cannot restrict directory to mode 0700: ${(err as Error).message}`);
      }
    }
    const loaded: StoredPair[] = [];
    for (const name of (await fs.readdir(this.dir)).sort()) {
      const file = path.join(this.dir, name);
      if (LEFTOVER_TEMP.test(name)) {
        await fs.rm(file, { force: true });
        continue;
      }
      if (!FILE_NAME.test(name)) continue;
      try {
        loaded.push(parseKeyFile(name, await fs.readFile(file, 'utf8')));
      } catch (err) {
        this.#problem(file, (err as Error).message);
      }
    }
    for (const pair of loaded) {
      const usages = this.#pairs.get(pair.info.label) ?? new Map<KeyUsage, StoredPair>();
      usages.set(pair.info.usage, pair);
      this.#pairs.set(pair.info.label, usages);
    }
    for (const [label, usages] of this.#pairs) this.#settleMixedUsages(label, usages);
  }

  /**
   * A crash inside `put` can leave a label with both general and usage files. The newer
   * side is the one `put` was writing; the other is ignored until the next put/remove of
   * that label deletes it.
   */
  #settleMixedUsages(label: string, usages: Map<KeyUsage, StoredPair>): void {
    const general = usages.get('general');
    if (!general || usages.size === 1) return;
    const usageTimes = [...usages.values()].filter((p) => p !== general).map((p) => p.info.createdAt.getTime());
    const keepGeneral = general.info.createdAt.getTime() >= Math.max(...usageTimes);
    const stale: KeyUsage[] = keepGeneral ? USAGES.filter((u) => u !== 'general' && usages.has(u)) : ['general'];
    for (const usage of stale) {
      usages.delete(usage);
      this.#problem(path.join(this.dir, fileNameFor(label, usage)), 'ignored: newer keys with other usage exist for this label');
    }
  }

  async #write(pair: StoredPair): Promise<void> {
    const { info } = pair;
    const content: KeyFile = {
      format: FILE_FORMAT,
      label: info.label,
      usage: info.usage,
      algorithm: info.algorithm,
      bits: info.bits,
      exportable: info.exportable,
      createdAt: info.createdAt.toISOString(),
      privateKeyPem: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    };
    await writeFileAtomic(path.join(this.dir, fileNameFor(info.label, info.usage)), `${JSON.stringify(content, null, 2)}\n`, 0o600);
  }

  async #unlink(names: string[]): Promise<void> {
    let removed = false;
    for (const name of names) {
      try {
        await fs.unlink(path.join(this.dir, name));
        removed = true;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    if (removed) await syncDir(this.dir);
  }
}

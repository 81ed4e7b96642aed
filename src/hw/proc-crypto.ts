/**
 * Finds crypto cards in the kernel's algorithm list (/proc/crypto). Each algorithm is a
 * block of "field : value" lines (name, driver, module, priority, refcnt, selftest,
 * internal, type, then per-type fields such as "min keysize"), blocks separated by a
 * blank line.
 *
 * Which entries are hardware. The kernel names no "hardware" flag, so we decide from the
 * module and driver names:
 *   1. internal helpers ("internal : yes"), half-registered algorithms ("type : larval") and
 *      algorithms whose self-test has not passed ("selftest : unknown": still running, or
 *      failed, as virtio-crypto's raw "rsa" does under QEMU) are never handed out by the
 *      kernel's crypto API, so they are skipped;
 *   2. module "kernel" means built into the kernel image: software;
 *   3. a module of a known accelerator driver (virtio_crypto, qat, ccp, caam, ...) is hardware;
 *   4. otherwise the entry is software when the module or driver names a generic C
 *      implementation ("generic" anywhere, aes_ti/"fixed-time"), a CPU-instruction
 *      implementation (aesni, avx2, ssse3, clmulni, ce, neon, s390, padlock, ...), or when
 *      the driver is a template instance wrapping other drivers ("hmac(sha256-generic)",
 *      "cryptd(...)": the driver starts with the same "template(" as the name);
 *   5. any other module is treated as hardware.
 * Hardware entries are grouped into one engine per module; a module whose algorithms are
 * all outside the IKE/IPsec vocabulary (a hash-only or rng-only device) yields no engine,
 * since it could never take work from the software engine.
 */
import type { CipherCapability, DhGroup, IkeHash } from '../config/algorithms';
import { isCipherCapability, isIkeHash, type AsymmetricAlgorithm, type CryptoEngine } from './engine';

interface ProcCryptoEntry {
  readonly fields: ReadonlyMap<string, string>;
  readonly name: string;
  readonly driver: string;
  readonly module: string;
}

const KNOWN_ACCELERATORS: readonly (readonly [RegExp, string])[] = [
  [/^virtio_crypto$/, 'Virtio Crypto Accelerator'],
  [/^(intel_)?qat/, 'Intel QuickAssist'],
  [/^ccp(_crypto)?$/, 'AMD Cryptographic Coprocessor'],
  [/^caam/, 'NXP CAAM'],
  [/^ccree$/, 'Arm CryptoCell'],
  [/^hisi_(sec2?|hpre)$/, 'HiSilicon SEC'],
  [/^(marvell|mv)_cesa$/, 'Marvell CESA'],
  [/^talitos$/, 'Freescale SEC'],
  [/^chcr$/, 'Chelsio Crypto'],
  [/^n5pf$/, 'Cavium NITROX'],
  [/^crypto_safexcel$/, 'Inside Secure SafeXcel'],
  [/^sun\d+i_(ce|ss)$/, 'Allwinner Crypto Engine'],
  [/^atmel_/, 'Microchip Crypto'],
  [/^omap_/, 'TI OMAP Crypto'],
  [/^stm32_/, 'STM32 Crypto'],
];

/** Name tokens of software implementations that use CPU instructions or portable C. */
const SOFTWARE_TOKENS = new Set([
  'generic', 'ti', 'fixed', 'aesni', 'sse2', 'ssse3', 'avx', 'avx2', 'avx512', 'pclmul', 'clmulni',
  'intel', 'x86', 'ce', 'neon', 'arm', 'arm64', 'riscv64', 's390', 'spe', 'vmx', 'ppc', 'sparc64',
  'mips', 'padlock', 'simd',
]);

/** Key length in bytes (as /proc/crypto prints it) → bits (as the vocabulary names it). */
const CIPHER_KEY_BITS: ReadonlyMap<string, readonly (readonly [bytes: number, bits: number])[]> = new Map([
  ['aes', [[16, 128], [24, 192], [32, 256]]],
  ['des', [[8, 56]]],
  ['des3_ede', [[24, 168]]],
]);

/**
 * Groups each key-agreement algorithm can compute. "dh" takes any MODP prime, so it covers
 * every MODP group; the pre-5.13 "ecdh" knew only P-192 and P-256.
 */
const KEY_AGREEMENT_GROUPS: ReadonlyMap<string, readonly DhGroup[]> = new Map<string, readonly DhGroup[]>([
  ['dh', [1, 2, 5, 14, 15, 16, 24]],
  ['ecdh', [19]],
  ['ecdh-nist-p256', [19]],
  ['ecdh-nist-p384', [20]],
]);

/** Display name for a card driven by `module`. */
export function acceleratorName(module: string): string {
  return KNOWN_ACCELERATORS.find(([re]) => re.test(module))?.[1] ?? module;
}

/** One hardware engine per accelerator module found in /proc/crypto text. */
export function engineFromProcCrypto(text: string): CryptoEngine[] {
  const byModule = new Map<string, Capabilities>();
  for (const entry of parseEntries(text)) {
    if (!isHardware(entry)) continue;
    let caps = byModule.get(entry.module);
    if (!caps) {
      caps = { ciphers: new Set(), hashes: new Set(), dhGroups: new Set(), asymmetric: new Set() };
      byModule.set(entry.module, caps);
    }
    addCapabilities(caps, entry);
  }
  const engines: CryptoEngine[] = [];
  for (const [module, caps] of byModule) {
    if (caps.ciphers.size + caps.hashes.size + caps.dhGroups.size + caps.asymmetric.size === 0) continue;
    engines.push({
      id: module,
      name: acceleratorName(module),
      kind: 'hardware',
      driver: module,
      location: `kernel module ${module}`,
      ...caps,
    });
  }
  return engines;
}

interface Capabilities {
  ciphers: Set<CipherCapability>;
  hashes: Set<IkeHash>;
  dhGroups: Set<DhGroup>;
  asymmetric: Set<AsymmetricAlgorithm>;
}

function parseEntries(text: string): ProcCryptoEntry[] {
  const entries: ProcCryptoEntry[] = [];
  for (const block of text.split(/\r?\n[ \t]*\r?\n/)) {
    const fields = new Map<string, string>();
    for (const line of block.split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon > 0) fields.set(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    }
    const name = fields.get('name');
    const driver = fields.get('driver');
    const module = fields.get('module');
    if (name && driver && module) entries.push({ fields, name, driver, module });
  }
  return entries;
}

function isHardware(e: ProcCryptoEntry): boolean {
  if (e.fields.get('internal') === 'yes' || e.fields.get('type') === 'larval' || e.fields.get('selftest') === 'unknown') return false;
  if (e.module === 'kernel') return false;
  if (KNOWN_ACCELERATORS.some(([re]) => re.test(e.module))) return true;
  if (isTemplateInstance(e)) return false;
  const tokens = [...e.module.split(/[-_()]+/), ...e.driver.split(/[-_(),]+/)];
  return !tokens.some((t) => SOFTWARE_TOKENS.has(t));
}

function isTemplateInstance(e: ProcCryptoEntry): boolean {
  const open = e.driver.indexOf('(');
  return open > 0 && e.name.startsWith(e.driver.slice(0, open + 1));
}

function addCapabilities(caps: Capabilities, e: ProcCryptoEntry): void {
  const { name } = e;
  const cipher = /^(cbc|gcm)\((\w+)\)$/.exec(name) ?? /^rfc4106\((gcm)\((\w+)\)\)$/.exec(name);
  if (cipher) {
    addCiphers(caps, cipher[1], cipher[2], e);
    return;
  }
  // Combined-mode drivers (one request does HMAC and CBC) prove both abilities.
  const authenc = /^authenc\(hmac\((\w+)\),cbc\((\w+)\)\)$/.exec(name);
  if (authenc) {
    addHash(caps, authenc[1]);
    addCiphers(caps, 'cbc', authenc[2], e);
    return;
  }
  const hmac = /^hmac\((\w+)\)$/.exec(name);
  if (hmac) {
    addHash(caps, hmac[1]);
  } else if (name === 'rsa' || /^pkcs1(pad)?\(rsa[,)]/.test(name)) {
    caps.asymmetric.add('rsa');
  } else if (/^ecdsa-nist-p(256|384)$/.test(name)) {
    caps.asymmetric.add('ecdsa');
  } else {
    for (const g of KEY_AGREEMENT_GROUPS.get(name) ?? []) caps.dhGroups.add(g);
  }
}

function addHash(caps: Capabilities, hash: string): void {
  if (isIkeHash(hash)) caps.hashes.add(hash);
}

/**
 * Adds the key lengths the entry accepts: those within its "min keysize".."max keysize"
 * (bytes). AEAD entries print no key sizes, so every standard length of the cipher counts.
 */
function addCiphers(caps: Capabilities, mode: string, cipher: string, e: ProcCryptoEntry): void {
  const min = Number(e.fields.get('min keysize') ?? 0);
  const max = Number(e.fields.get('max keysize') ?? Infinity);
  for (const [bytes, bits] of CIPHER_KEY_BITS.get(cipher) ?? []) {
    const cap = `${mode}(${cipher})-${bits}`;
    if (bytes >= min && bytes <= max && isCipherCapability(cap)) caps.ciphers.add(cap);
  }
}

import { createPrivateKey, createPublicKey, generateKeyPair, generatePrime, KeyObject } from 'node:crypto';
import { derInteger, derSequence } from './der';

/** Modulus sizes `crypto key generate rsa ... modulus N` accepts. */
export const RSA_MODULUS_MIN = 360;
export const RSA_MODULUS_MAX = 4096;

/** OpenSSL 3 refuses to generate RSA keys below this size; smaller ones are built here. */
const OPENSSL_RSA_MIN = 512;
const PUBLIC_EXPONENT = 65537n;

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** A fresh RSA pair (e = 65537) whose modulus has exactly `modulusBits` bits; never blocks the loop. */
export async function generateRsaKeyPair(modulusBits: number): Promise<KeyPair> {
  if (!Number.isInteger(modulusBits) || modulusBits < RSA_MODULUS_MIN || modulusBits > RSA_MODULUS_MAX) {
    throw new RangeError(`RSA modulus must be an integer from ${RSA_MODULUS_MIN} to ${RSA_MODULUS_MAX} bits`);
  }
  if (modulusBits >= OPENSSL_RSA_MIN) {
    return new Promise((resolve, reject) => {
      generateKeyPair('rsa', { modulusLength: modulusBits, publicExponent: Number(PUBLIC_EXPONENT) }, (err, publicKey, privateKey) => {
        if (err) reject(err);
        else resolve({ privateKey, publicKey });
      });
    });
  }
  const privateKey = createPrivateKey({ key: await smallRsaPrivateKeyDer(modulusBits), format: 'der', type: 'pkcs1' });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

function randomPrime(bits: number): Promise<bigint> {
  return new Promise((resolve, reject) => {
    generatePrime(bits, { bigint: true }, (err, prime) => (err ? reject(err) : resolve(prime)));
  });
}

function bitLength(n: bigint): number {
  return n.toString(2).length;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

/** Inverse of a modulo m (extended Euclid); callers guarantee gcd(a, m) = 1. */
function modInverse(a: bigint, m: bigint): bigint {
  let [oldR, r] = [a % m, m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return ((oldS % m) + m) % m;
}

/** PKCS#1 RSAPrivateKey DER for a fresh key of exactly `modulusBits` bits. */
async function smallRsaPrivateKeyDer(modulusBits: number): Promise<Buffer> {
  const pBits = Math.ceil(modulusBits / 2);
  const qBits = modulusBits - pBits;
  for (;;) {
    const [a, b] = await Promise.all([randomPrime(pBits), randomPrime(qBits)]);
    if (a === b) continue;
    // CRT convention: p > q so that qInv = q^-1 mod p.
    const [p, q] = a > b ? [a, b] : [b, a];
    const n = p * q;
    if (bitLength(n) !== modulusBits) continue;
    if (gcd(PUBLIC_EXPONENT, p - 1n) !== 1n || gcd(PUBLIC_EXPONENT, q - 1n) !== 1n) continue;
    const lambda = ((p - 1n) * (q - 1n)) / gcd(p - 1n, q - 1n);
    const d = modInverse(PUBLIC_EXPONENT, lambda);
    return derSequence([
      derInteger(0n), // version: two-prime
      derInteger(n),
      derInteger(PUBLIC_EXPONENT),
      derInteger(d),
      derInteger(p),
      derInteger(q),
      derInteger(d % (p - 1n)),
      derInteger(d % (q - 1n)),
      derInteger(modInverse(q, p)),
    ]);
  }
}

import t from 'tap';
import { generateKeyPairSync } from 'node:crypto';
import { formatKeyHex, KeyStringError, parseRsaPublicKeyHex } from '../src/keys/public-key-der';
import { generateRsaKeyPair } from '../src/keys/rsa-keygen';

/** The seed's key-string examples, exactly as printed (their first bytes are corrupted). */
const SEED_NAMED_KEY = [
  '005C300D 06092A86 4886F70D 01010105',
  '00034B00 30480241 00C5E23B 55D6AB22',
  '04AEF1BA A54028A6 9ACC01C5 129D99E4',
  '64CAB820 847EDAD9 DF0B4E4C 73A05DD2',
  'BD62A8A9 FA603DD2 E2A8A6F8 98F76E28',
  'D58AD221 B583D7A4 71020301 0001',
];
const SEED_ENCRYPTION_KEY = [
  '00302017 4A7D385B 1234EF29 335FC973',
  '2DD50A37 C4F4B0FD 9DADE748 429618D5',
  '18242BA3 2EDFBDD3 4296142A DDF7D3D8',
  '08407685 2F2190A0 0B43F1BD 9A8A26DB',
  '07953829 791FCDE9 A98420F0 6A82045B',
  '90288A26 DBC64468 7789F76E EE21',
];
const SEED_SIGNATURE_KEY = [
  '0738BC7A 2BC3E9F0 679B00FE 53987BCC',
  '01030201 42DD06AF E228D24C 458AD228',
  '58BB5DDD F4836401 2A2D7163 219F882E',
  '64CE69D4 B583748A 241BED0F 6E7F2F16',
  '0DE0986E DF02031F 4B0B0912 F68200C4',
  'C625C389 0BFF3321 A2598935 C1B1',
];

t.test('accepts RSA public keys in every layout', async (t) => {
  const { publicKey } = await generateRsaKeyPair(512);
  const spki = publicKey.export({ type: 'spki', format: 'der' });
  const pkcs1 = publicKey.export({ type: 'pkcs1', format: 'der' });
  const spkiHex = spki.toString('hex');
  const accept: [string, string[]][] = [
    ['IOS layout', formatKeyHex(spki, '  ')],
    ['one line, lowercase', [spkiHex]],
    ['uppercase words over lines with tabs and CR', spkiHex.toUpperCase().match(/.{1,10}/g)!.map((w, i) => (i % 3 ? `\t${w}\r` : w))],
    ['one byte per line', spkiHex.match(/../g)!],
    ['blank lines around', ['', ...formatKeyHex(spki, ''), '   ']],
    ['PKCS#1 RSAPublicKey', formatKeyHex(pkcs1, ' ')],
  ];
  for (const [name, lines] of accept) {
    const parsed = parseRsaPublicKeyHex(lines);
    t.same(parsed.der, spki, `${name}: SPKI DER out`);
    t.equal(parsed.modulusBits, 512, name);
  }
});

t.test('the seed named-key with its first byte restored is a real 512-bit key', async (t) => {
  const fixed = [`30${SEED_NAMED_KEY[0]!.slice(2)}`, ...SEED_NAMED_KEY.slice(1)];
  const parsed = parseRsaPublicKeyHex(fixed);
  t.equal(parsed.modulusBits, 512);
  t.equal(parsed.der.length, 94);
});

t.test('rejects anything that is not exactly one RSA public key', async (t) => {
  const { privateKey, publicKey } = await generateRsaKeyPair(512);
  const spkiHex = publicKey.export({ type: 'spki', format: 'der' }).toString('hex');
  const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const ed = generateKeyPairSync('ed25519');
  const reject: [string, string[], RegExp][] = [
    ['seed named-key (005C...)', SEED_NAMED_KEY, /not a DER-encoded RSA public key/],
    ['seed addressed-key encryption', SEED_ENCRYPTION_KEY, /not a DER-encoded RSA public key/],
    ['seed addressed-key signature', SEED_SIGNATURE_KEY, /not a DER-encoded RSA public key/],
    ['nothing', [], /no key data/],
    ['only whitespace', ['  ', '\t'], /no key data/],
    ['odd digit count', [`${spkiHex}0`], /odd number of hex digits/],
    ['non-hex character', [spkiHex.replace(/^30/, '3G')], /"G" is not a hex digit/],
    ['0x prefix', [`0x${spkiHex}`], /"x" is not a hex digit/],
    ['trailing garbage', [spkiHex, '00'], /1 bytes of trailing data/],
    ['two keys', [spkiHex, spkiHex], /trailing data/],
    ['truncated', [spkiHex.slice(0, -4)], /truncated/],
    ['inner length wrong', [spkiHex.replace(/^305c300d/, '305c300c')], /not a DER-encoded RSA public key/],
    ['inner element overruns the key', ['3003020501'], /not a DER-encoded RSA public key/],
    ['not a SEQUENCE', ['020101'], /not a DER-encoded RSA public key/],
    ['empty SEQUENCE', ['3000'], /not a DER-encoded RSA public key/],
    ['SPKI shape, no key inside', ['3007300003030000ff'], /not a DER-encoded RSA public key/],
    ['SEQUENCE of three INTEGERs', ['3009020101020101020101'], /not a DER-encoded RSA public key/],
    ['PKCS#1 private key', [privateKey.export({ type: 'pkcs1', format: 'der' }).toString('hex')], /not a DER-encoded RSA public key/],
    ['PKCS#8 private key', [privateKey.export({ type: 'pkcs8', format: 'der' }).toString('hex')], /not a DER-encoded RSA public key/],
    ['EC public key', [ec.publicKey.export({ type: 'spki', format: 'der' }).toString('hex')], /not an RSA key \(ec\)/],
    ['Ed25519 public key', [ed.publicKey.export({ type: 'spki', format: 'der' }).toString('hex')], /not an RSA key \(ed25519\)/],
  ];
  for (const [name, lines, message] of reject) {
    t.throws(() => parseRsaPublicKeyHex(lines), KeyStringError, name);
    t.throws(() => parseRsaPublicKeyHex(lines), { message }, name);
    t.throws(() => parseRsaPublicKeyHex(lines), { message: /^Invalid key-string: / }, name);
  }
});

t.test('formatKeyHex lays key data out like IOS', async (t) => {
  const der = Buffer.from(Array.from({ length: 94 }, (_, i) => i + 0xa0));
  const lines = formatKeyHex(der, '  ');
  t.equal(lines.length, 3);
  t.equal(lines[0], '  A0A1A2A3 A4A5A6A7 A8A9AAAB ACADAEAF B0B1B2B3 B4B5B6B7 B8B9BABB BCBDBEBF');
  for (const line of lines.slice(0, 2)) t.match(line, /^ {2}([0-9A-F]{8} ){7}[0-9A-F]{8}$/);
  t.equal(lines[2], '  E0E1E2E3 E4E5E6E7 E8E9EAEB ECEDEEEF F0F1F2F3 F4F5F6F7 F8F9FAFB FCFD');
  t.same(formatKeyHex(Buffer.alloc(32, 0xff), ''), [Array(8).fill('FFFFFFFF').join(' ')], 'exactly one full line');
  t.same(formatKeyHex(Buffer.alloc(33, 0x0f), '\t').slice(1), ['\t0F'], 'one byte spills to a new line');
  t.same(formatKeyHex(Buffer.alloc(0), '  '), []);
});

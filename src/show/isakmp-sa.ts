import type { IkeCipher, IkeHash } from '../config/algorithms';
import type { IsakmpSaRow } from '../ike/key-manager/operator-views';

const ENCR: Readonly<Record<IkeCipher, string>> = { des: 'des', '3des': '3des', aes128: 'aes', aes192: 'aes:192', aes256: 'aes:256' };
const HASH: Readonly<Record<IkeHash, string>> = { md5: 'md5', sha1: 'sha', sha256: 'sha256', sha384: 'sha384' };

/** A cell of `width` columns; a longer value overflows it, still followed by a space. */
function cell(text: string, width: number): string {
  return text.length < width ? text.padEnd(width) : `${text} `;
}

/** Seconds as IOS prints a remaining lifetime: H:MM:SS. */
function hms(seconds: number): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${Math.floor(seconds / 3600)}:${two(Math.floor(seconds / 60) % 60)}:${two(seconds % 60)}`;
}

/** `show crypto isakmp sa`: dst (the responder), src (the initiator), state, conn-id, status. */
export function renderIsakmpSa(rows: readonly IsakmpSaRow[]): string[] {
  return [
    'IPv4 Crypto ISAKMP SA',
    'dst             src             state          conn-id status',
    ...rows.map((r) => `${r.dst.padEnd(16)}${r.src.padEnd(16)}${r.state.padEnd(15)}${String(r.connId).padStart(7)} ${r.status}`),
    '',
    'IPv6 Crypto ISAKMP SA',
    '',
  ];
}

/**
 * `show crypto isakmp sa detail` in the IOS layout, each row followed by its engine line and
 * two lines IOS does not have: the cookies, and how the SA was made (mode, role, NAT-T).
 */
export function renderIsakmpSaDetail(rows: readonly IsakmpSaRow[]): string[] {
  const out = [
    'Codes: C - IKE configuration mode, D - Dead Peer Detection',
    '       K - Keepalives, N - NAT-traversal',
    '       T - cTCP encapsulation, X - IKE Extended Authentication',
    '       psk - Preshared key, rsig - RSA signature',
    '       renc - RSA encryption',
    'IPv4 Crypto ISAKMP SA',
    '',
    'C-id  Local           Remote          I-VRF  Status Encr Hash   Auth DH Lifetime Cap.',
    '',
  ];
  for (const [i, r] of rows.entries()) {
    const s = r.suite;
    const cells = s
      ? [cell(ENCR[s.encryption], 5), cell(HASH[s.hash], 7), cell('psk', 5), cell(String(s.group), 3), cell(hms(s.remainingSeconds), 9)]
      : [''.padEnd(29)];
    const row = `${cell(String(r.connId), 6)}${cell(r.local, 16)}${cell(r.remote, 16)}${''.padEnd(7)}${cell(r.status, 7)}${cells.join('')}${r.natT ? 'N' : ''}`;
    out.push(row.trimEnd());
    out.push(`       Engine-id:Conn-id =  SW:${i + 1}`);
    out.push(`       Cookies: I ${r.cookies.initiator} R ${r.cookies.responder}`);
    out.push(`       ${r.exchange === 'main' ? 'Main' : 'Aggressive'} mode, ${r.role}, ${r.suite ? 'established' : r.state}, NAT-T ${r.natT ? 'in use' : 'not in use'}`);
    out.push('');
  }
  out.push('IPv6 Crypto ISAKMP SA', '');
  return out;
}

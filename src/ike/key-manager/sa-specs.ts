import type { EspAuthTransform, EspCipherTransform } from '../../config/algorithms';
import { kernelCipher, kernelIntegrity } from '../../kernel/kernel-algorithms';
import type { EncryptionAlgorithm, IntegrityAlgorithm, SaId, SaLifetimes, SaSpec, UdpEncap } from '../../kernel/sad-backend';
import type { EspCipher, IpsecIntegrity, IpsecTransform } from '../crypto/keymat';
import type { IpsecProtocolSa, IpsecSa, KeyedIpsecDirection } from '../sa/ipsec-sa';
import type { PortMap } from './port-map';
import { proxySelector } from './selectors';

/** IOS's default anti-replay window (packets). */
const REPLAY_WINDOW = 64;

const CIPHER_TRANSFORMS: Readonly<Record<Exclude<EspCipher, 'seal'>, EspCipherTransform>> = {
  des: 'esp-des', '3des': 'esp-3des', 'aes-cbc': 'esp-aes', 'aes-gcm': 'esp-gcm', null: 'esp-null',
};

/** The HMACs by the transform-set names kernelIntegrity knows (AH's have the same kernel form). */
const INTEGRITY_TRANSFORMS: Readonly<Record<IpsecIntegrity, EspAuthTransform>> = {
  'hmac-md5': 'esp-md5-hmac', 'hmac-sha1': 'esp-sha-hmac', 'hmac-sha256': 'esp-sha256-hmac',
  'hmac-sha384': 'esp-sha384-hmac', 'hmac-sha512': 'esp-sha512-hmac',
};

export function spiNumber(spi: Buffer): number {
  return spi.readUInt32BE(0);
}

export function spiBuffer(spi: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(spi);
  return b;
}

function encryption(algorithms: IpsecTransform, keys: KeyedIpsecDirection['keys']): EncryptionAlgorithm | undefined {
  if (!algorithms.cipher) return undefined;
  if (algorithms.cipher === 'seal') throw new Error('esp-seal has no kernel implementation and is never negotiated');
  const transform = CIPHER_TRANSFORMS[algorithms.cipher];
  const sized = transform === 'esp-aes' || transform === 'esp-gcm';
  const choice = kernelCipher(transform, sized ? algorithms.keyBits ?? 128 : undefined);
  if (!choice) throw new Error(`${transform} has no kernel implementation`);
  const algorithm: EncryptionAlgorithm = { name: choice.name, key: keys.encryptionKey };
  if (choice.icvBits !== undefined) algorithm.icvBits = choice.icvBits;
  return algorithm;
}

function integrity(algorithms: IpsecTransform, keys: KeyedIpsecDirection['keys']): IntegrityAlgorithm | undefined {
  if (!algorithms.integrity) return undefined;
  const choice = kernelIntegrity(INTEGRITY_TRANSFORMS[algorithms.integrity]);
  return { name: choice.name, key: keys.integrityKey, truncationBits: choice.truncationBits };
}

/**
 * The SA's limits for the kernel: the negotiated ones as hard limits, and soft limits at
 * `softFraction` of them, when a rekey starts so the new SA is in place before the old dies.
 */
export function saLifetimes(sa: IpsecSa, softFraction: number): SaLifetimes {
  const l: SaLifetimes = {};
  if (sa.lifetime.seconds !== undefined) {
    l.hardSeconds = sa.lifetime.seconds;
    l.softSeconds = Math.max(1, Math.floor(sa.lifetime.seconds * softFraction));
  }
  if (sa.lifetime.kilobytes !== undefined) {
    l.hardBytes = sa.lifetime.kilobytes * 1024;
    l.softBytes = Math.max(1, Math.floor(l.hardBytes * softFraction));
  }
  return l;
}

/** The kernel's identity of one direction of one protocol of the bundle. */
export function saId(sa: IpsecSa, p: IpsecProtocolSa, direction: 'inbound' | 'outbound'): SaId {
  const [src, dst] = direction === 'inbound' ? [sa.remote.address, sa.local.address] : [sa.local.address, sa.remote.address];
  return { src, dst, proto: p.protocol, spi: spiNumber(p[direction].spi) };
}

/** NAT-OA (RFC 3947 5.2): the peer's original address, for transport-mode checksum fix-ups. */
function peerOriginalAddress(sa: IpsecSa): string | undefined {
  const list = sa.natOriginalAddresses;
  if (sa.mode !== 'transport' || list.length === 0) return undefined;
  // RFC 3947 sends initiator's then responder's; the drafts only the sender's own.
  return list.length >= 2 ? list[sa.role === 'initiator' ? 1 : 0] : list[0];
}

/** One direction of one protocol as the backend installs it. */
export function saSpec(
  sa: IpsecSa,
  p: IpsecProtocolSa<KeyedIpsecDirection>,
  direction: 'inbound' | 'outbound',
  placement: { readonly reqid: number; readonly ports: PortMap; readonly softFraction: number },
): SaSpec {
  const keys = p[direction].keys;
  const id = saId(sa, p, direction);
  // Fields set one by one, not spread: a burst of tunnels builds thousands of these.
  const spec: SaSpec = {
    src: id.src,
    dst: id.dst,
    proto: id.proto,
    spi: id.spi,
    mode: sa.mode,
    reqid: placement.reqid,
    replayWindow: REPLAY_WINDOW,
    lifetimes: saLifetimes(sa, placement.softFraction),
  };
  // ESP always names a cipher (esp-null's is the null cipher); AH never does.
  const enc = encryption(p.algorithms, keys);
  if (enc) spec.encryption = enc;
  const auth = integrity(p.algorithms, keys);
  if (auth) spec.integrity = auth;
  if (sa.encapsulation && p.protocol === 'esp') {
    const local = placement.ports.physical(sa.encapsulation.localPort);
    const remote = placement.ports.physical(sa.encapsulation.remotePort);
    const original = direction === 'inbound' ? peerOriginalAddress(sa) : undefined;
    const encap: UdpEncap = direction === 'inbound'
      ? { type: 'espinudp', sport: remote, dport: local }
      : { type: 'espinudp', sport: local, dport: remote };
    if (original !== undefined) encap.originalAddress = original;
    spec.encap = encap;
  }
  if (sa.mode === 'transport') {
    const selector = direction === 'inbound' ? proxySelector(sa.remoteProxy, sa.localProxy) : proxySelector(sa.localProxy, sa.remoteProxy);
    if (selector) spec.selector = selector;
  }
  return spec;
}

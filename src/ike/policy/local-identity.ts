import type { Config } from '../../config/model';
import { IdType, type Identity } from '../wire';

/**
 * The phase-1 ID we send, per `crypto isakmp identity`: our address, or the FQDN
 * hostname.domain. `dn` names a certificate's subject, and pre-shared key authentication has
 * no certificate, so it falls back to the address as IOS does for non-certificate peers.
 */
export function localIdentity(config: Readonly<Config>, localAddress: string): Identity {
  if (config.isakmp.identity === 'hostname') {
    const name = config.domainName ? `${config.hostname}.${config.domainName}` : config.hostname;
    return { idType: IdType.FQDN, name };
  }
  return { idType: IdType.IPV4_ADDR, address: localAddress };
}

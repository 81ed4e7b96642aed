/** Negotiation policy: what to offer and what to accept, from the configuration (pure). */
export * from './capabilities';
export * from './host-names';
export * from './preshared-key';
export * from './exchange-mode';
export * from './local-identity';
export * from './isakmp-policies';
export * from './isakmp-transform';
export * from './isakmp-match';
export * from './proxy-id';
export * from './crypto-map-lookup';
export * from './ipsec-transform';
export * from './phase2-offer';
export * from './phase2-select';

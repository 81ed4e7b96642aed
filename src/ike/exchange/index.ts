/** IKEv1 exchanges as pure state machines: bytes and events in, bytes and effects out. */
export * from './effects';
export * from './context';
export * from './exchange-error';
export * from './route';
export * from './main-mode';
export * from './aggressive-mode';
export * from './quick-mode';
export * from './informational';
export * from './vendor-ids';
export * from './nat-discovery';

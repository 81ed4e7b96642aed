/** SA records and the table holding them: plain data and small functions, no timers. */
export * from './endpoint';
export * from './ike-sa';
export * from './ipsec-sa';
export * from './message-ids';
export * from './sa-table';
export * from './shared-values';

import type { Command } from '../command';
import { navigationCommands } from './navigation';
import { systemCommands } from './system';
import { isakmpPolicyCommands } from './isakmp-policy';
import { isakmpCommands } from './isakmp';
import { keyCommands } from './keys';
import { transformSetCommands } from './transform-set';
import { accessListCommands } from './access-list';
import { cryptoMapCommands } from './crypto-map';
import { interfaceCommands } from './interface';
import { ipRouteCommands } from './ip-route';
import { localPoolCommands } from './local-pool';
import { engineCommands } from './engine';
import { persistenceCommands } from './persistence';
import { ikeSaCommands } from './ike-sa';
import { debugCommands } from './debug';
import { pingCommands } from './ping';
import { callAdmissionCommands } from './call-admission';
import { keyLogCommands } from './key-log';
import { autoUpCommands } from './auto-up';

/** The whole command table, family by family. */
export const ALL_COMMANDS: readonly Command[] = [
  ...navigationCommands,
  ...systemCommands,
  ...isakmpPolicyCommands,
  ...isakmpCommands,
  ...keyCommands,
  ...transformSetCommands,
  ...accessListCommands,
  ...cryptoMapCommands,
  ...interfaceCommands,
  ...ipRouteCommands,
  ...localPoolCommands,
  ...engineCommands,
  ...persistenceCommands,
  ...ikeSaCommands,
  ...debugCommands,
  ...pingCommands,
  ...callAdmissionCommands,
  ...keyLogCommands,
  ...autoUpCommands,
];

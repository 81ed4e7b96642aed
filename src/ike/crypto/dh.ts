import type { DhGroup, DhGroupId } from './dh-group';
import { EcpGroup } from './ecp';
import { ModpGroup } from './modp';

const GROUPS: Readonly<Record<DhGroupId, DhGroup>> = {
  1: new ModpGroup(1),
  2: new ModpGroup(2),
  5: new ModpGroup(5),
  14: new ModpGroup(14),
  15: new ModpGroup(15),
  16: new ModpGroup(16),
  19: new EcpGroup(19),
  20: new EcpGroup(20),
  24: new ModpGroup(24),
};

/** The group behind an IKE group number (OAKLEY_GROUP_DESCRIPTION attribute). */
export function dhGroup(id: DhGroupId): DhGroup {
  return GROUPS[id];
}

import type { TransformSet } from '../config/model';
import { transformShowText } from '../config/transform-set';

/** The `{ esp-256-aes esp-sha-hmac  }` form used by show commands. */
export function transformsBraced(ts: TransformSet): string {
  return `{ ${ts.transforms.map(transformShowText).join(' ')}  }`;
}

/** `show crypto ipsec transform-set`. */
export function renderTransformSets(sets: readonly TransformSet[]): string[] {
  return sets.flatMap((ts) => [
    `Transform set ${ts.name}: ${transformsBraced(ts)}`,
    `   will negotiate = { ${ts.mode === 'tunnel' ? 'Tunnel' : 'Transport'},  },`,
    '',
  ]);
}

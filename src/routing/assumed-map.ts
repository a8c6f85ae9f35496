// The capability map before anything was probed: every operation assumed offered, which is how
// the facade behaved before discovery (variants §7.2 `source: 'assumed'`).
import type { CapabilityMap } from '../oscar/capabilities/map.js';

export function assumedCapabilityMap(clinicZone: string): CapabilityMap {
  return {
    probedAt: new Date(0).toISOString(),
    source: 'assumed',
    variant: 'unknown',
    // No operation lists: `missing` trusts what it has no list for.
    soap: { reach: 'ok', operations: {} },
    rest: { reach: 'ok', dialect: 'oscar' },
    time: { clinicZone, mismatch: false },
  };
}

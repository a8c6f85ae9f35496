// The capability map before anything was probed: every operation assumed offered, which is how
// the facade behaved before discovery (variants §7.2 `source: 'assumed'`).
import type { CapabilityMap } from './map.js';

export function assumedCapabilityMap(clinicZone: string, at = 0): CapabilityMap {
  return {
    probedAt: new Date(at).toISOString(),
    source: 'assumed',
    variant: 'unknown',
    // No operation or path lists: `missing` trusts what it has no list for.
    soap: { reach: 'ok', operations: {} },
    rest: { reach: 'ok', dialect: 'oscar' },
    time: { clinicZone, mismatch: false },
  };
}

// A resolution said the way the FHIR machinery reads it (fhir/instance-limits.ts): what to leave
// out and answer 501, and how the rest is served, for the CapabilityStatement (variants §7.3).
import type { InstanceLimits, LimitedInteraction, TypeLimits } from '../fhir/index.js';
import type { CapabilityMap } from '../oscar/capabilities/map.js';
import type { Resolution } from './resolve.js';
import { ROUTE_TABLE } from './table.js';

const INTERACTIONS = new Set<string>(['read', 'search-type', 'create', 'update']);

interface MutableTypeLimits {
  interactions: NonNullable<TypeLimits['interactions']>;
  searchParams: Record<string, { missing: string; remedy: string }>;
  operations: Record<string, { missing: string; remedy: string }>;
  notes: Record<string, string>;
}

/** Which OSCAR this is, as far as the map knows (CapabilityStatement.implementation.description). */
export function instanceDescription(map: CapabilityMap): string {
  const how = map.source === 'assumed' ? 'assumed, not probed yet' : map.source === 'cache' ? `last probed ${map.probedAt}, read from cache` : `probed ${map.probedAt}`;
  const fingerprint = map.soap.fingerprint ? `; SOAP fingerprint ${map.soap.fingerprint}` : '';
  return `Connected OSCAR: variant ${map.variant} (${how}${fingerprint}).`;
}

export function limitsOf(resolution: Resolution, map: CapabilityMap): InstanceLimits {
  const types: Record<string, MutableTypeLimits> = {};
  for (const [key, r] of resolution) {
    const { type, interaction } = ROUTE_TABLE[key];
    const tl = types[type] ??= { interactions: {}, searchParams: {}, operations: {}, notes: {} };
    const noteKey = interaction.startsWith('search.') || interaction.startsWith('$') || INTERACTIONS.has(interaction) ? interaction : undefined;
    if (noteKey === undefined) continue;
    if (r.status === 'unavailable') {
      const u = { missing: r.missing, remedy: r.remedy };
      if (interaction.startsWith('search.')) tl.searchParams[interaction.slice('search.'.length)] = u;
      else if (interaction.startsWith('$')) tl.operations[interaction.slice(1)] = u;
      else tl.interactions[interaction as LimitedInteraction] = u;
      continue;
    }
    const via = `Served through OSCAR ${r.option.backend === 'rest' ? 'REST' : 'SOAP'}.`;
    tl.notes[noteKey] = r.status === 'degraded' ? `${via} Degraded on this OSCAR: ${r.option.degraded}.` : via;
  }
  return { types, description: instanceDescription(map) };
}

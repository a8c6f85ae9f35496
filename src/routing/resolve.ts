// The routing table resolved against one instance's capability map (variants §7.3, §7.4): per
// entry the first option whose every operation the instance offers, or why none is possible.
import type { CapabilityMap } from '../oscar/capabilities/map.js';
import { missing } from '../oscar/capabilities/wire-ops.js';
import { remedyFor } from './remedy.js';
import { ROUTE_TABLE, type RouteEntry, type RouteKey, type RouteOption } from './table.js';

export type Resolved =
  | { status: 'served'; option: RouteOption }
  /** Served by an option that gives less: `option.degraded` says what. */
  | { status: 'degraded'; option: RouteOption }
  /** `missing`: what the instance lacks (of the preferred option); `remedy`: what to do about it. */
  | { status: 'unavailable'; missing: string; remedy: string };

export type Resolution = ReadonlyMap<RouteKey, Resolved>;

const ENTRIES = Object.entries(ROUTE_TABLE) as [RouteKey, RouteEntry][];

function resolveEntry(map: CapabilityMap, entry: RouteEntry): Resolved {
  for (const option of entry.options) {
    if (option.calls.every((op) => missing(map, op) === undefined)) {
      return option.degraded ? { status: 'degraded', option } : { status: 'served', option };
    }
  }
  const preferred = entry.options[0]!;
  const op = preferred.calls.find((c) => missing(map, c) !== undefined)!;
  return { status: 'unavailable', missing: missing(map, op)!, remedy: remedyFor(map, op) };
}

export function resolveRoutes(map: CapabilityMap): Resolution {
  const out = new Map<RouteKey, Resolved>();
  for (const [key, entry] of ENTRIES) out.set(key, resolveEntry(map, entry));
  // An entry is only as possible as what it requires (a create reads its record back).
  for (const [key, entry] of ENTRIES) {
    // A search parameter is only as possible as the search it belongs to.
    const search = entry.interaction.startsWith('search.') ? [`${entry.type}.search-type`] : [];
    const blocker = [...search, ...(entry.requires ?? [])].map((k) => out.get(k as RouteKey)).find((r) => r?.status === 'unavailable');
    if (blocker?.status === 'unavailable' && out.get(key)!.status !== 'unavailable') {
      out.set(key, { status: 'unavailable', missing: blocker.missing, remedy: blocker.remedy });
    }
  }
  return out;
}

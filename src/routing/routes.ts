// The routes of the connected OSCAR, re-resolved whenever its capability map changes (the source
// hands out a new map object after each discovery): resources ask it which option to take, the
// router which interactions to leave out.
import type { InstanceLimits } from '../fhir/index.js';
import type { CapabilityMap } from '../oscar/capabilities/map.js';
import { createHash } from 'node:crypto';
import { limitsOf } from './limits.js';
import { resolveRoutes, type Resolution } from './resolve.js';
import { ROUTE_TABLE, type OptionId, type RouteKey } from './table.js';

/** Where the current capability map comes from (discovery's holder, or a fixed map). */
export interface CapabilitySource {
  current(): CapabilityMap;
}

/** What resources need: the option chosen for an entry on the connected OSCAR, and what it cannot serve. */
export interface RouteChoice {
  option<K extends RouteKey>(key: K): OptionId<K> | undefined;
  /** The same object until the map changes (fhir/instance-limits.ts builds one registry view per object). */
  limits(): InstanceLimits;
}

export class Routes implements RouteChoice {
  #map: CapabilityMap | undefined;
  #resolution: Resolution = new Map();
  #limits: InstanceLimits = { types: {} };
  #fingerprint = '';

  constructor(private readonly source: CapabilitySource) {}

  #fresh(): void {
    const map = this.source.current();
    if (map === this.#map) return;
    this.#map = map;
    this.#resolution = resolveRoutes(map);
    this.#limits = limitsOf(this.#resolution, map);
    this.#fingerprint = fingerprintOf(this.#resolution);
  }

  resolution(): Resolution {
    this.#fresh();
    return this.#resolution;
  }

  limits(): InstanceLimits {
    this.#fresh();
    return this.#limits;
  }

  /**
   * Names how every interaction is served on the connected OSCAR (the option chosen, or why none):
   * the same string exactly while the same resolution holds. A rendered answer made under another
   * one may say more or less than this OSCAR now gives (a route gone from full to degraded).
   */
  fingerprint(): string {
    this.#fresh();
    return this.#fingerprint;
  }

  /** The chosen option's id; undefined when the entry is unavailable (the router never calls the handler then). */
  option<K extends RouteKey>(key: K): OptionId<K> | undefined {
    const r = this.resolution().get(key);
    return r && r.status !== 'unavailable' ? r.option.id as OptionId<K> : undefined;
  }
}

function fingerprintOf(r: Resolution): string {
  const lines = [...r].map(([key, x]) => `${key}=${x.status === 'unavailable' ? `unavailable ${x.missing}` : `${x.status} ${x.option.id}`}`).sort();
  return createHash('sha256').update(lines.join('\n')).digest('base64url').slice(0, 12);
}

/**
 * The option a resource takes for `key`: the chosen one, or the most preferred when no routes are
 * wired (unit tests of a resource call it directly) or the entry is unavailable (not called then).
 */
export function chosen<K extends RouteKey>(routes: RouteChoice | undefined, key: K): OptionId<K> {
  return routes?.option(key) ?? ROUTE_TABLE[key].options[0].id as OptionId<K>;
}

/** Whether `key` can be served (always, when no routes are wired). */
export function offered(routes: RouteChoice | undefined, key: RouteKey): boolean {
  return routes === undefined || routes.option(key) !== undefined;
}

// What the back end behind this server cannot do right now, although a type implements it
// (variants §7.3): the router answers it 501 instead of calling a handler, search parsing treats
// such a parameter like an unknown one, and the CapabilityStatement leaves it out. The view of the
// registry without it is built once per InstanceLimits object (the owner replaces the object
// when what the back end offers changes).
import { ownEntry, type Unavailable } from './unavailable.js';
import { Registry, type Interactions, type ResourceDefinition } from './registry.js';


export type LimitedInteraction = 'read' | 'search-type' | 'create' | 'update';

export interface TypeLimits {
  interactions?: Partial<Record<LimitedInteraction, Unavailable>>;
  searchParams?: Readonly<Record<string, Unavailable>>;
  /** Operation names without '$'. */
  operations?: Readonly<Record<string, Unavailable>>;
  /** Per interaction (or `search.<param>`, `$op`): how it is served here and what it loses (CapabilityStatement documentation). */
  notes?: Readonly<Record<string, string>>;
}

export interface InstanceLimits {
  types: Readonly<Record<string, TypeLimits>>;
  /** Appended to CapabilityStatement.implementation.description (which back end, as discovered). */
  description?: string;
}

/** The registry as this instance can serve it, plus why the rest cannot be. */
export interface InstanceView {
  registry: Registry;
  limits: InstanceLimits | undefined;
}

const views = new WeakMap<Registry, WeakMap<InstanceLimits, InstanceView>>();

/** Why `def`'s `interaction` cannot be served although implemented; undefined when it can (or is not implemented). */
export function unavailableInteraction(limits: InstanceLimits | undefined, type: string, interaction: LimitedInteraction): Unavailable | undefined {
  const tl = ownEntry(limits?.types, type);
  if (!tl) return undefined;
  return tl.interactions?.[interaction];
}

function restrict(def: ResourceDefinition, limits: InstanceLimits, served: (type: string, i: LimitedInteraction) => boolean): ResourceDefinition {
  const tl = limits.types[def.type] ?? {};
  const gone = new Set(Object.keys(tl.interactions ?? {}));
  const interactions = Object.fromEntries(Object.entries(def.interactions)
    .filter(([k]) => !gone.has(k === 'search' ? 'search-type' : k))) as Interactions;
  const canSearch = interactions.search !== undefined;
  const params = canSearch ? def.searchParams.filter((p) => !tl.searchParams?.[p.name]) : [];
  const kept = new Set(params.map((p) => p.name));
  const out: ResourceDefinition = {
    ...def,
    interactions,
    searchParams: params,
    includes: (def.includes ?? []).filter((inc) => kept.has(inc.param) && (!inc.references || served(inc.targetType, 'read'))),
    operations: (def.operations ?? []).filter((op) => !tl.operations?.[op.name]),
    conditionalCreate: def.conditionalCreate === true && interactions.create !== undefined && canSearch,
  };
  const unavailableParams = Object.fromEntries(def.searchParams.filter((p) => !kept.has(p.name))
    .map((p) => [p.name, tl.searchParams?.[p.name] ?? tl.interactions?.['search-type']]).filter(([, u]) => u !== undefined));
  if (Object.keys(unavailableParams).length > 0) out.unavailableParams = unavailableParams as Record<string, Unavailable>;
  return out;
}

/** The registry without what `limits` rules out (the whole registry when there are none). */
export function instanceView(registry: Registry, limits: InstanceLimits | undefined): InstanceView {
  if (!limits) return { registry, limits };
  let perRegistry = views.get(registry);
  if (!perRegistry) views.set(registry, perRegistry = new WeakMap());
  const cached = perRegistry.get(limits);
  if (cached) return cached;
  const served = (type: string, i: LimitedInteraction): boolean => {
    const def = registry.get(type);
    const handler = i === 'search-type' ? def?.interactions.search : def?.interactions[i];
    return handler !== undefined && unavailableInteraction(limits, type, i) === undefined;
  };
  const view = new Registry();
  for (const def of registry.all()) {
    const kept = restrict(def, limits, served);
    // A type that can be neither read, searched nor created is gone altogether (variants §7.3); a
    // create-only type is what an OSCAR whose SOAP is out of reach offers for documents (§7.4).
    if (kept.interactions.read || kept.interactions.search || kept.interactions.create) view.register(kept);
  }
  view.check();
  const out = { registry: view, limits };
  perRegistry.set(limits, out);
  return out;
}

/** Why operation `name` of `type` cannot be served although implemented; undefined when it can. */
export function unavailableOperation(limits: InstanceLimits | undefined, type: string, name: string): Unavailable | undefined {
  const tl = ownEntry(limits?.types, type);
  return tl ? ownEntry(tl.operations, name) : undefined;
}

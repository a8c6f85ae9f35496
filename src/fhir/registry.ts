// The contract between the FHIR machinery and a resource type (design principle 1): one
// ResourceDefinition per type declares its interactions, search parameters, includes and
// operations. Routes, parsing, the CapabilityStatement and conformance tests all read it, so
// nothing is advertised that is not implemented and nothing is implemented that is not advertised.
import type { Resource } from 'fhir/r4.js';
import type { Issue } from './errors.js';
import type { FhirMethod } from './exchange.js';
import type { Prefer } from './prefer.js';
import type { IncludeDef, ParsedSearch, SearchParamDef, SearchSpec } from './search/types.js';
import type { ElementLists } from './summary.js';

/** Per-request context handed to every handler. */
export interface FhirContext {
  requestId: string;
  /** Public FHIR base URL (no trailing slash). */
  baseUrl: string;
  /** Whatever the auth layer attached to the request (shape defined by src/auth/). */
  auth: unknown;
  /** Aborted when the client goes away; pass it on to OSCAR calls. */
  signal: AbortSignal;
  prefer: Prefer;
  /**
   * Set by the auth hooks before a handler runs when the caller is confined to one patient's
   * compartment (a patient/ token): handlers treat a record of any other patient, or of no
   * patient, as unknown as soon as they see its owner, before any further OSCAR call.
   */
  compartment?: string;
}

/** What a search handler returns. */
export interface SearchResult<R extends Resource = Resource> {
  /**
   * The matches of the requested page: at most `search.count`, starting at `search.offset`.
   * With `unpaged: true`, instead every match (search/page.ts cuts the page).
   */
  resources: R[];
  /** Number of matches of the whole search, when known. */
  total?: number;
  /** Resources for `_include`, when the handler resolves them itself. */
  included?: Resource[];
  /** `resources` holds every match, unpaged: the page is cut (search/page.ts) and the total counted from them. */
  unpaged?: boolean;
  /**
   * With `unpaged`, in place of `resources` (left empty): every match as the handler's own row,
   * when the matches were decided on the rows without making them resources; those of the
   * returned page alone are made resources when the page is cut (search/page.ts, rowMatches).
   */
  rows?: RowMatches<R>;
  /**
   * With `unpaged`: work only a returned match needs (a tag, a copy, a display name looked up),
   * done on the page's matches alone when the page is cut (search/page.ts, which awaits it),
   * before the outgoing validation sees them and their version is stamped; never with
   * `_summary=count`. No search parameter may filter on what it adds: the matches are chosen
   * before it runs.
   */
  finish?(resource: R): R | Promise<R>;
  /**
   * Matches of this page the outgoing policy withheld (sanitize mode; their mapping is broken
   * beyond repair, src/validation/README.md): `total` still counts them and the next page starts
   * after them, so paging stays stable; the outcome says how many.
   */
  withheld?: number;
  /** Warnings / information for the client (an OperationOutcome entry with search.mode 'outcome'). */
  outcome?: Issue[];
}

/** Matches kept as a handler's rows, made resources a slice at a time (rowMatches). */
export interface RowMatches<R extends Resource = Resource> {
  readonly length: number;
  /** The matches start..end-1 as resources, as Array.prototype.slice cuts them. */
  slice(start: number, end: number): R[];
}

/** `rows` (every match, in answer order) as RowMatches, each made a resource by `toResource` when its page is cut. */
export function rowMatches<T, R extends Resource>(rows: readonly T[], toResource: (row: T) => R): RowMatches<R> {
  return { length: rows.length, slice: (start, end) => rows.slice(start, end).map(toResource) };
}

/** What create / update handlers may return: the stored resource (read back), plus notes for the client. */
export interface WriteResult<R extends Resource = Resource> {
  resource: R;
  /** e.g. an `information` issue naming elements OSCAR could not store (shown with Prefer: return=OperationOutcome). */
  issues?: Issue[];
}

export interface OperationInput {
  /** Instance id for instance-level calls (already validated against the type's id pattern). */
  id?: string;
  method: FhirMethod;
  /** Query pairs as received. */
  params: [string, string][];
  /** Parsed JSON body of a POST (usually a Parameters resource). */
  body?: unknown;
}

export interface OperationDef {
  /** Name without the '$', e.g. 'everything'. */
  name: string;
  /** Canonical URL of its OperationDefinition (CapabilityStatement requires one). */
  definition: string;
  /** Where it may be invoked: on the type (/Patient/$x), on an instance (/Patient/1/$x), or both. */
  type?: boolean;
  instance?: boolean;
  /** When true only POST is allowed; otherwise GET too. */
  affectsState?: boolean;
  documentation?: string;
  handler(ctx: FhirContext, input: OperationInput): Promise<Resource>;
}

/** Handler signatures use method syntax so a ResourceDefinition<Patient> is a ResourceDefinition. */
export interface Interactions<R extends Resource = Resource> {
  /** The resource, or undefined when there is none (→ 404). Throw `gone()` for a deleted record. */
  read?(ctx: FhirContext, id: string): Promise<R | undefined>;
  search?(ctx: FhirContext, search: ParsedSearch): Promise<SearchResult<R>>;
  /** Body already checked: resourceType, validator; its `id` removed (R4: ignored on create). */
  create?(ctx: FhirContext, resource: R): Promise<R | WriteResult<R>>;
  /** Body already checked: resourceType, id = URL id, validator, If-Match. */
  update?(ctx: FhirContext, id: string, resource: R): Promise<R | WriteResult<R>>;
  // No delete: no type offers one (a DELETE is a 405). OSCAR could (REST DELETE /demographics/{id},
  // POST /schedule/deleteAppointment; contract 3.1, 3.2): a type that adds delete brings back its route,
  // its compartment policy and permission, and its tests.
}

export interface ResourceDefinition<R extends Resource = Resource> extends SearchSpec {
  type: string;
  /** Canonical of the profile resources of this type conform to (CapabilityStatement `profile`). */
  profile?: string;
  /** What this type is on this server (shown in the CapabilityStatement). */
  documentation?: string;
  /**
   * The kind of back-end record an id of this type names (e.g. 'demographic' for Patient): the
   * cache tags a rendered read, and every reference inside it, with these records, so a change to
   * any of them drops it. A type without one is never served from rendered bytes.
   */
  recordKind?: string;
  /** Ids this type can have; anything else is a 404 without calling a handler (e.g. NUMERIC_ID). */
  idPattern?: RegExp;
  interactions: Interactions<R>;
  searchParams: SearchParamDef[];
  includes?: IncludeDef[];
  operations?: OperationDef[];
  /** Honour If-None-Exist on create (needs search). */
  conditionalCreate?: boolean;
  /** Why the type cannot be written, e.g. "OSCAR exposes no allergy write API". */
  readOnlyReason?: string;
  /** Override the built-in R4 summary/mandatory element lists (only for types not in summary-elements.ts). */
  elements?: Partial<ElementLists>;
}

/** Narrows a typed definition for registration (no cast at the call site). */
export function defineResource<R extends Resource>(def: ResourceDefinition<R>): ResourceDefinition<R> {
  return def;
}

export class RegistryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RegistryError';
  }
}

export class Registry {
  readonly #defs = new Map<string, ResourceDefinition>();

  /** Adds a type; throws RegistryError on a definition that contradicts itself. */
  register<R extends Resource>(def: ResourceDefinition<R>): this {
    if (this.#defs.has(def.type)) throw new RegistryError(`${def.type} is registered twice`);
    checkDefinition(def as unknown as ResourceDefinition);
    this.#defs.set(def.type, def as unknown as ResourceDefinition);
    return this;
  }

  get(type: string): ResourceDefinition | undefined {
    return this.#defs.get(type);
  }

  types(): string[] {
    return [...this.#defs.keys()];
  }

  all(): ResourceDefinition[] {
    return [...this.#defs.values()];
  }

  /** Cross-type checks (include targets name registered types that can serve them). */
  check(): void {
    for (const def of this.#defs.values()) {
      for (const inc of def.includes ?? []) {
        if (inc.references && !this.#defs.get(inc.targetType)?.interactions.read) {
          throw new RegistryError(`${def.type} _include ${inc.param}:${inc.targetType} resolves through ${inc.targetType} read, which is not registered`);
        }
      }
    }
  }
}

function checkDefinition(def: ResourceDefinition): void {
  const fail = (msg: string): never => { throw new RegistryError(`${def.type}: ${msg}`); };
  if (!/^[A-Z][A-Za-z]+$/.test(def.type)) fail('type must be a FHIR resource type name');
  const names = new Set<string>();
  for (const p of def.searchParams) {
    if (names.has(p.name)) fail(`search parameter '${p.name}' declared twice`);
    names.add(p.name);
    // One chain step may be declared as a parameter of its own (Slot's schedule.actor).
    if (!/^[a-z_][a-z0-9-]*(\.[a-z][a-z0-9-]*)?$/i.test(p.name)) fail(`search parameter name '${p.name}' is not valid`);
    if (p.description.trim() === '') fail(`search parameter '${p.name}' needs a description`);
    if (p.type === 'reference' && (!p.target || p.target.length === 0)) fail(`reference parameter '${p.name}' needs target types`);
  }
  if (def.searchParams.length > 0 && !def.interactions.search) fail('declares search parameters but no search handler');
  for (const inc of def.includes ?? []) {
    const p = def.searchParams.find((s) => s.name === inc.param);
    if (p?.type !== 'reference' || !p.target?.includes(inc.targetType)) fail(`_include '${inc.param}:${inc.targetType}' needs a reference parameter '${inc.param}' targeting ${inc.targetType}`);
  }
  if (def.includes?.length && !def.interactions.search) fail('declares includes but no search handler');
  if (def.conditionalCreate && !(def.interactions.create && def.interactions.search)) fail('conditionalCreate needs create and search handlers');
  const writes = def.interactions.create || def.interactions.update;
  if (def.readOnlyReason !== undefined && writes) fail('readOnlyReason given but write handlers are defined');
  const ops = new Set<string>();
  for (const op of def.operations ?? []) {
    if (!/^[a-z][A-Za-z0-9-]*$/.test(op.name)) fail(`operation name '${op.name}' must not start with '$'`);
    if (op.name === 'validate') fail(`$validate is built in; do not declare it`);
    if (ops.has(op.name)) fail(`operation '${op.name}' declared twice`);
    ops.add(op.name);
    if (!op.type && !op.instance) fail(`operation '${op.name}' must be type- or instance-level`);
  }
}

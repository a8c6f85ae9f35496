// Patient/{id}/$everything (R4 OperationDefinition Patient-everything): a searchset Bundle with the
// patient, every resource of the registered types that have a `patient` search parameter, and the
// resources those reference that this server can read (Practitioners). Written against the
// registry, not against the types, so each type counts as soon as it is registered. The types'
// own (outgoing-validated) search handlers do the work, all at once, so the answer takes about as
// long as the slowest type rather than the sum of them.
import type { Bundle, FhirResource, Parameters, Resource } from 'fhir/r4.js';
import {
  invalidValue, mapLimited, notFound, notSupported, pageOf, pageSpan, parseSearch, searchsetBundle, stampVersion,
  type FhirContext, type Issue, type OperationDef, type OperationInput, type ParsedSearch, type Registry, type ResourceDefinition,
} from '../../fhir/index.js';
import type { ResourceDeps } from '../deps.js';
import { ReferenceReads } from './everything-references.js';

export const PATIENT_EVERYTHING = 'http://hl7.org/fhir/OperationDefinition/Patient-everything';

/** One part of the answer: the patient, or every resource of one type. */
interface TypePart {
  resources: Resource[];
  issues: Issue[];
  /** Matches the outgoing policy withheld (counted in Bundle.total, as a search counts them). */
  withheld?: number;
}

/** What $everything needs of the registry (the registered, validated definitions). */
export type TypeLookup = Pick<Registry, 'get' | 'all'>;

/** Searches (one per type) running at once. */
const TASKS_AT_ONCE = 6;
/** Query parameters the router or the negotiation already handled. */
const IGNORED_PARAMS = new Set(['_format', '_pretty']);
const TYPE_NAME = /^[A-Z][A-Za-z]+$/;

interface Request {
  /** `_type`: only these types (undefined = all). */
  types?: Set<string>;
  issues: Issue[];
}

function parseParams(params: readonly [string, string][]): Request {
  const req: Request = { issues: [] };
  for (const [key, value] of params) {
    if (IGNORED_PARAMS.has(key) || value === '') continue;
    if (key === '_type') {
      const names = value.split(',').map((t) => t.trim()).filter(Boolean);
      const bad = names.find((t) => !TYPE_NAME.test(t));
      if (bad !== undefined) throw invalidValue(`_type: '${bad}' is not a resource type`, ['_type']);
      req.types = new Set([...(req.types ?? []), ...names]);
    } else if (key === '_count') {
      if (!/^\d{1,9}$/.test(value)) throw invalidValue(`'_count' must be a whole number (got '${value}')`, ['_count']);
      req.issues.push({ severity: 'information', code: 'informational', diagnostics: '$everything does not page on this server: every resource is in this Bundle (_count ignored)', expression: ['_count'] });
    } else {
      throw notSupported(`$everything supports _type only ('${key}' is not supported)`, [key]);
    }
  }
  return req;
}

/** The parameters of a POST body (a Parameters resource) as query pairs (a value-less one is ignored, like an empty query value). */
function bodyParams(body: unknown): [string, string][] {
  if (typeof body !== 'object' || body === null || (body as Parameters).resourceType !== 'Parameters') return [];
  return ((body as Parameters).parameter ?? []).map((p): [string, string] => {
    const v = p.valueString ?? p.valueCode ?? p.valueInstant ?? p.valueDateTime ?? p.valueDate ?? p.valueUri
      ?? (p.valueInteger ?? p.valueUnsignedInt ?? p.valuePositiveInt)?.toString();
    return [p.name, v ?? ''];
  });
}

/** Registered types in the patient compartment as this server searches it: those with a `patient` reference parameter. */
export function compartmentTypes(registry: TypeLookup): ResourceDefinition[] {
  return registry.all().filter((def) => def.type !== 'Patient' && def.interactions.search !== undefined
    && def.searchParams.some((p) => p.name === 'patient' && p.type === 'reference' && (!p.target || p.target.includes('Patient'))));
}

/** Every match of one type's search for the patient, following the handler's pages when it pages. */
async function allOfType(ctx: FhirContext, def: ResourceDefinition, patientId: string, deps: ResourceDeps): Promise<TypePart> {
  const max = deps.limits.upstreamRows;
  let search: ParsedSearch = parseSearch(def, [['patient', `Patient/${patientId}`]], {
    timezone: deps.mapping.timezone, baseUrl: deps.baseUrl, defaultCount: max, maxCount: max,
  });
  const resources: Resource[] = [];
  const issues: Issue[] = [];
  // Matches seen: those returned and those the outgoing policy withheld (a page spans both).
  let seen = 0;
  let withheld = 0;
  for (;;) {
    // One page, cut as the router cuts it (search/page.ts; the validation wrapper has cut it already).
    const page = await pageOf(await def.interactions.search!(ctx, search), search);
    resources.push(...page.resources);
    issues.push(...(page.outcome ?? []));
    seen += pageSpan(page);
    withheld += page.withheld ?? 0;
    // Pages until the handler's total is reached.
    const more = pageSpan(page) > 0 && page.total !== undefined && search.offset + pageSpan(page) < page.total;
    if (!more) return { resources, issues, withheld };
    if (seen >= max) {
      issues.push({ severity: 'warning', code: 'incomplete', diagnostics: `only the first ${resources.length} ${def.type} resources are included` });
      return { resources, issues, withheld };
    }
    search = { ...search, offset: search.offset + pageSpan(page) };
  }
}

export function everythingOperation(deps: ResourceDeps, registry: TypeLookup): OperationDef {
  async function handler(ctx: FhirContext, input: OperationInput): Promise<Bundle<FhirResource>> {
    const id = input.id!;
    const params = [...input.params, ...bodyParams(input.body)];
    const req = parseParams(params);
    const wanted = (type: string): boolean => req.types === undefined || req.types.has(type);
    for (const t of req.types ?? []) {
      if (t !== 'Patient' && !compartmentTypes(registry).some((d) => d.type === t) && registry.get(t)?.interactions.read === undefined) {
        req.issues.push({ severity: 'information', code: 'informational', diagnostics: `_type: this server has no ${t} in the patient record`, expression: ['_type'] });
      }
    }
    const patientDef = registry.get('Patient');
    const types = compartmentTypes(registry).filter((d) => wanted(d.type));

    // The patient and every type at once: one round of OSCAR latency, not one per type.
    const tasks: (() => Promise<TypePart>)[] = [
      async () => {
        const p = await patientDef?.interactions.read?.(ctx, id);
        return { resources: p ? [p] : [], issues: [] };
      },
      ...types.map((def) => () => allOfType(ctx, def, id, deps)),
    ];
    const references = new ReferenceReads(ctx, registry, wanted, new Set(['Patient', ...types.map((d) => d.type)]));
    const settled = await mapLimited(tasks, TASKS_AT_ONCE, async (task) => {
      try {
        const value = await task();
        // Stamped, and its references read, as each part comes back while the others still
        // wait for OSCAR, rather than all of it after the last answer.
        references.add(value.resources);
        return { ok: true as const, value, stamped: value.resources.map((r) => stampVersion(r)) };
      } catch (error) {
        return { ok: false as const, error };
      }
    });
    const [patientResult, ...typeResults] = settled;
    if (patientResult?.ok !== true) throw patientResult?.error;
    const patient = patientResult.value.resources[0];
    if (!patient) throw notFound(`Patient/${id} is not known`);
    // A type that failed fails the whole answer: a record silently missing a part is not "everything".
    const failed = typeResults.find((r) => !r.ok);
    if (failed && !failed.ok) throw failed.error;

    const compartment = typeResults.flatMap((r) => (r.ok ? r.value.resources : []));
    const issues = [...req.issues, ...typeResults.flatMap((r) => (r.ok ? r.value.issues : []))];
    const matches = [...(wanted('Patient') ? patientResult.stamped : []), ...typeResults.flatMap((r) => (r.ok ? r.stamped : []))];
    const extra = await references.collect(new Set([patient, ...compartment].map((r) => `${r.resourceType}/${r.id ?? ''}`)));
    issues.push(...extra.issues);

    const query = params.filter(([k]) => k === '_type').map(([k, v]) => `${k}=${encodeURIComponent(v).replace(/%2C/gi, ',')}`).join('&');
    return searchsetBundle({
      baseUrl: deps.baseUrl,
      matches,
      included: extra.resources,
      total: matches.length + typeResults.reduce((n, r) => n + (r.ok ? r.value.withheld ?? 0 : 0), 0),
      links: [{ relation: 'self', url: `${deps.baseUrl}/Patient/${id}/$everything${query ? `?${query}` : ''}` }],
      issues,
    });
  }

  return {
    name: 'everything',
    definition: PATIENT_EVERYTHING,
    instance: true,
    documentation: 'The patient with everything this server holds about them (the types searchable by patient) and the Practitioners those reference, in one searchset Bundle. _type narrows the types; there is no paging (_count is ignored), start/end/_since are not supported.',
    handler,
  };
}

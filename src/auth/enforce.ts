// Scope and compartment enforcement as router hooks (canadian-profiles.md 5.1 rules 2 and 3).
// beforeInteraction runs before any handler, so a refused request never reaches OSCAR; the only
// upstream reads made here are the ownership checks a patient/ token needs before a write or a
// Binary read. checkResource then re-checks every resource about to leave (second line of defence).
import type { Binary, Resource } from 'fhir/r4.js';
import {
  forbidden, isFhirError, isValidId, notFound,
  type FhirContext, type InteractionInfo, type ParsedSearch, type Registry, type ResourceDefinition, type RouterHooks, type SearchClause,
} from '../fhir/index.js';
import { compartmentPatientsOf, isOutsideCompartment, narrowingParam, patientIdOf } from './compartment.js';
import type { AuthContext, FactsRegistry, RequestFacts } from './context.js';
import { insufficientScope, missingToken } from './errors.js';
import { accessFor, type Access, type Permission } from './scopes.js';

export interface EnforcementOptions {
  registry: Registry;
  baseUrl: string;
  /** false with AUTH_MODE=none: nothing is refused, every request is still recorded for the audit. */
  enforce: boolean;
  facts: FactsRegistry;
}

const VERB: Record<Permission, string> = { c: 'create', r: 'read', u: 'update', d: 'delete', s: 'search' };
/** Operations that return every type of the patient compartment. */
const WHOLE_RECORD_OPERATIONS = new Set(['everything', 'export']);

/** The read handler's own answer for an unknown id: a foreign resource must look exactly like it. */
const unknown = (type: string, id: string) => notFound(`${type}/${id} is not known`);

export function createEnforcement(opts: EnforcementOptions): Required<Pick<RouterHooks, 'beforeInteraction' | 'checkResource'>> {
  const { registry, baseUrl, enforce, facts: factsRegistry } = opts;

  function factsOf(ctx: FhirContext): RequestFacts | undefined {
    return factsRegistry.forAuth(ctx.auth);
  }

  function deny(facts: RequestFacts | undefined, reason: string, err: Error): never {
    if (facts) facts.denial = reason;
    throw err;
  }

  function scopeContextWord(auth: AuthContext): string {
    if (auth.patient) return 'patient';
    return auth.scopes?.some((s) => s.context === 'user') ? 'user' : 'system';
  }

  /** The access a token has for `perm` on `type`, or a 403 insufficient_scope. */
  function need(auth: AuthContext, facts: RequestFacts | undefined, type: string, perm: Permission): Access {
    const granted = accessFor(auth.scopes ?? [], type, perm);
    if (!granted) {
      deny(facts, `insufficient_scope ${type}.${perm}`,
        insufficientScope(`This access token may not ${VERB[perm]} ${type}`, `${scopeContextWord(auth)}/${type}.${perm}`));
    }
    const access: Access = granted === 'compartment' && isOutsideCompartment(type) ? 'all' : granted;
    if (access === 'compartment' && !auth.patient) deny(facts, 'patient scope without patient context', forbidden('A patient/ scope needs a patient context'));
    if (facts && facts.access.get(type) !== 'compartment') facts.access.set(type, access);
    return access;
  }

  function narrow(search: ParsedSearch, def: ResourceDefinition, patient: string, facts: RequestFacts | undefined): void {
    const param = narrowingParam(def);
    if (!param) deny(facts, `${def.type} has no patient search parameter`, forbidden(`${def.type} cannot be searched with a patient-context token`));
    // First, so that handlers plan their OSCAR call around the one patient (cheapest too).
    const clause: SearchClause = param.type === 'token'
      ? { name: param.name, def: param, type: 'token', values: [{ code: patient }] }
      : { name: param.name, def: param, type: 'reference', values: [{ type: 'Patient', id: patient }] };
    search.clauses.unshift(clause);
  }

  /** Reads a resource to learn its owner; absent or gone counts as "not this patient's". */
  async function ownerRead(ctx: FhirContext, def: ResourceDefinition, id: string): Promise<Resource | undefined> {
    if (!def.interactions.read || !isValidId(id, def.idPattern)) return undefined;
    try {
      return await def.interactions.read(ctx, id);
    } catch (e) {
      if (isFhirError(e) && (e.status === 404 || e.status === 410)) return undefined;
      throw e;
    }
  }

  /** A patient/ token may touch this instance only when it is in its patient's compartment. */
  async function confineInstance(ctx: FhirContext, auth: AuthContext, facts: RequestFacts | undefined, type: string, id: string, preRead: boolean): Promise<void> {
    const patient = auth.patient!;
    if (isOutsideCompartment(type)) return;
    if (type === 'Patient') {
      if (id !== patient) deny(facts, 'outside the patient compartment', unknown(type, id));
      return;
    }
    if (type === 'Binary') {
      // Binary has no patient in its JSON: its owner is the subject of the DocumentReference of the same id.
      const docDef = registry.get('DocumentReference');
      if (!docDef?.interactions.read) deny(facts, 'Binary without DocumentReference', forbidden('Binary content is not available to patient-context tokens on this server'));
      const doc = await ownerRead(ctx, docDef, id);
      const owners = doc ? compartmentPatientsOf(doc, baseUrl) : [];
      if (!owners.includes(patient)) deny(facts, 'outside the patient compartment', unknown(type, id));
      facts?.verified.add(`Binary/${id}`);
      return;
    }
    if (!preRead) return; // reads are checked on the resource itself (checkResource): no second upstream read
    const def = registry.get(type);
    if (!def) return;
    const current = await ownerRead(ctx, def, id);
    if (current === undefined) return; // the handler answers its own 404
    if (!compartmentPatientsOf(current, baseUrl).includes(patient)) deny(facts, 'outside the patient compartment', unknown(type, id));
  }

  /** What a patient/ token writes must belong to its patient. */
  function confineIncoming(auth: AuthContext, facts: RequestFacts | undefined, resource: Resource, creating: boolean): void {
    const patient = auth.patient!;
    const type = resource.resourceType;
    if (isOutsideCompartment(type)) return;
    if (type === 'Patient') {
      if (creating) deny(facts, 'patient token creating a patient', forbidden('A patient-context token cannot create patients'));
      return; // update: the id was checked against the context
    }
    const owners = compartmentPatientsOf(resource, baseUrl);
    if (type === 'Binary' || owners.length === 0 || owners.some((p) => p !== patient)) {
      deny(facts, 'write outside the patient compartment', forbidden(`A patient-context token can only write ${type} resources of its own patient`));
    }
  }

  function recordRequest(facts: RequestFacts | undefined, info: InteractionInfo): void {
    if (!facts) return;
    facts.interaction = info.interaction;
    if (info.type) facts.type = info.type;
    if (info.id) facts.id = info.id;
    if (info.operation) facts.operation = info.operation;
    if (info.type === 'Patient' && info.id) facts.patients.add(info.id);
  }

  function recordSearchedPatients(facts: RequestFacts | undefined, search: ParsedSearch | undefined, def: ResourceDefinition | undefined): void {
    if (!facts || !search || !def) return;
    const param = narrowingParam(def);
    for (const c of search.clauses) {
      if (c.name !== param?.name) continue;
      for (const v of c.values) {
        const id = c.type === 'token' ? (v as { code?: string }).code : c.type === 'reference' && (v as { type?: string }).type !== 'Practitioner' ? (v as { id: string }).id : undefined;
        if (id && isValidId(id)) facts.patients.add(id);
      }
    }
  }

  async function beforeInteraction(ctx: FhirContext, info: InteractionInfo): Promise<void> {
    const facts = factsOf(ctx);
    recordRequest(facts, info);
    const def = info.type ? registry.get(info.type) : undefined;
    if (info.interaction === 'capabilities') return;
    if (!enforce) { recordSearchedPatients(facts, info.search, def); return; }
    const auth = ctx.auth as AuthContext | undefined;
    if (auth?.kind !== 'token') deny(facts, 'no access token', missingToken());
    const type = info.type ?? '';
    if (auth.patient) facts?.patients.add(auth.patient);

    switch (info.interaction) {
      case 'read':
      case 'vread':
        if (need(auth, facts, type, 'r') === 'compartment') await confineInstance(ctx, auth, facts, type, info.id ?? '', false);
        return;
      case 'search-type': {
        const access = need(auth, facts, type, 's');
        // Every type a search can return needs search permission too (5.1 rule 2).
        for (const inc of info.search?.include ?? []) need(auth, facts, inc.targetType, 's');
        for (const rev of info.search?.revInclude ?? []) need(auth, facts, rev.sourceType, 's');
        if (access === 'compartment' && info.search && def) narrow(info.search, def, auth.patient!, facts);
        recordSearchedPatients(facts, info.search, def);
        return;
      }
      case 'create':
        if (need(auth, facts, type, 'c') === 'compartment' && info.resource) confineIncoming(auth, facts, info.resource, true);
        return;
      case 'update':
        if (need(auth, facts, type, 'u') === 'compartment') {
          await confineInstance(ctx, auth, facts, type, info.id ?? '', true);
          if (info.resource) confineIncoming(auth, facts, info.resource, false);
        }
        return;
      case 'delete':
        if (need(auth, facts, type, 'd') === 'compartment') await confineInstance(ctx, auth, facts, type, info.id ?? '', true);
        return;
      case 'operation':
        return operation(ctx, auth, facts, info);
      default:
        deny(facts, `unknown interaction ${info.interaction}`, forbidden('This interaction is not allowed'));
    }
  }

  async function operation(ctx: FhirContext, auth: AuthContext, facts: RequestFacts | undefined, info: InteractionInfo): Promise<void> {
    const type = info.type ?? '';
    const op = info.operation ?? '';
    if (op === 'validate') {
      // $validate reads and stores nothing: any permission on the type will do.
      if (!(['c', 'u', 'r', 's', 'd'] as const).some((p) => accessFor(auth.scopes ?? [], type, p))) need(auth, facts, type, 'c');
      return;
    }
    if (WHOLE_RECORD_OPERATIONS.has(op)) {
      let confined = false;
      for (const t of registry.types().filter((x) => x !== 'Binary')) {
        if (need(auth, facts, t, 'r') === 'compartment') confined = true;
        if (need(auth, facts, t, 's') === 'compartment') confined = true;
      }
      if (confined) {
        if (info.id === undefined) deny(facts, `type-level $${op} with a patient token`, forbidden(`$${op} on all of ${type} is not available to patient-context tokens`));
        await confineInstance(ctx, auth, facts, type, info.id, true);
      }
      return;
    }
    const access = need(auth, facts, type, info.id === undefined ? 's' : 'r');
    if (access === 'compartment') {
      if (info.id === undefined) deny(facts, `type-level $${op} with a patient token`, forbidden(`$${op} on all of ${type} is not available to patient-context tokens`));
      await confineInstance(ctx, auth, facts, type, info.id, true);
    }
  }

  async function checkResource(ctx: FhirContext, resource: Resource): Promise<void> {
    const facts = factsOf(ctx);
    const type = resource.resourceType;
    const key = `${type}/${resource.id ?? ''}`;
    const owners = type === 'Binary' ? [] : compartmentPatientsOf(resource, baseUrl);
    if (facts) {
      if (resource.id) facts.resources.add(key);
      for (const p of owners) facts.patients.add(p);
    }
    if (!enforce) return;
    const auth = ctx.auth as AuthContext | undefined;
    if (auth?.kind !== 'token') deny(facts, 'no access token', missingToken());
    // A type no hook authorised (e.g. inside an operation's Bundle) must still be readable.
    const access = facts?.access.get(type) ?? need(auth, facts, type, 'r');
    if (access === 'all' || isOutsideCompartment(type)) return;
    const patient = auth.patient!;
    let inside: boolean;
    if (type === 'Binary') {
      const sc = patientIdOf((resource as Binary).securityContext, baseUrl);
      inside = facts?.verified.has(key) === true || sc === patient;
    } else {
      inside = owners.includes(patient);
    }
    if (inside) return;
    const single = facts?.interaction === 'read' || facts?.interaction === 'vread';
    deny(facts, 'resource outside the patient compartment', single
      ? unknown(type, resource.id ?? '')
      : forbidden('The answer would include resources outside the patient compartment of this token'));
  }

  return { beforeInteraction, checkResource };
}

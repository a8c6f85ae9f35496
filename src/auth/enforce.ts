// Scope and compartment enforcement as router hooks (smart §7.2, §7.3).
// beforeInteraction runs before any handler, so a refused request never reaches OSCAR; the only
// upstream reads made here are the 'stored' ownership checks of COMPARTMENT_POLICY (updates,
// instance operations, Binary). checkResource then re-checks every resource about to
// leave (second line of defence). What the audit record says was touched is audit-facts.ts's job.
import type { Binary, Resource } from 'fhir/r4.js';
import {
  forbidden, isFhirError, isValidId, notFound,
  type FhirContext, type InteractionInfo, type ParsedSearch, type Registry, type ResourceDefinition, type RouterHooks, type SearchClause,
} from '../fhir/index.js';
import { clientKey } from '../http/rate-limit.js';
import { asCaller } from '../oscar/guard/caller.js';
import { recordInteraction, recordReturned, recordSearchedPatients } from './audit-facts.js';
import { compartmentPatientsOf, isOutsideCompartment, narrowingParam, patientIdOf } from './compartment.js';
import type { AuthContext, AuditFactsRegistry, AuditFacts } from './context.js';
import { insufficientScope, missingToken } from './errors.js';
import { accessFor, PERMISSION_ORDER, type Access, type Permission } from './scopes.js';

export interface EnforcementOptions {
  registry: Registry;
  baseUrl: string;
  /** false with AUTH_MODE=none: nothing is refused, every request is still recorded for the audit. */
  enforce: boolean;
  facts: AuditFactsRegistry;
  /**
   * Whether OSCAR's REST shows a SMART app user (auth.oscarProvider) a patient, and that patient's
   * records of a type where OSCAR has a per-user question for it, asked with their own OSCAR token:
   * what their requests are held to on top of their scopes (docs/smart-app-launch.md §7.7).
   * Absent: no people sign in through OSCAR here.
   */
  sees?: (auth: AuthContext, patient: string, type: string) => Promise<boolean>;
}

/** What an interaction here can need: no type offers a delete (a DELETE is a 405), so nothing needs 'd'. */
type Needed = Exclude<Permission, 'd'>;
const VERB: Record<Needed, string> = { c: 'create', r: 'read', u: 'update', s: 'search' };
/** Operations that return every type of the patient compartment. */
const WHOLE_RECORD_OPERATIONS = new Set(['everything', 'export']);

/**
 * What a patient/ token's access to one instance is checked against (smart §7.3):
 * 'stored' = the record as OSCAR holds it names the token's patient (read before the
 * handler runs); 'incoming' = the body written names only that patient; 'returned' = every
 * resource leaving names that patient (checkResource, also on cache hits). A read needs no
 * 'stored' read of its own: the handler stops at the record's owner (ctx.compartment) and the
 * returned check refuses what it let through.
 */
export type CompartmentCheck = 'stored' | 'incoming' | 'returned';
type InstanceInteraction = 'read' | 'vread' | 'create' | 'update' | 'operation';

export const COMPARTMENT_POLICY: Readonly<Record<InstanceInteraction, readonly CompartmentCheck[]>> = {
  read: ['returned'],
  vread: ['returned'],
  create: ['incoming', 'returned'],
  update: ['stored', 'incoming', 'returned'],
  operation: ['stored', 'returned'],
};

/**
 * The checks for one interaction on one type. Two types add 'stored' to every interaction on an
 * existing instance: a Patient's owner is its id (no OSCAR call), and a Binary names no patient,
 * so its owner is the subject of the DocumentReference of the same id.
 */
export function compartmentChecks(interaction: string, type: string): readonly CompartmentCheck[] {
  const checks = COMPARTMENT_POLICY[interaction as InstanceInteraction] ?? ['stored', 'incoming', 'returned'];
  const ownerFromId = (type === 'Patient' || type === 'Binary') && interaction !== 'create';
  return ownerFromId && !checks.includes('stored') ? ['stored', ...checks] : checks;
}

const PERMISSION_OF: Readonly<Record<'read' | 'vread' | 'create' | 'update', Needed>> = {
  read: 'r', vread: 'r', create: 'c', update: 'u',
};

/** The read handler's own answer for an unknown id: a foreign resource must look exactly like it. */
const unknown = (type: string, id: string) => notFound(`${type}/${id} is not known`);

export function createEnforcement(opts: EnforcementOptions): Required<Pick<RouterHooks, 'beforeInteraction' | 'checkResource'>> {
  const { registry, baseUrl, enforce, facts: factsRegistry, sees } = opts;

  function factsOf(ctx: FhirContext): AuditFacts | undefined {
    return factsRegistry.forAuth(ctx.auth);
  }

  function deny(facts: AuditFacts | undefined, reason: string, err: Error): never {
    if (facts) facts.denial = reason;
    throw err;
  }

  function scopeContextWord(auth: AuthContext): string {
    if (auth.patient) return 'patient';
    return auth.scopes?.some((s) => s.context === 'user') ? 'user' : 'system';
  }

  /** The access a token has for `perm` on `type`, or a 403 insufficient_scope. */
  function need(auth: AuthContext, facts: AuditFacts | undefined, type: string, perm: Needed): Access {
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

  function narrow(search: ParsedSearch, def: ResourceDefinition, patient: string, facts: AuditFacts | undefined): void {
    const param = narrowingParam(def);
    if (!param) deny(facts, `${def.type} has no patient search parameter`, forbidden(`${def.type} cannot be searched with a patient-context token`));
    // First, so that handlers plan their OSCAR call around the one patient (cheapest too).
    const clause: SearchClause = param.type === 'token'
      ? { name: param.name, def: param, type: 'token', values: [{ code: patient }] }
      : { name: param.name, def: param, type: 'reference', values: [{ type: 'Patient', id: patient }] };
    search.clauses.unshift(clause);
  }

  /**
   * Reads a resource to learn its owner; absent or gone counts as "not this patient's". The read
   * counts against the token's client's share of OSCAR's slots wherever the hook runs: the HTTP
   * handler runs only the router as the client, and a cache hit runs these hooks outside it
   * (src/http/fhir-handler.ts).
   */
  async function ownerRead(ctx: FhirContext, def: ResourceDefinition, id: string): Promise<Resource | undefined> {
    const { interactions } = def;
    if (!interactions.read || !isValidId(id, def.idPattern)) return undefined;
    const read = () => interactions.read!(ctx, id);
    const caller = clientKey(ctx.auth);
    try {
      return await (caller === undefined ? read() : asCaller(caller, read));
    } catch (e) {
      if (isFhirError(e) && (e.status === 404 || e.status === 410)) return undefined;
      throw e;
    }
  }

  /**
   * The 'stored' check: the instance as OSCAR holds it belongs to the token's patient. An instance
   * that cannot be read (unknown, gone, naming no patient) fails closed with the unknown-id answer,
   * so a foreign id and an unknown one look the same.
   */
  async function confineStored(ctx: FhirContext, patient: string, facts: AuditFacts | undefined, type: string, id: string): Promise<void> {
    if (type === 'Patient') {
      if (id !== patient) deny(facts, 'outside the patient compartment', unknown(type, id));
      return;
    }
    // Binary has no patient in its JSON: its owner is the subject of the DocumentReference of the same id.
    const ownerType = type === 'Binary' ? 'DocumentReference' : type;
    const def = registry.get(ownerType);
    if (!def?.interactions.read) {
      deny(facts, `${type} without a readable owner`, forbidden(`${type} is not available to patient-context tokens on this server`));
    }
    const stored = await ownerRead(ctx, def, id);
    if (!stored || !compartmentPatientsOf(stored, baseUrl).includes(patient)) deny(facts, 'outside the patient compartment', unknown(type, id));
    if (type === 'Binary') facts?.verified.add(`Binary/${id}`);
  }

  /** The 'incoming' check: what a patient/ token writes must belong to its patient. */
  function confineIncoming(patient: string, facts: AuditFacts | undefined, resource: Resource, creating: boolean): void {
    const type = resource.resourceType;
    if (type === 'Patient') {
      if (creating) deny(facts, 'patient token creating a patient', forbidden('A patient-context token cannot create patients'));
      return; // update: the id was checked against the context ('stored')
    }
    // A Binary names no patient (compartmentPatientsOf does not read securityContext): always refused.
    const owners = compartmentPatientsOf(resource, baseUrl);
    if (owners.length === 0 || owners.some((p) => p !== patient)) {
      deny(facts, 'write outside the patient compartment', forbidden(`A patient-context token can only write ${type} resources of its own patient`));
    }
  }

  /**
   * Confines one interaction of a patient/ token to its compartment, by the checks the policy
   * table names for it. The handler learns the compartment too (ctx.compartment), so it can stop
   * at the first OSCAR answer that names another patient.
   */
  async function confine(ctx: FhirContext, auth: AuthContext, facts: AuditFacts | undefined, info: InteractionInfo, type: string): Promise<void> {
    if (isOutsideCompartment(type)) return;
    const patient = auth.patient!;
    ctx.compartment = patient;
    const checks = compartmentChecks(info.interaction, type);
    if (checks.includes('stored')) await confineStored(ctx, patient, facts, type, info.id ?? '');
    if (checks.includes('incoming') && info.resource) confineIncoming(patient, facts, info.resource, info.interaction === 'create');
  }

  /** The patients a resource belongs to (a Binary: the one its securityContext names). */
  function ownersOf(resource: Resource): string[] {
    if (resource.resourceType !== 'Binary') return compartmentPatientsOf(resource, baseUrl);
    const sc = patientIdOf((resource as Binary).securityContext, baseUrl);
    return sc ? [sc] : [];
  }

  /**
   * A SMART app user reads and writes only patients OSCAR's REST shows them (docs/smart-app-launch.md
   * §7.7): OSCAR's SOAP has no per-user sign-in, so what the facade reads or writes over SOAP runs as
   * its service identity, and this check, asked with the user's own OSCAR token, is where the user's
   * rights apply to it. Asked only for a SMART app user (auth.oscarProvider) where `sees` is given.
   */
  async function heldToOscarUser(ask: NonNullable<typeof sees>, auth: AuthContext, facts: AuditFacts | undefined, type: string, patients: readonly string[], refusal: () => Error): Promise<void> {
    for (const p of new Set(patients)) {
      if (!(await ask(auth, p, type))) deny(facts, `a patient (or their ${type}) OSCAR does not show this user`, refusal());
    }
  }

  /** A user's write: the patients it names, and for an update the ones the stored record names, must be the user's to see. */
  async function userWrite(ctx: FhirContext, auth: AuthContext, facts: AuditFacts | undefined, info: InteractionInfo, type: string): Promise<void> {
    if (auth.oscarProvider === undefined || !sees || isOutsideCompartment(type)) return;
    const refusal = () => forbidden(`OSCAR does not let this user see the patient this ${type} belongs to, or their ${type} records`);
    if (info.resource) await heldToOscarUser(sees, auth, facts, type, ownersOf(info.resource), refusal);
    if (info.id === undefined) return; // a create: no stored record (the router gives it no id)
    if (type === 'Patient') { await heldToOscarUser(sees, auth, facts, type, [info.id], refusal); return; }
    const def = registry.get(type);
    const stored = def ? await ownerRead(ctx, def, info.id) : undefined;
    if (stored) await heldToOscarUser(sees, auth, facts, type, ownersOf(stored), refusal);
  }

  // Both hooks return a promise only when they wait for something (an OSCAR read, a question to
  // OSCAR about a user): a cache hit then passes them without a microtask (src/cache/read-cache.ts).
  // A refusal is thrown either way, and every caller awaits the result.
  function beforeInteraction(ctx: FhirContext, info: InteractionInfo): void | Promise<void> {
    const facts = factsOf(ctx);
    recordInteraction(facts, info);
    const def = info.type ? registry.get(info.type) : undefined;
    if (info.interaction === 'capabilities') return;
    if (!enforce) { recordSearchedPatients(facts, info.search, def); return; }
    const auth = ctx.auth as AuthContext | undefined;
    if (auth?.kind !== 'token') deny(facts, 'no access token', missingToken());
    const type = info.type ?? '';
    if (auth.patient) facts?.patients.add(auth.patient);

    switch (info.interaction) {
      case 'search-type': {
        const access = need(auth, facts, type, 's');
        // Every type a search can return needs search permission too (5.1 rule 2).
        for (const inc of info.search?.include ?? []) need(auth, facts, inc.targetType, 's');
        if (access === 'compartment' && info.search && def) {
          narrow(info.search, def, auth.patient!, facts);
          ctx.compartment = auth.patient!;
        }
        recordSearchedPatients(facts, info.search, def);
        return;
      }
      case 'read':
      case 'vread':
        return need(auth, facts, type, PERMISSION_OF[info.interaction]) === 'compartment' ? confine(ctx, auth, facts, info, type) : undefined;
      case 'create':
      case 'update':
        return write(ctx, auth, facts, info, type, PERMISSION_OF[info.interaction]);
      case 'operation':
        return operation(ctx, auth, facts, info);
      default:
        deny(facts, `unknown interaction ${info.interaction}`, forbidden('This interaction is not allowed'));
    }
  }

  /** A create or update: its scope, its compartment, and a SMART app user's rights at OSCAR. */
  async function write(ctx: FhirContext, auth: AuthContext, facts: AuditFacts | undefined, info: InteractionInfo, type: string, perm: Needed): Promise<void> {
    if (need(auth, facts, type, perm) === 'compartment') await confine(ctx, auth, facts, info, type);
    await userWrite(ctx, auth, facts, info, type);
  }

  async function operation(ctx: FhirContext, auth: AuthContext, facts: AuditFacts | undefined, info: InteractionInfo): Promise<void> {
    const type = info.type ?? '';
    const op = info.operation ?? '';
    if (op === 'validate') {
      // $validate reads and stores nothing: any permission on the type will do.
      if (!PERMISSION_ORDER.some((p) => accessFor(auth.scopes ?? [], type, p))) need(auth, facts, type, 'c');
      return;
    }
    let confined: boolean;
    if (WHOLE_RECORD_OPERATIONS.has(op)) {
      confined = false;
      for (const t of registry.types().filter((x) => x !== 'Binary')) {
        if (need(auth, facts, t, 'r') === 'compartment') confined = true;
        if (need(auth, facts, t, 's') === 'compartment') confined = true;
      }
    } else {
      confined = need(auth, facts, type, info.id === undefined ? 's' : 'r') === 'compartment';
    }
    if (!confined) return;
    if (info.id === undefined) deny(facts, `type-level $${op} with a patient token`, forbidden(`$${op} on all of ${type} is not available to patient-context tokens`));
    await confine(ctx, auth, facts, info, type);
  }

  function checkResource(ctx: FhirContext, resource: Resource): void | Promise<void> {
    const facts = factsOf(ctx);
    const type = resource.resourceType;
    recordReturned(facts, resource, baseUrl);
    if (!enforce) return;
    const auth = ctx.auth as AuthContext | undefined;
    if (auth?.kind !== 'token') deny(facts, 'no access token', missingToken());
    // A type no hook authorised (e.g. inside an operation's Bundle) must still be readable.
    const access = facts?.access.get(type) ?? need(auth, facts, type, 'r');
    const single = facts?.interaction === 'read' || facts?.interaction === 'vread';
    if (auth.oscarProvider !== undefined && sees && !isOutsideCompartment(type)) {
      return heldToOscarUser(sees, auth, facts, type, ownersOf(resource), () => (single
        ? unknown(type, resource.id ?? '')
        : forbidden(`The answer would include patients, or ${type} records, OSCAR does not show this user`)))
        .then(() => confineReturned(auth, facts, resource, access, single));
    }
    confineReturned(auth, facts, resource, access, single);
  }

  /** The 'returned' check: a resource leaving for a patient/ token belongs to its patient. */
  function confineReturned(auth: AuthContext, facts: AuditFacts | undefined, resource: Resource, access: Access, single: boolean): void {
    const type = resource.resourceType;
    if (access === 'all' || isOutsideCompartment(type)) return;
    const patient = auth.patient!;
    // A resource that names no patient is outside every compartment (fail closed).
    const inside = (type === 'Binary' && facts?.verified.has(`${type}/${resource.id ?? ''}`) === true) || ownersOf(resource).includes(patient);
    if (inside) return;
    deny(facts, 'resource outside the patient compartment', single
      ? unknown(type, resource.id ?? '')
      : forbidden('The answer would include resources outside the patient compartment of this token'));
  }

  return { beforeInteraction, checkResource };
}

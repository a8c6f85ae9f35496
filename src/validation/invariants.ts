// The invariants of profiles/rules/*.json as code. The rule files hold each invariant's key,
// context, severity, human text and published FHIRPath (for reading); this file holds the check.
// A predicate returns true when the invariant holds. `node` is the element at the rule's context.
import { isObject } from './json-path.js';
import type { JsonObject, JsonPath } from './types.js';

export interface InvariantEnv {
  /** the resource the node belongs to (a contained resource for nodes inside it) */
  resource: JsonObject;
  /** the top-level resource holding `contained` (FHIRPath %rootResource) */
  rootResource: JsonObject;
  /** location of the node inside the validated resource */
  path: JsonPath;
  /** extra data from the rule (e.g. a code list) */
  params: Record<string, unknown>;
}
export type Invariant = (node: JsonObject, env: InvariantEnv) => boolean;

// These run for many nodes of every resource (ext-1 on each extension, ipa-pat-2 on each name):
// plain loops, no callbacks or key arrays made per call.
const has = (v: unknown): boolean => v !== undefined && v !== null && !(Array.isArray(v) && v.length === 0);
function hasAny(node: JsonObject, ...names: string[]): boolean {
  for (let i = 0; i < names.length; i++) if (has(node[names[i]!])) return true;
  return false;
}
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
const codings = (cc: unknown): JsonObject[] => (isObject(cc) ? list(cc.coding).filter(isObject) : []);
const oneOf = (wanted: string | string[], v: unknown): boolean => (Array.isArray(wanted) ? wanted.includes(v as string) : wanted === v);
function hasCoding(cc: unknown, system: string | string[], code?: string | string[]): boolean {
  if (!isObject(cc)) return false;
  const all = list(cc.coding);
  for (let i = 0; i < all.length; i++) {
    const c = all[i];
    if (isObject(c) && oneOf(system, c.system) && (code === undefined || oneOf(code, c.code))) return true;
  }
  return false;
}
/** a value[x] (or any choice) present: an own key `value` followed by a type name (A-Z) */
function hasChoice(node: JsonObject, base: string): boolean {
  for (const k in node) {
    const c = k.charCodeAt(base.length);
    if (c >= 65 && c <= 90 && k.startsWith(base) && Object.hasOwn(node, k)) return true;
  }
  return false;
}
const strings = (v: unknown): string[] => list(v).filter((x): x is string => typeof x === 'string');

const DATA_ABSENT_REASON = 'http://hl7.org/fhir/StructureDefinition/data-absent-reason';
function hasDataAbsentReason(node: JsonObject): boolean {
  const extensions = list(node.extension);
  for (let i = 0; i < extensions.length; i++) {
    const e = extensions[i];
    if (isObject(e) && e.url === DATA_ABSENT_REASON) return true;
  }
  return false;
}

const AI_VERIFICATION = 'http://terminology.hl7.org/CodeSystem/allergyintolerance-verification';
const isEnteredInError = (allergy: JsonObject): boolean =>
  hasCoding(allergy.verificationStatus, AI_VERIFICATION, 'entered-in-error');
// 1.1.x CA Baseline profiles spelled the NullFlavor system `http://terminology.hl7.org/fhir/v3/NullFlavor` (sic)
const NULL_FLAVOR = ['http://terminology.hl7.org/CodeSystem/v3-NullFlavor', 'http://terminology.hl7.org/fhir/v3/NullFlavor'];
const SNOMED = 'http://snomed.info/sct';

/** start <= end when both are comparable (same precision); unknown ordering passes, as in FHIRPath. */
function periodOrdered(start: unknown, end: unknown): boolean {
  if (typeof start !== 'string' || typeof end !== 'string') return true;
  const timed = (s: string): boolean => s.includes('T');
  if (timed(start) && timed(end)) {
    const a = Date.parse(start);
    const b = Date.parse(end);
    return Number.isNaN(a) || Number.isNaN(b) || a <= b;
  }
  if (!timed(start) && !timed(end) && start.length === end.length) return start <= end;
  return true;
}

function isDistinct(values: string[]): boolean {
  return new Set(values).size === values.length;
}

/** every string anywhere under `value`, skipping the subtree at `skip` */
function collectStrings(value: unknown, out: Set<string>, skip?: unknown): Set<string> {
  if (value === skip) return out;
  if (typeof value === 'string') out.add(value);
  else if (Array.isArray(value)) for (const v of value) collectStrings(v, out, skip);
  else if (isObject(value)) for (const v of Object.values(value)) collectStrings(v, out, skip);
  return out;
}

export const INVARIANTS: Record<string, Invariant> = {
  // ---- Patient / Practitioner
  'ipa-pat-2': (name) => hasAny(name, 'family', 'given', 'text') !== hasDataAbsentReason(name),
  'ca-baseline-practitioner-name': (name) => hasAny(name, 'family', 'given') !== hasDataAbsentReason(name),
  'pat-1': (contact) => hasAny(contact, 'name', 'telecom', 'address', 'organization'),

  // ---- Appointment
  'app-1': (participant) => hasAny(participant, 'type', 'actor'),
  'app-2': (appt) => has(appt.start) === has(appt.end),
  'app-3': (appt) =>
    (has(appt.start) && has(appt.end)) || ['proposed', 'cancelled', 'waitlist'].includes(String(appt.status)),
  // R4 4.0.1 definitions spell the code `noshow` (older renderings say 'no-show', not a valid code)
  'app-4': (appt) => !has(appt.cancelationReason) || ['noshow', 'cancelled'].includes(String(appt.status)),

  // ---- AllergyIntolerance
  'ait-1': (ai) => isEnteredInError(ai) || has(ai.clinicalStatus),
  'ait-2': (ai) => !isEnteredInError(ai) || !has(ai.clinicalStatus),
  'ca-baseline-allergy': (ai) => !hasCoding(ai.code, NULL_FLAVOR) || has(ai.verificationStatus),
  // implements the human text, which also forbids clinicalStatus (the published expression omits it)
  'ca-baseline-allergy-notasked': (ai) =>
    !hasCoding(ai.code, NULL_FLAVOR) || !hasAny(ai, 'clinicalStatus', 'type', 'category', 'criticality'),
  // published with `and` instead of `implies` (fails every ordinary allergy); implemented with
  // implies and per its human text: verificationStatus SHALL be confirmed | refuted | entered-in-error
  'ca-baseline-allergy-noallergy': (ai, env) =>
    !hasCoding(ai.code, SNOMED, strings(env.params.codes)) ||
    (hasCoding(ai.verificationStatus, AI_VERIFICATION, ['confirmed', 'refuted', 'entered-in-error']) &&
      !codings(ai.verificationStatus).some((c) => c.code === 'unconfirmed')),

  // ---- Immunization
  'imm-1': (education) => hasAny(education, 'documentType', 'reference'),

  // ---- DocumentReference
  'ca-baseline-documentreference-1': (attachment) => hasAny(attachment, 'url', 'data'),

  // ---- Bundle (entry-level ones run on each entry; %resource is the Bundle)
  'bdl-1': (b) => !has(b.total) || ['searchset', 'history'].includes(String(b.type)),
  'bdl-2': (entry, env) => !has(entry.search) || env.resource.type === 'searchset',
  'bdl-3': (entry, env) => has(entry.request) === ['batch', 'transaction', 'history'].includes(String(env.resource.type)),
  'bdl-4': (entry, env) =>
    has(entry.response) === ['batch-response', 'transaction-response', 'history'].includes(String(env.resource.type)),
  'bdl-5': (entry) => hasAny(entry, 'resource', 'request', 'response'),
  'bdl-7': (entry, env) => {
    if (env.resource.type === 'history' || typeof entry.fullUrl !== 'string') return true;
    const index = env.path[env.path.length - 1];
    const version = (e: unknown): unknown => (isObject(e) && isObject(e.resource) && isObject(e.resource.meta) ? e.resource.meta.versionId : undefined);
    return !list(env.resource.entry)
      .slice(0, typeof index === 'number' ? index : 0)
      .some((e) => isObject(e) && e.fullUrl === entry.fullUrl && version(e) === version(entry));
  },
  'bdl-8': (entry) => typeof entry.fullUrl !== 'string' || !entry.fullUrl.includes('/_history/'),
  'bdl-9': (b) =>
    b.type !== 'document' || (isObject(b.identifier) && has(b.identifier.system) && has(b.identifier.value)),
  'bdl-10': (b) => b.type !== 'document' || has(b.timestamp),
  'bdl-11': (b) => {
    const first = list(b.entry)[0];
    return b.type !== 'document' || (isObject(first) && isObject(first.resource) && first.resource.resourceType === 'Composition');
  },
  'bdl-12': (b) => {
    const first = list(b.entry)[0];
    return b.type !== 'message' || (isObject(first) && isObject(first.resource) && first.resource.resourceType === 'MessageHeader');
  },

  // ---- CapabilityStatement
  'cpb-0': (cs) => typeof cs.name !== 'string' || /^[A-Z]([A-Za-z0-9_]){0,254}$/.test(cs.name),
  'cpb-1': (cs) => hasAny(cs, 'rest', 'messaging', 'document'),
  'cpb-2': (cs) => hasAny(cs, 'description', 'software', 'implementation'),
  'cpb-3': (cs) => !list(cs.messaging).some((m) => isObject(m) && has(m.endpoint)) || cs.kind === 'instance',
  'cpb-7': (cs) => isDistinct(list(cs.document).filter(isObject).map((d) => `${String(d.profile)}|${String(d.mode)}`)),
  'cpb-14': (cs) => cs.kind !== 'instance' || has(cs.implementation),
  'cpb-15': (cs) => cs.kind !== 'capability' || (!has(cs.implementation) && has(cs.software)),
  'cpb-16': (cs) => cs.kind !== 'requirements' || (!has(cs.implementation) && !has(cs.software)),
  'cpb-9': (rest) => isDistinct(list(rest.resource).filter(isObject).map((r) => String(r.type))),
  'cpb-12': (resource) => isDistinct(list(resource.searchParam).filter(isObject).map((p) => String(p.name))),

  // ---- contained resources (DomainResource dom-2..5, checked on the contained resource itself)
  'dom-2': (contained) => !has(contained.contained),
  'dom-3': (contained, env) => {
    if (typeof contained.id !== 'string') return false;
    const fromContainer = collectStrings(env.rootResource, new Set(), contained);
    return fromContainer.has(`#${contained.id}`) || collectStrings(contained, new Set()).has('#');
  },
  'dom-4': (contained) => !(isObject(contained.meta) && hasAny(contained.meta, 'versionId', 'lastUpdated')),
  'dom-5': (contained) => !(isObject(contained.meta) && has(contained.meta.security)),

  // ---- data types
  'ext-1': (ext) => has(ext.extension) !== hasChoice(ext, 'value'),
  'ref-1': (ref, env) => {
    if (typeof ref.reference !== 'string' || !ref.reference.startsWith('#')) return true;
    // '#' alone points from a contained resource back to its container
    if (ref.reference === '#') return env.resource !== env.rootResource;
    const id = ref.reference.slice(1);
    return list(env.rootResource.contained).some((c) => isObject(c) && c.id === id);
  },
  'att-1': (att) => !has(att.data) || has(att.contentType),
  'cpt-2': (cp) => !has(cp.value) || has(cp.system),
  'per-1': (period) => periodOrdered(period.start, period.end),
  'qty-3': (qty) => !has(qty.code) || has(qty.system),
  'rat-1': (ratio) => has(ratio.numerator) === has(ratio.denominator) && (has(ratio.numerator) || has(ratio.extension)),
};

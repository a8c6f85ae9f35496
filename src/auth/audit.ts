// One FHIR AuditEvent-shaped JSON line per request, allowed or denied (PHIPA / PIPA: every access
// to personal health information is logged). Only ids go in: resource and patient ids, client and
// subject ids, scope names. Query values other than OSCAR row ids and paging controls are masked,
// because a search by name, birth date or health number would otherwise copy PHI into the trail;
// so are ids in paths the router refused.
import type { AuditEvent, Extension } from 'fhir/r4.js';
import { NUMERIC_ID, type FhirRequest } from '../fhir/index.js';
import { uniqueId } from '../http/request-id.js';
import type { AuthContext, AuditFacts } from './context.js';
import { formatScope, type ResourceScope } from './scopes.js';
import type { TokenResult } from './server/token-audit.js';

/** Parameters whose values are ids or references: kept when every value is an id this server can have. */
const ID_PARAMS = new Set(['_id', 'patient', 'subject', 'actor', 'practitioner', 'performer']);
/** Parameters whose values are paging and presentation controls (no PHI). */
const CONTROL_PARAMS = new Set(['_count', '_cursor', '_include', '_revinclude', '_summary', '_elements', '_sort', '_total', '_format', '_pretty', 'status']);
const CONTROL_VALUE = /^[A-Za-z0-9\-.:_,*$]{0,200}$/;
const RESOURCE_TYPE = /^[A-Z][A-Za-z]{1,63}$/;

/**
 * An id value as OSCAR can have it (a row number), optionally typed (`Patient/1001`). Anything
 * else — a name, a birth date, a health number too long to be a row id, an identifier — is what a
 * confused or curious client put where an id belongs, and is masked.
 */
function isIdList(value: string): boolean {
  return value.split(',').every((part) => {
    const slash = part.indexOf('/');
    const type = slash < 0 ? undefined : part.slice(0, slash);
    return (type === undefined || RESOURCE_TYPE.test(type)) && NUMERIC_ID.test(part.slice(slash + 1));
  });
}

function keptValue(key: string, value: string): boolean {
  const [name = '', modifier, ...more] = key.split(':');
  if (more.length > 0) return false;
  if (CONTROL_PARAMS.has(name)) return CONTROL_VALUE.test(value);
  // A modifier other than a resource type (`subject:Patient`) changes what the value is: `patient:identifier=…|HCN`.
  return ID_PARAMS.has(name) && (modifier === undefined || RESOURCE_TYPE.test(modifier)) && isIdList(value);
}

/** The query with every value that could carry PHI replaced by '***'. */
export function redactQuery(query: readonly (readonly [string, string])[]): string {
  return query.map(([k, v]) => `${encodeURIComponent(k)}=${keptValue(k, v) ? encodeURIComponent(v) : '***'}`).join('&');
}

/** Reads and writes by kind; anything else (a search, an operation, a token request) is E, execute. */
const ACTION: Record<string, AuditEvent['action']> = { read: 'R', vread: 'R', capabilities: 'R', create: 'C', update: 'U', delete: 'D' };

/**
 * The interaction of a request that never reached the router's hooks (refused earlier). Its path
 * was not accepted by the router, so it names a type only when that type exists here and an id
 * only when it is an OSCAR row number: `/Patient/SMITH-JOHN` or `/DOE/JANE` leave no trace of
 * the name.
 */
function guessInteraction(req: FhirRequest, isKnownType: (type: string) => boolean): { interaction: string; type?: string; id?: string } {
  const parts = req.path.split('/').filter(Boolean);
  const type = parts[0] && RESOURCE_TYPE.test(parts[0]) && isKnownType(parts[0]) ? parts[0] : undefined;
  // Only a row number is an id ('$everything', '_search', '_history' and names are not).
  const id = type && parts[1] && NUMERIC_ID.test(parts[1]) ? parts[1] : undefined;
  const op = parts.find((p) => p.startsWith('$'));
  if (parts[0] === 'metadata') return { interaction: 'capabilities' };
  const interaction = op ? 'operation'
    : req.method === 'POST' ? (parts[1] === '_search' ? 'search-type' : 'create')
      : req.method === 'PUT' ? 'update' : req.method === 'DELETE' ? 'delete' : parts[1] ? 'read' : 'search-type';
  return { interaction, ...(type && { type }), ...(id && { id }) };
}

function outcomeOf(status: number): AuditEvent['outcome'] {
  if (status < 400) return '0';
  return status < 500 ? '4' : '8';
}

export interface AuditInput {
  req: FhirRequest;
  status: number;
  auth: AuthContext | undefined;
  facts: AuditFacts | undefined;
  /** The public FHIR base (AuditEvent.source.site). */
  site: string;
  /** The clinic served at that base ('default' for one clinic). */
  clinic: string;
  /** Whether a resource type exists here (a refused path's first segment is recorded only then). */
  isKnownType?: (type: string) => boolean;
}

/** Caps the entities of one record (a large search page still gets a bounded line). */
const MAX_ENTITIES = 500;

// The record is written as its JSON line directly: one is made per request, and building it as an
// object tree for JSON.stringify cost a cache-hit read more CPU (and garbage) than any other part
// of its own work (bench/results.md). The parts that never change are serialised once, here, from
// objects, so the line is the same JSON an AuditEvent object would give.
/** `"key":value,…` of an object, without its braces: a fixed run of members inside a record. */
const members = (o: object): string => JSON.stringify(o).slice(1, -1);
const str = (v: string): string => JSON.stringify(v);
/** Characters JSON writes as they are: ids (FHIR ids are [A-Za-z0-9-.]) and `Type/` need no escaping. */
const PLAIN_JSON = /^[A-Za-z0-9\-./]*$/;
/** JSON of `prefix + id`, without JSON.stringify for the ids a reference holds (each entity has one). */
const referenceJson = (prefix: string, id: string): string => (PLAIN_JSON.test(id) ? `"${prefix}${id}"` : str(prefix + id));
const PATIENT_ENTITY = members({
  type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '1', display: 'Person' },
  role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1', display: 'Patient' },
});
const OBJECT_TYPE = members({ type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' } });
const QUERY_ROLE = members({ role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '24', display: 'Query' } });
const REST_TYPE = members({ type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest', display: 'RESTful Operation' } });
const APPLICATION_AGENT = members({ type: { coding: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110150', display: 'Application' }] } });
const SOURCE_REST = members({
  observer: { display: 'oscar-fhir' },
  type: [{ system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '4', display: 'Application Server' }],
});

/**
 * The agent's members that come from the token alone (client, user, scopes), written once per
 * verified token: every request of a token carries the same scopes array (src/auth/access-token.ts
 * remembers the verified context), and the client and user are checked to be the ones it was
 * written for.
 */
interface TokenAgent { clientId: string; subject: string | undefined; json: string }
const tokenAgents = new WeakMap<readonly ResourceScope[], TokenAgent>();
function agentJson(clientId: string, subject: string | undefined, scopes: readonly ResourceScope[] | undefined): string {
  const write = (): string => `{${APPLICATION_AGENT},"who":{"identifier":{"system":"urn:oscar-fhir:client-id","value":${str(clientId)}}}`
    + `${subject ? `,"altId":${str(subject)}` : ''},"requestor":true`
    + `${scopes && scopes.length > 0 ? `,"policy":${JSON.stringify(scopes.map(formatScope))}` : ''}`;
  if (!scopes) return write();
  let a = tokenAgents.get(scopes);
  if (a === undefined || a.clientId !== clientId || a.subject !== subject) {
    a = { clientId, subject, json: write() };
    tokenAgents.set(scopes, a);
  }
  return a.json;
}

/** The members of a record that depend only on the interaction: its subtype and action. */
const interactionMembers = new Map<string, string>();
function interactionJson(interaction: string): string {
  let m = interactionMembers.get(interaction);
  if (m === undefined) {
    m = `"subtype":[{"system":"http://hl7.org/fhir/restful-interaction","code":${str(interaction)}}],"action":"${ACTION[interaction] ?? 'E'}"`;
    // Interactions are the router's few names, or a refused path's guess among a few more.
    if (interactionMembers.size < 64) interactionMembers.set(interaction, m);
  }
  return m;
}

/** The clinic and site of the last record: the same two strings for every record of one auth layer. */
let lastPlace: { clinic: string; site: string; extension: string; source: string } | undefined;
function placeOf(clinic: string, site: string): { extension: string; source: string } {
  if (lastPlace?.clinic !== clinic || lastPlace.site !== site) {
    lastPlace = { clinic, site, extension: JSON.stringify(clinicExtension(clinic)), source: `"source":{"site":${str(site)},${SOURCE_REST}}` };
  }
  return lastPlace;
}

/** The time of the record, written once per millisecond. */
let lastRecorded = { ms: NaN, iso: '' };
function recordedNow(): string {
  const ms = Date.now();
  if (ms !== lastRecorded.ms) lastRecorded = { ms, iso: new Date(ms).toISOString() };
  return lastRecorded.iso;
}

/** The request's AuditEvent as one JSON line (what the audit trail holds). */
export function auditLineFor(input: AuditInput): string {
  const { req, status, auth, facts } = input;
  // Only what the router did not record is guessed from the path.
  const recorded = facts?.interaction !== undefined && facts.type !== undefined && facts.id !== undefined;
  const guessed = recorded ? undefined : guessInteraction(req, input.isKnownType ?? (() => false));
  const interaction = facts?.interaction ?? guessed!.interaction;
  const type = facts?.type ?? guessed?.type;
  const id = facts?.id ?? guessed?.id;
  // The patients: those of the facts, the token's, and the one read (each once, in that order).
  const context = auth?.patient && !facts?.patients.has(auth.patient) ? auth.patient : undefined;
  const read = type === 'Patient' && id && !facts?.patients.has(id) && id !== context ? id : undefined;
  const isPatient = (p: string): boolean => facts?.patients.has(p) === true || p === context || p === read;
  // The entities are written straight into one string (a page names 50 and more): at most
  // MAX_ENTITIES patients and objects, then the query.
  let entity = '';
  let entities = 0;
  const add = (e: string): void => {
    if (entities++ < MAX_ENTITIES) entity = entity === '' ? e : `${entity},${e}`;
  };
  const patient = (p: string): void => { add(`{"what":{"reference":${referenceJson('Patient/', p)}},${PATIENT_ENTITY}}`); };
  if (facts) for (const p of facts.patients) patient(p);
  if (context !== undefined) patient(context);
  if (read !== undefined) patient(read);
  const own = type && id ? `${type}/${id}` : undefined;
  const object = (r: string): void => {
    if (!(r.startsWith('Patient/') && isPatient(r.slice(8)))) add(`{"what":{"reference":${referenceJson('', r)}},${OBJECT_TYPE}}`);
  };
  if (facts) for (const r of facts.resources) object(r);
  if (own !== undefined && !facts?.resources.has(own)) object(own);
  if (req.query.length > 0 || interaction === 'search-type') {
    const query = redactQuery(req.query);
    const described = `{${OBJECT_TYPE},${QUERY_ROLE},"description":${str(`${req.method} ${type ?? ''}${query ? `?${query}` : ''}`)},"query":${str(Buffer.from(query).toString('base64'))}}`;
    entity = entity === '' ? described : `${entity},${described}`;
  }
  const clientId = auth?.clientId ?? (auth?.kind === 'anonymous' ? 'anonymous' : 'unauthenticated');
  const agent = agentJson(clientId, auth?.subject, auth?.scopes)
    + `${facts?.remoteAddress ? `,"network":{"address":${str(facts.remoteAddress)},"type":"2"}` : ''}}`;
  const place = placeOf(input.clinic, input.site);
  return `{"resourceType":"AuditEvent","id":"${uniqueId()}","extension":[{"url":"urn:oscar-fhir:request-id","valueString":${str(req.requestId)}},${place.extension}],`
    + `${REST_TYPE},${interactionJson(interaction)},`
    + `"recorded":"${recordedNow()}","outcome":"${outcomeOf(status)}","outcomeDesc":${str(`HTTP ${status}${facts?.denial ? ` ${facts.denial}` : ''}`)},`
    + `"agent":[${agent}],${place.source}${entity !== '' ? `,"entity":[${entity}]` : ''}}`;
}

/** The request's AuditEvent as an object: the line of auditLineFor, read back. */
export function auditEventFor(input: AuditInput): AuditEvent {
  return JSON.parse(auditLineFor(input)) as AuditEvent;
}

/** A token request's outcome (as the token endpoint reports it) and the server it was made to. */
export interface TokenAuditInput extends TokenResult {
  site: string;
  clinic: string;
}

/** Which clinic of the deployment a record belongs to: one audit trail may hold many clinics. */
function clinicExtension(clinic: string): Extension {
  return { url: 'urn:oscar-fhir:clinic', valueString: clinic };
}

/** A token request at the Backend Services endpoint: who asked, what was granted or why not. */
export function tokenAuditEventFor(t: TokenAuditInput): AuditEvent {
  return {
    resourceType: 'AuditEvent',
    id: uniqueId(),
    extension: [clinicExtension(t.clinic)],
    type: { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110114', display: 'User Authentication' },
    subtype: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110122', display: 'Login' }],
    action: 'E',
    recorded: new Date().toISOString(),
    outcome: outcomeOf(t.status),
    outcomeDesc: `HTTP ${t.status}${t.error ? ` ${t.error}: ${t.reason ?? ''}` : ` granted ${t.scope ?? ''}`}`,
    agent: [{
      type: { coding: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110150', display: 'Application' }] },
      who: { identifier: { system: 'urn:oscar-fhir:client-id', value: t.clientId ?? 'unknown' } },
      requestor: true,
      ...(t.scope && { policy: t.scope.split(' ') }),
      ...(t.remoteAddress && { network: { address: t.remoteAddress, type: '2' as const } }),
    }],
    source: {
      site: t.site,
      observer: { display: 'oscar-fhir' },
      type: [{ system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '4', display: 'Application Server' }],
    },
  };
}

// One FHIR AuditEvent-shaped JSON line per request, allowed or denied (PHIPA / PIPA: every access
// to personal health information is logged). Only ids go in: resource and patient ids, client and
// subject ids, scope names. Query values other than ids and paging controls are masked, because
// a search by name, birth date or health number would otherwise copy PHI into the trail.
import { randomUUID } from 'node:crypto';
import type { AuditEvent, AuditEventEntity } from 'fhir/r4.js';
import type { FhirRequest } from '../fhir/index.js';
import type { AuthContext, RequestFacts } from './context.js';
import { formatScope } from './scopes.js';
import type { TokenResult } from './token-endpoint.js';

/** Parameters whose values are ids, references or controls (no PHI): kept as given. */
const PLAIN_PARAMS = new Set([
  '_id', 'patient', 'subject', 'actor', 'practitioner', 'performer', '_count', '_cursor', '_include', '_revinclude',
  '_summary', '_elements', '_sort', '_total', '_format', '_pretty', 'status',
]);
const ID_LIKE = /^[A-Za-z0-9\-.:_/,|*$]{0,200}$/;

/** The query with every value that could carry PHI replaced by '***'. */
export function redactQuery(query: readonly (readonly [string, string])[]): string {
  return query.map(([k, v]) => {
    const name = k.split(':')[0] ?? k;
    const keep = PLAIN_PARAMS.has(name) && ID_LIKE.test(v);
    return `${encodeURIComponent(k)}=${keep ? encodeURIComponent(v) : '***'}`;
  }).join('&');
}

const ACTION: Record<string, AuditEvent['action']> = {
  read: 'R', vread: 'R', 'search-type': 'E', create: 'C', update: 'U', delete: 'D', operation: 'E', capabilities: 'R', token: 'E',
};

/** The interaction of a request that never reached the router's hooks (refused earlier). */
function guessInteraction(req: FhirRequest): { interaction: string; type?: string; id?: string } {
  const parts = req.path.split('/').filter(Boolean);
  const type = parts[0] && /^[A-Z][A-Za-z]+$/.test(parts[0]) ? parts[0] : undefined;
  const id = type && parts[1] && !parts[1].startsWith('$') && !parts[1].startsWith('_') ? parts[1] : undefined;
  const op = parts.find((p) => p.startsWith('$'));
  if (parts[0] === 'metadata') return { interaction: 'capabilities' };
  const interaction = op ? 'operation'
    : req.method === 'POST' ? (parts[1] === '_search' ? 'search-type' : 'create')
      : req.method === 'PUT' ? 'update' : req.method === 'DELETE' ? 'delete' : id ? 'read' : 'search-type';
  return { interaction, ...(type && { type }), ...(id && /^[A-Za-z0-9\-.]{1,64}$/.test(id) && { id }) };
}

function outcomeOf(status: number): AuditEvent['outcome'] {
  if (status < 400) return '0';
  return status < 500 ? '4' : '8';
}

export interface AuditInput {
  req: FhirRequest;
  status: number;
  auth: AuthContext | undefined;
  facts: RequestFacts | undefined;
  /** The public FHIR base (AuditEvent.source.site). */
  site: string;
}

/** Caps the entities of one record (a large search page still gets a bounded line). */
const MAX_ENTITIES = 500;

export function auditEventFor(input: AuditInput): AuditEvent {
  const { req, status, auth, facts } = input;
  const guessed = guessInteraction(req);
  const interaction = facts?.interaction ?? guessed.interaction;
  const type = facts?.type ?? guessed.type;
  const id = facts?.id ?? guessed.id;
  const entity: AuditEventEntity[] = [];
  const patients = new Set(facts?.patients ?? []);
  if (auth?.patient) patients.add(auth.patient);
  if (type === 'Patient' && id) patients.add(id);
  for (const p of patients) {
    entity.push({
      what: { reference: `Patient/${p}` },
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '1', display: 'Person' },
      role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1', display: 'Patient' },
    });
  }
  const resources = new Set(facts?.resources ?? []);
  if (type && id) resources.add(`${type}/${id}`);
  for (const r of resources) {
    if (r.startsWith('Patient/') && patients.has(r.slice(8))) continue;
    entity.push({ what: { reference: r }, type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' } });
  }
  if (entity.length > MAX_ENTITIES) entity.length = MAX_ENTITIES;
  if (req.query.length > 0 || interaction === 'search-type') {
    const query = redactQuery(req.query);
    entity.push({
      type: { system: 'http://terminology.hl7.org/CodeSystem/audit-entity-type', code: '2', display: 'System Object' },
      role: { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '24', display: 'Query' },
      description: `${req.method} ${type ?? ''}${query ? `?${query}` : ''}`,
      query: Buffer.from(query, 'utf8').toString('base64'),
    });
  }
  const clientId = auth?.clientId ?? (auth?.kind === 'anonymous' ? 'anonymous' : 'unauthenticated');
  const event: AuditEvent = {
    resourceType: 'AuditEvent',
    id: randomUUID(),
    extension: [{ url: 'urn:oscar-fhir:request-id', valueString: req.requestId }],
    type: { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest', display: 'RESTful Operation' },
    subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: interaction }],
    action: ACTION[interaction] ?? 'E',
    recorded: new Date().toISOString(),
    outcome: outcomeOf(status),
    outcomeDesc: `HTTP ${status}${facts?.denial ? ` ${facts.denial}` : ''}`,
    agent: [{
      type: { coding: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110150', display: 'Application' }] },
      who: { identifier: { system: 'urn:oscar-fhir:client-id', value: clientId } },
      ...(auth?.subject && { altId: auth.subject }),
      requestor: true,
      ...(auth?.scopes && auth.scopes.length > 0 && { policy: auth.scopes.map(formatScope) }),
      ...(facts?.remoteAddress && { network: { address: facts.remoteAddress, type: '2' as const } }),
    }],
    source: {
      site: input.site,
      observer: { display: 'oscar-fhir' },
      type: [{ system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '4', display: 'Application Server' }],
    },
    ...(entity.length > 0 && { entity }),
  };
  return event;
}

/** A token request's outcome (as the token endpoint reports it) and the server it was made to. */
export interface TokenAuditInput extends TokenResult {
  site: string;
}

/** A token request at the Backend Services endpoint: who asked, what was granted or why not. */
export function tokenAuditEventFor(t: TokenAuditInput): AuditEvent {
  return {
    resourceType: 'AuditEvent',
    id: randomUUID(),
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

// The kick-off request, checked (bulk-data §a, C and D): headers, then the parameters from the
// query (GET) or a Parameters body (POST), repeated names joined as comma lists (BD-KO-03).
// Anything not supported is a 400 OperationOutcome, or, with `Prefer: handling=lenient`, an
// OperationOutcome line in the manifest's `error` file (BD-P-10).
import type { Parameters } from 'fhir/r4.js';
import { badRequest, isFhirError, quoteInput } from '../fhir/index.js';
import type { ExportLevel, ExportRequest } from './job.js';
import { parseTypeFilter } from './type-filter.js';

/** Types this server exports, in output order. */
export const EXPORT_TYPES = ['Patient', 'Immunization', 'AllergyIntolerance', 'Appointment', 'DocumentReference'] as const;
/** DocumentReference only when `_type` names it (bulk-data §b.6 item 5: each row costs OSCAR the file's bytes). */
const DEFAULT_TYPES = EXPORT_TYPES.filter((t) => t !== 'DocumentReference');

/** The three spellings of NDJSON the spec makes servers accept (BD-P-01). */
const NDJSON_FORMATS = new Set(['application/fhir+ndjson', 'application/ndjson', 'ndjson']);
const UNSUPPORTED = new Set(['includeAssociatedData', '_until', 'organizeOutputBy', 'allowPartialManifests']);
const KNOWN = new Set(['_outputFormat', '_since', '_type', '_elements', '_typeFilter', 'patient', ...UNSUPPORTED]);
/** A FHIR instant: date, time to the second, optional fraction, and a zone (R4 datatypes). */
const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(Z|[+-](\d{2}):(\d{2}))$/;
const ELEMENT = /^[a-z][A-Za-z0-9]{0,63}$/;
const PATIENT_REF = /^(?:Patient\/)?(\d{1,9})$/;

export interface KickOffInput {
  method: string;
  level: ExportLevel;
  groupId?: string;
  query: readonly [string, string][];
  body?: unknown;
  headers: Record<string, string | undefined>;
  /** The kick-off URL as the client sent it (absolute). */
  url: string;
  now: number;
}

export interface CheckedKickOff {
  request: ExportRequest;
  lenientIssues: string[];
  /** `_type` was given: every named type must be within the token's scopes. */
  typesNamed: boolean;
}

function tokens(header: string | undefined): string[] {
  return (header ?? '').split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
}

export function isLenient(headers: Record<string, string | undefined>): boolean {
  return tokens(headers.prefer).includes('handling=lenient');
}

/** BD-KO-04 (OUR): `Accept: application/fhir+json` and `Prefer: respond-async`, matched as tokens of their lists. */
export function checkKickOffHeaders(headers: Record<string, string | undefined>): void {
  const accept = tokens(headers.accept).map((t) => t.split(';')[0]!.trim());
  if (!accept.includes('application/fhir+json')) throw badRequest('An export needs the header Accept: application/fhir+json');
  if (!tokens(headers.prefer).includes('respond-async')) throw badRequest('An export needs the header Prefer: respond-async');
}

/** The parameters as name → values, from the query or the Parameters body. */
function pairsOf(input: KickOffInput): [string, string][] {
  const pairs = input.query.filter(([k]) => k !== '_format' && k !== '_pretty').map(([k, v]): [string, string] => [k, v]);
  if (input.method !== 'POST' || input.body === undefined) return pairs;
  const body = input.body as Parameters;
  if (typeof body !== 'object' || body === null || body.resourceType !== 'Parameters') throw badRequest('A POST kick-off body must be a Parameters resource');
  for (const p of body.parameter ?? []) {
    const v = p.valueString ?? p.valueCode ?? p.valueInstant ?? p.valueDateTime ?? p.valueReference?.reference ?? p.valueUri;
    if (typeof p.name !== 'string' || typeof v !== 'string') throw badRequest(`Parameter ${quoteInput(String(p.name))} has no value of a type this server reads`);
    pairs.push([p.name, v]);
  }
  return pairs;
}

function parseInstant(text: string, now: number): number {
  const m = INSTANT.exec(text);
  const ms = m ? Date.parse(text) : NaN;
  const [, , mo, d, h, mi, s, , , zh, zm] = m ?? [];
  const inRange = m && Number(mo) >= 1 && Number(mo) <= 12 && Number(d) >= 1 && Number(d) <= 31 && Number(h) <= 23 && Number(mi) <= 59 && Number(s) <= 59
    && (zh === undefined || (Number(zh) <= 14 && Number(zm) <= 59));
  if (!inRange || Number.isNaN(ms)) throw badRequest(`_since must be a FHIR instant such as 2026-11-01T00:00:00Z (got ${quoteInput(text)})`);
  if (ms > now) throw badRequest('_since is in the future');
  return ms;
}

export function parseKickOff(input: KickOffInput): CheckedKickOff {
  const lenient = isLenient(input.headers);
  const lenientIssues: string[] = [];
  const refuse = (message: string): void => {
    if (!lenient) throw badRequest(message);
    lenientIssues.push(message);
  };
  const values = new Map<string, string[]>();
  for (const [k, v] of pairsOf(input)) {
    if (!KNOWN.has(k)) { refuse(`The parameter ${quoteInput(k)} is not supported by this server's export`); continue; }
    if (UNSUPPORTED.has(k)) { refuse(`${k} is not supported by this server's export`); continue; }
    // Repeats are comma lists (BD-KO-03); a _typeFilter is one query (a comma inside its values is percent-encoded there).
    values.set(k, [...(values.get(k) ?? []), ...(k === 'patient' || k === '_typeFilter' ? [v] : v.split(',').map((x) => x.trim()).filter(Boolean))]);
  }

  for (const f of values.get('_outputFormat') ?? []) {
    if (!NDJSON_FORMATS.has(f)) throw badRequest(`_outputFormat ${quoteInput(f)} is not supported (application/fhir+ndjson, application/ndjson, ndjson)`);
  }
  const sinceText = values.get('_since');
  if (sinceText && sinceText.length > 1) throw badRequest('_since may be given once');
  const since = sinceText?.[0] !== undefined ? parseInstant(sinceText[0], input.now) : undefined;

  const named = values.get('_type');
  let types: string[];
  if (named) {
    const known = new Set<string>(EXPORT_TYPES);
    for (const t of named.filter((t) => !known.has(t))) refuse(`_type ${quoteInput(t)} is not a type this server exports (${EXPORT_TYPES.join(', ')})`);
    types = EXPORT_TYPES.filter((t) => named.includes(t));
    if (types.length === 0) throw badRequest(`_type names no type this server exports (${EXPORT_TYPES.join(', ')})`);
  } else {
    types = [...DEFAULT_TYPES];
  }

  let elements: Record<string, string[]> | undefined;
  for (const e of values.get('_elements') ?? []) {
    const [type, name] = e.includes('.') ? e.split('.', 2) as [string, string] : ['*', e];
    if (!ELEMENT.test(name) || (type !== '*' && !types.includes(type))) { refuse(`_elements ${quoteInput(e)} names no element of an exported type`); continue; }
    elements ??= {};
    (elements[type] ??= []).push(name);
  }

  let typeFilters: Record<string, [string, string][][]> | undefined;
  for (const raw of values.get('_typeFilter') ?? []) {
    let parsed: ReturnType<typeof parseTypeFilter>;
    try { parsed = parseTypeFilter(raw, types); } catch (e) {
      if (!lenient || !isFhirError(e)) throw e;
      lenientIssues.push(`${(e as Error).message}; the filter was ignored`);
      continue;
    }
    typeFilters ??= {};
    (typeFilters[parsed.type] ??= []).push(parsed.pairs);
  }

  let patients: number[] | undefined;
  const patientRefs = values.get('patient');
  if (patientRefs) {
    if (input.method !== 'POST') throw badRequest('The patient parameter is only accepted in a POST kick-off (a Parameters body)');
    if (input.level === 'system') throw badRequest('The patient parameter is not accepted by a system-level export');
    patients = [...new Set(patientRefs.map((r) => {
      const m = PATIENT_REF.exec(r);
      if (!m) throw badRequest(`patient ${quoteInput(r)} is not a reference to a Patient of this server`);
      return Number(m[1]);
    }))].sort((a, b) => a - b);
  }

  const request: ExportRequest = {
    level: input.level, types, request: input.url,
    ...(input.groupId !== undefined && { groupId: input.groupId }),
    ...(since !== undefined && { since }),
    ...(elements && { elements }),
    ...(typeFilters && { typeFilters }),
    ...(patients && { patients }),
  };
  return { request, lenientIssues, typesNamed: named !== undefined };
}

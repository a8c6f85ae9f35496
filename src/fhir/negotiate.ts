// Content negotiation. This server speaks FHIR JSON only: `_format` wins over Accept (R4 http
// §3.1.0.1.7); XML or anything else is a 406. Request bodies must be JSON (or a form for
// `_search`), otherwise 415.
import { notAcceptable, quoteInput, unsupportedMediaType } from './errors.js';

export const FHIR_JSON = 'application/fhir+json';
export type JsonMediaType = 'application/fhir+json' | 'application/json';

// A Map: it is looked up by the client's text, and `_format=constructor` must find nothing
// (docs/smart-app-launch.md §7.8).
const FORMAT_ALIASES = new Map<string, JsonMediaType>([
  ['json', FHIR_JSON],
  ['application/fhir+json', FHIR_JSON],
  ['application/json+fhir', FHIR_JSON], // DSTU2-era name some clients still send
  ['application/json', 'application/json'],
]);

interface MediaRange { type: string; q: number; params: Record<string, string> }

/**
 * `type/subtype; name=value; name="value"` split by hand: these headers come from any client, so
 * no backtracking pattern looks at them (a white-space regex here was quadratic). Linear.
 */
function splitMediaType(part: string): { type: string; params: Record<string, string> } {
  const [type = '', ...paramParts] = part.split(';').map((s) => s.trim());
  const params: Record<string, string> = {};
  for (const p of paramParts) {
    const eq = p.indexOf('=');
    if (eq <= 0) continue;
    let value = p.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    params[p.slice(0, eq).trim().toLowerCase()] = value;
  }
  return { type, params };
}

function parseMediaRanges(header: string): MediaRange[] {
  return header.split(',').map((part, index) => {
    const { type, params } = splitMediaType(part);
    const q = params.q === undefined ? 1 : Number(params.q);
    return { type: type.toLowerCase(), q: Number.isFinite(q) ? q : 0, params, index };
  }).filter((r) => r.type !== '' && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
}

/** R4 only: a `fhirVersion` media-type parameter other than 4.0 cannot be served. */
function versionOk(params: Record<string, string>): boolean {
  return params.fhirversion === undefined || params.fhirversion === '4.0' || params.fhirversion === '4.0.1';
}

/**
 * The answer for each Accept header seen (a client sends the same one on every request, and
 * clients send a handful between them): parsed once, not on every request. Bounded: emptied when
 * full. Only accepted headers are kept; a refused one is parsed again and refused again.
 */
const ANSWERED = new Map<string, JsonMediaType>();
const MAX_ANSWERED = 256;
function remember(accept: string, type: JsonMediaType): JsonMediaType {
  if (ANSWERED.size >= MAX_ANSWERED) ANSWERED.clear();
  ANSWERED.set(accept, type);
  return type;
}

/** The JSON media type to answer with, or a 406 FhirError. */
export function negotiate(accept: string | undefined, format?: string): JsonMediaType {
  if (format !== undefined && format !== '') {
    // An unencoded '+' in `_format=application/fhir+json` arrives as a space.
    const f = FORMAT_ALIASES.get(format.trim().toLowerCase().replace(/ /g, '+'));
    if (!f) throw notAcceptable(`_format '${quoteInput(format)}' is not supported; this server answers in JSON only (_format=json)`);
    return f;
  }
  if (accept === undefined) return FHIR_JSON;
  const known = ANSWERED.get(accept);
  if (known !== undefined) return known;
  if (accept.trim() === '') return FHIR_JSON;
  for (const range of parseMediaRanges(accept)) {
    const hit = FORMAT_ALIASES.get(range.type);
    if (hit && versionOk(range.params)) return remember(accept, hit);
    if ((range.type === '*/*' || range.type === 'application/*') && versionOk(range.params)) return remember(accept, FHIR_JSON);
  }
  throw notAcceptable(`None of the accepted media types (${quoteInput(accept)}) can be produced; this server answers in ${FHIR_JSON}`);
}

/** Does the client explicitly ask for FHIR JSON (not just accept anything)? Decides Binary raw vs resource. */
export function wantsFhirResource(accept: string | undefined, format?: string): boolean {
  if (format !== undefined && format !== '') return true;
  if (accept === undefined) return false;
  return parseMediaRanges(accept).some((r) => FORMAT_ALIASES.get(r.type) !== undefined);
}

/** Does an Accept header allow raw content of `contentType`? */
export function acceptsContentType(accept: string | undefined, contentType: string): boolean {
  if (accept === undefined || accept.trim() === '') return true;
  const ct = contentType.split(';')[0]!.trim().toLowerCase();
  const major = ct.split('/')[0];
  return parseMediaRanges(accept).some((r) => r.type === '*/*' || r.type === ct || r.type === `${major}/*`);
}

/** The media type of a Content-Type header, lower-case, without parameters. */
function mediaTypeOf(contentType: string | undefined): { type: string; charset?: string } | undefined {
  if (!contentType) return undefined;
  const { type, params } = splitMediaType(contentType);
  const charset = params.charset;
  return charset === undefined || charset === '' ? { type: type.toLowerCase() } : { type: type.toLowerCase(), charset: charset.toLowerCase() };
}

/** 415 unless the body is FHIR JSON / JSON in UTF-8. */
export function requireJsonBody(contentType: string | undefined): void {
  const mt = mediaTypeOf(contentType);
  if (!mt || FORMAT_ALIASES.get(mt.type) === undefined) {
    throw unsupportedMediaType(`Content-Type '${quoteInput(contentType ?? '')}' is not supported; send ${FHIR_JSON}`);
  }
  if (mt.charset !== undefined && mt.charset !== 'utf-8' && mt.charset !== 'utf8') {
    throw unsupportedMediaType(`charset '${mt.charset}' is not supported; send UTF-8`);
  }
}

/** 415 unless the body of POST _search is a form (an empty body needs no Content-Type). */
export function requireFormBody(contentType: string | undefined, hasBody: boolean): void {
  if (!hasBody) return;
  const mt = mediaTypeOf(contentType);
  if (mt?.type !== 'application/x-www-form-urlencoded') {
    throw unsupportedMediaType(`POST _search needs Content-Type application/x-www-form-urlencoded (got '${quoteInput(contentType ?? '')}')`);
  }
}

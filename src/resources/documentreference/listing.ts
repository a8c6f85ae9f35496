// Fetching documents from OSCAR. Every DocumentTransfer inlines its whole file base64 (contract
// 4.10, 7.17), so each transfer is turned into its resource (measured and hashed) as soon as a call
// returns and the base64 is dropped with it; lists stop at deps.limits.upstreamRows, and the
// clinic-wide change list is read in chunks, so memory stays bounded by one chunk of files.
import type { DocumentReference } from 'fhir/r4.js';
import { mapLimited, tooCostly } from '../../fhir/index.js';
import { OscarFaultError } from '../../oscar/errors.js';
import type { DocumentTransfer } from '../../oscar/types.js';
import { chosen } from '../../routing/routes.js';
import type { ResourceDeps } from '../deps.js';
import { xsEpoch } from '../oscar-dates.js';

/** A transfer → its DocumentReference, or undefined when it is not a patient document. */
export type ToDocumentReference = (t: DocumentTransfer) => Promise<DocumentReference | undefined>;

/** Upstream document calls one search runs at once (the OSCAR client bounds the total too). */
const DOCUMENT_CALLS_AT_ONCE = 4;
/** Documents per getDocumentsUpdateAfterDate chunk: bounds the base64 held at once. */
const CHUNK = 50;
/** contract 7.13: OSCAR refuses a list size above 5000. */
const OSCAR_MAX_LIST = 5000;

/** document_no is an SQL int: a larger number names no document (and must not reach OSCAR as one). */
export function documentNumber(id: string): number | undefined {
  const n = Number(id);
  return Number.isInteger(n) && n >= 1 && n <= 2_147_483_647 ? n : undefined;
}

/** The patient a document is filed under (ctl_document module 'demographic'), if any. */
export function documentOwner(t: DocumentTransfer): number | undefined {
  return t.ctlModule?.trim() === 'demographic' ? t.ctlModuleId ?? undefined : undefined;
}

/** contract 4.10: getDocument faults (IOException → WebServiceException) when the file is gone from disk. */
export function isMissingFileFault(e: unknown): boolean {
  return e instanceof OscarFaultError && /\b(?:NoSuchFileException|FileNotFoundException|IOException)\b/.test(e.upstreamMessage);
}

function refuseTooMany(deps: ResourceDeps): never {
  throw tooCostly(`more than ${deps.limits.upstreamRows} documents match in OSCAR: narrow the search (patient, _id, or a later _lastUpdated)`);
}

async function mapAll(rows: DocumentTransfer[], toResource: ToDocumentReference): Promise<DocumentReference[]> {
  const out: DocumentReference[] = [];
  // Shift as we go: each transfer (and its base64) becomes garbage as soon as it is mapped.
  for (let t = rows.shift(); t !== undefined; t = rows.shift()) {
    const d = await toResource(t);
    if (d) out.push(d);
  }
  return out;
}

/** The documents with these numbers; unknown and provider documents are absent, unreadable files reported. */
export async function documentsById(deps: ResourceDeps, ids: readonly number[], toResource: ToDocumentReference): Promise<{ found: DocumentReference[]; unreadable: number[] }> {
  const unreadable: number[] = [];
  const found = await mapLimited(ids, DOCUMENT_CALLS_AT_ONCE, async (id) => {
    try {
      const t = await deps.oscar.soapGetDocument(id);
      return t?.documentNo === undefined ? undefined : toResource(t);
    } catch (e) {
      if (!isMissingFileFault(e)) throw e;
      unreadable.push(id);
      return undefined;
    }
  });
  return { found: found.filter((d) => d !== undefined), unreadable: unreadable.sort((a, b) => a - b) };
}

/**
 * Every document filed under a patient. getDocumentsByDemographicIdAfter lists them all in one
 * call but is consent-gated in clinics that use provider consent types (contract 4.10, 7.9): it
 * then returns nothing. An empty answer is therefore checked with the ungated
 * getDocumentsByProgramProviderDemographicDate, which lists one creator's documents (doccreator =
 * providerNo; a null provider matches nothing), once per OSCAR provider. Its limits: documents
 * whose creator is not a provider, or filed under another program than the clinic's
 * (MappingConfig.documentProgramId), are not found.
 */
export async function documentsOfPatient(deps: ResourceDeps, demographicNo: number, toResource: ToDocumentReference): Promise<DocumentReference[]> {
  const programId = deps.mapping.documentProgramId;
  // variants B23: OSCAR 15, KAI-15 and Juno have no getDocumentsByDemographicIdAfter.
  if (chosen(deps.routes, 'DocumentReference.search-type') === 'by-demographic') {
    const all = await deps.oscar.soapGetDocumentsByDemographicIdAfter(demographicNo, 0);
    if (all.length > deps.limits.upstreamRows) refuseTooMany(deps);
    if (all.length > 0) return mapAll(all, toResource);
  }

  const creators = [...new Set((await deps.providers.all()).map((p) => p.providerNo).filter((p): p is string => !!p))];
  const seen = new Set<number>();
  const out: DocumentReference[] = [];
  await mapLimited(creators, DOCUMENT_CALLS_AT_ONCE, async (providerNo) => {
    const rows = await deps.oscar.soapGetDocumentsByProgramProviderDemographicDate(programId, providerNo, demographicNo, 0, Math.min(deps.limits.upstreamRows + 1, OSCAR_MAX_LIST));
    const fresh = rows.filter((t) => t.documentNo !== undefined && !seen.has(t.documentNo) && seen.add(t.documentNo));
    rows.length = 0;
    if (seen.size > deps.limits.upstreamRows) refuseTooMany(deps);
    out.push(...(await mapAll(fresh, toResource)));
  });
  return out;
}

/**
 * The patient documents changed after `sinceMs` (exclusive), from the clinic-wide change list
 * (contract 4.10: provider documents included, dropped by `toResource`), read in chunks ordered by
 * updatedatetime. A short chunk does not mean the end: OSCAR applies the limit before it silently
 * skips documents whose file is missing. So the next chunk starts 1 ms before the last change seen
 * (documents sharing that second are read again and de-duplicated rather than skipped), and the
 * list ends with an empty chunk.
 */
export async function documentsUpdatedSince(deps: ResourceDeps, sinceMs: number, toResource: ToDocumentReference): Promise<DocumentReference[]> {
  const tz = deps.mapping.timezone;
  const seen = new Set<number>();
  const out: DocumentReference[] = [];
  let since = sinceMs;
  let chunk = CHUNK;
  for (;;) {
    const rows = await deps.oscar.soapGetDocumentsUpdateAfterDate(since, chunk);
    if (rows.length === 0) return out;
    const returned = rows.length;
    let last = since;
    let fresh = 0;
    for (let t = rows.shift(); t !== undefined; t = rows.shift()) {
      last = Math.max(last, xsEpoch(t.updatedatetime, tz) ?? last);
      if (t.documentNo === undefined || seen.has(t.documentNo)) continue;
      seen.add(t.documentNo);
      fresh++;
      const d = await toResource(t);
      if (d) out.push(d);
    }
    if (seen.size > deps.limits.upstreamRows) refuseTooMany(deps);
    if (fresh > 0) {
      since = last - 1;
    } else if (returned * 2 > chunk) {
      // Only documents already seen, all changed in the last second: the chunk may be full of
      // them, hiding later ones. A bigger chunk gets past them.
      if (chunk >= OSCAR_MAX_LIST) refuseTooMany(deps);
      chunk = Math.min(chunk * 4, OSCAR_MAX_LIST);
    } else {
      since = last; // every document of that second is seen: move past it
    }
  }
}

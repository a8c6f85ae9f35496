// How the cache treats each OscarClient method. Reads are cached under their canonical request
// and tagged with the records they return; writes invalidate the records they touch; live calls
// (health, identity, client plumbing) are never cached. The table must name every public member
// of OscarClient (the typecheck fails until a new one is classified here); a method it still
// missed at run time would be treated as an unknown write: passed through, and the whole cache
// dropped after it (safe, slow).
import type { OscarClient } from '../oscar/client.js';
import type { CacheName } from './store.js';
import { tag, type RecordChange, type RecordKind } from './tags.js';

type Args = readonly unknown[];

export interface ReadRule {
  kind: 'read';
  cache: CacheName;
  /** Values of omitted trailing parameters, so `f(1)` and `f(1, true)` share one entry. */
  defaults?: readonly unknown[];
  tags(args: Args, result: unknown): string[];
}

export interface WriteRule {
  kind: 'write';
  /** What the call may have changed; invalidated whether or not it succeeded. */
  changes(args: Args, result: unknown): RecordChange[];
}

export interface LiveRule { kind: 'live' }

export type OpRule = ReadRule | WriteRule | LiveRule;

// ---- tags of what came back ------------------------------------------------------------------

function rows(result: unknown): Record<string, unknown>[] {
  if (result === undefined || result === null) return [];
  if (Array.isArray(result)) return result as Record<string, unknown>[];
  const content = (result as { content?: unknown }).content; // AbstractSearchResponse
  if (Array.isArray(content)) return content as Record<string, unknown>[];
  return [result as Record<string, unknown>];
}

function rowTags(kind: RecordKind, idField: string, result: unknown): string[] {
  const out: string[] = [];
  for (const r of rows(result)) {
    const id = r[idField];
    if (typeof id === 'number' || (typeof id === 'string' && id !== '')) out.push(tag.record(kind, id));
  }
  return out;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const field = (o: unknown, k: string): unknown => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined);

/** One record read by id (its lists carry their own tags). */
function single(kind: RecordKind): ReadRule['tags'] {
  return (args) => [tag.record(kind, String(args[0]))];
}

/** One patient's list: the list tag, plus each row (a change to a row changes the list). */
function patientList(kind: RecordKind, idField: string, patientArg = 0): ReadRule['tags'] {
  return (args, result) => [tag.patientList(kind, Number(args[patientArg])), ...rowTags(kind, idField, result)];
}

/** A list across patients (searches, provider days, change deltas). */
function crossList(kind: RecordKind, idField: string): ReadRule['tags'] {
  return (_args, result) => [tag.lists(kind), ...rowTags(kind, idField, result)];
}

const read = (tags: ReadRule['tags'], extra: Partial<Omit<ReadRule, 'kind' | 'tags'>> = {}): ReadRule =>
  ({ kind: 'read', cache: 'main', tags, ...extra });
const write = (changes: WriteRule['changes']): WriteRule => ({ kind: 'write', changes });
const LIVE: LiveRule = { kind: 'live' };

// ---- the table -------------------------------------------------------------------------------

const OPS = {
  // client plumbing, health and identity: never cached
  breakerState: LIVE, load: LIVE, soapLogins: LIVE, close: LIVE, options: LIVE,
  oauthInfo: LIVE, probe: LIVE,

  // demographics
  getDemographicBasic: read((args) => [tag.record('demographic', Number(args[0]))], { defaults: [undefined, undefined] }),
  getDemographicSoap: read((args) => [tag.record('demographic', Number(args[0]))]),
  getDemographic2: read((args) => [tag.record('demographic', Number(args[0]))]),
  getDemographics: read((args, r) => [
    ...((args[0] as readonly number[] | undefined) ?? []).map((id) => tag.record('demographic', id)),
    ...rowTags('demographic', 'demographicNo', r),
  ]),
  searchDemographics: read(crossList('demographic', 'demographicNo')),
  searchDemographicsByAttributes: read(crossList('demographic', 'demographicNo')),
  getActiveDemographicsAfter: read(crossList('demographic', 'demographicNo'), { defaults: [undefined, undefined] }),
  createDemographic: write((_a, r) => [{ kind: 'demographic', id: num(field(r, 'demographicNo')) }]),
  updateDemographic: write((a) => [{ kind: 'demographic', id: num(field(a[0], 'demographicNo')) }]),

  // appointments
  getAppointment2: read(single('appointment'), { defaults: [undefined, true] }),
  getAppointmentsForPatient2: read(patientList('appointment', 'id'), { defaults: [undefined, undefined, undefined, true] }),
  getAppointmentsForDateRangeAndProvider2: read(crossList('appointment', 'id'), { defaults: [undefined, undefined, undefined, true] }),
  getAppointmentsUpdatedAfterDate: read(crossList('appointment', 'id'), { defaults: [undefined, undefined, true] }),
  addAppointment: write((a, r) => [{ kind: 'appointment', id: num(r), patient: num(field(a[0], 'demographicNo')) }]),
  // The appointment may move to another patient: its own tag reaches the old patient's lists.
  updateAppointment: write((a) => [{ kind: 'appointment', id: num(field(a[0], 'id')), patient: num(field(a[0], 'demographicNo')) }]),

  // allergies
  activeAllergies: read(patientList('allergy', 'id')),
  getAllergy: read(single('allergy')),
  getAllergiesByProgramProviderDemographicDate: read(patientList('allergy', 'id')),
  getAllergiesUpdatedAfterDate: read(crossList('allergy', 'id')),

  // preventions
  getPrevention: read(single('prevention')),
  getPreventionsByDemographicIdAfter: read(patientList('prevention', 'id'), { defaults: [undefined, 0] }),
  getPreventionsUpdatedAfterDate: read(crossList('prevention', 'id')),

  // documents: their bytes live in the documents budget
  getDocument: read(single('document'), { cache: 'documents' }),
  getDocumentsByDemographicIdAfter: read(patientList('document', 'documentNo'), { cache: 'documents', defaults: [undefined, 0] }),
  getDocumentsByProgramProviderDemographicDate: read(patientList('document', 'documentNo', 2), { cache: 'documents' }),
  getDocumentsUpdateAfterDate: read(crossList('document', 'documentNo'), { cache: 'documents' }),
  saveDocumentToDemographic: write((a, r) => [{ kind: 'document', id: num(field(r, 'id')), patient: num(field(a[0], 'demographicNo')) }]),

  // providers
  getProviders2: read((_a, r) => [tag.lists('provider'), ...rowTags('provider', 'providerNo', r)]),
} satisfies Record<keyof OscarClient, OpRule>;

export const UPSTREAM_OPS: Readonly<Record<string, OpRule | undefined>> = OPS;

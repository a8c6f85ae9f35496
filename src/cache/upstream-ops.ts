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
  breakerState: LIVE, load: LIVE, login2Count: LIVE, close: LIVE, options: LIVE,
  restOauthInfo: LIVE, probe: LIVE, probeChannel: LIVE, forgetWsdls: LIVE, setMaxInFlight: LIVE,

  // demographics
  restGetDemographicBasic: read((args) => [tag.record('demographic', Number(args[0]))], { defaults: [undefined, undefined] }),
  soapGetDemographic: read((args) => [tag.record('demographic', Number(args[0]))]),
  soapGetDemographic2: read((args) => [tag.record('demographic', Number(args[0]))]),
  soapGetDemographics: read((args, r) => [
    ...((args[0] as readonly number[] | undefined) ?? []).map((id) => tag.record('demographic', id)),
    ...rowTags('demographic', 'demographicNo', r),
  ]),
  restSearchDemographics: read(crossList('demographic', 'demographicNo')),
  soapSearchDemographicsByAttributes: read(crossList('demographic', 'demographicNo')),
  soapGetActiveDemographicsAfter: read(crossList('demographic', 'demographicNo'), { defaults: [undefined, undefined] }),
  restCreateDemographic: write((_a, r) => [{ kind: 'demographic', id: num(field(r, 'demographicNo')) }]),
  restUpdateDemographic: write((a) => [{ kind: 'demographic', id: num(field(a[0], 'demographicNo')) }]),
  soapGetDemographicByHealthNumber: read(crossList('demographic', 'demographicNo'), { defaults: [undefined, undefined] }),
  soapAddDemographic: write((_a, r) => [{ kind: 'demographic', id: num(r) }]),
  soapUpdateDemographic: write((a) => [{ kind: 'demographic', id: num(field(a[0], 'demographicNo')) }]),
  restV1GetDemographic: read((args) => [tag.record('demographic', Number(args[0]))]),
  restV1SearchDemographics: read((_a, r) => [tag.lists('demographic'), ...rowTags('demographic', 'demographicNo', field(r, 'rows'))]),
  restV1CreateDemographic: write((_a, r) => [{ kind: 'demographic', id: num(r) }]),

  // appointments
  soapGetAppointment2: read(single('appointment')),
  soapGetAppointmentsForPatient2: read(patientList('appointment', 'id')),
  soapGetAppointmentsForDateRangeAndProvider2: read(crossList('appointment', 'id')),
  soapGetAppointmentsUpdatedAfterDate: read(crossList('appointment', 'id')),
  // Rows name archive ids, not appointments: tagged as a list only, evicted by any appointment write.
  soapGetAppointmentArchivesUpdatedAfterDate: read((_args) => [tag.lists('appointment')]),
  // A template changes only in OSCAR's own screens (no change feed): the cache TTL bounds how long
  // an edit stays unseen; a booking reads it fresh (fresh-reads.ts).
  soapGetDayWorkSchedule: read(() => [tag.lists('provider')]),
  soapGetScheduleTemplateCodes: read(() => [tag.lists('provider')]),
  soapAddAppointment: write((a, r) => [{ kind: 'appointment', id: num(r), patient: num(field(a[0], 'demographicNo')) }]),
  // The appointment may move to another patient: its own tag reaches the old patient's lists.
  soapUpdateAppointment: write((a) => [{ kind: 'appointment', id: num(field(a[0], 'id')), patient: num(field(a[0], 'demographicNo')) }]),
  restGetAppointment: read(single('appointment')),
  restAppointmentHistory: read(patientList('appointment', 'id')),
  restProviderDay: read(crossList('appointment', 'appointmentNo')),
  restAddAppointment: write((a, r) => [{ kind: 'appointment', id: num(field(r, 'id')), patient: num(field(a[0], 'demographicNo')) }]),
  restUpdateAppointmentStatus: write((a, r) => [{ kind: 'appointment', id: num(a[0]), patient: num(field(r, 'demographicNo')) }]),
  restUpdateAppointmentType: write((a, r) => [{ kind: 'appointment', id: num(a[0]), patient: num(field(r, 'demographicNo')) }]),
  // Juno answers nothing: the appointment's own tag reaches every list that holds it.
  soapCancelAppointment: write((a) => [{ kind: 'appointment', id: num(a[0]) }]),

  // allergies
  restActiveAllergies: read(patientList('allergy', 'id')),
  soapGetAllergy: read(single('allergy')),
  soapGetAllergiesByProgramProviderDemographicDate: read(patientList('allergy', 'id')),
  soapGetAllergiesUpdatedAfterDate: read(crossList('allergy', 'id')),

  // preventions
  soapGetPrevention: read(single('prevention')),
  soapGetPreventionsByDemographicIdAfter: read(patientList('prevention', 'id'), { defaults: [undefined, 0] }),
  soapGetPreventionsUpdatedAfterDate: read(crossList('prevention', 'id')),
  soapGetPreventionsByProgramProviderDemographicDate: read(patientList('prevention', 'id', 1)),
  restImmunizations: read(patientList('prevention', 'id')),
  restActivePreventions: read(patientList('prevention', 'id')),

  // documents: their bytes live in the documents budget
  soapGetDocument: read(single('document'), { cache: 'documents' }),
  soapGetDocumentsByDemographicIdAfter: read(patientList('document', 'documentNo'), { cache: 'documents', defaults: [undefined, 0] }),
  soapGetDocumentsByProgramProviderDemographicDate: read(patientList('document', 'documentNo', 2), { cache: 'documents' }),
  soapGetDocumentsUpdateAfterDate: read(crossList('document', 'documentNo'), { cache: 'documents' }),
  restSaveDocumentToDemographic: write((a, r) => [{ kind: 'document', id: num(field(r, 'id')), patient: num(field(a[0], 'demographicNo')) }]),
  // Juno: the upload lands in no chart; filing it in one changes that patient's list.
  restV1PostDocument: write((_a, r) => [{ kind: 'document', id: num(r) }]),
  restV1AssignDocument: write((a) => [{ kind: 'document', id: num(a[1]), patient: num(a[0]) }]),

  // providers
  // Who the facade's account is: tagged as that provider's record.
  soapGetLoggedInProviderTransfer: read((_a, r) => rowTags('provider', 'providerNo', r)),
  soapGetProviders2: read((_a, r) => [tag.lists('provider'), ...rowTags('provider', 'providerNo', r)]),
} satisfies Record<keyof OscarClient, OpRule>;

export const UPSTREAM_OPS: Readonly<Record<string, OpRule | undefined>> = OPS;

// Invalidation tags: every cached entry carries the tags of the OSCAR records it was built from,
// and a change to a record invalidates its tags. Three granularities per kind of record:
//   'appointment:17'  the record itself (single reads, and every list that contains it)
//   'appointments:1001' the list of one patient's records (a new record joins it)
//   'appointment-lists' every list not scoped to one patient (searches, provider days, deltas)
// A demographic is its own patient: 'demographic:1001' and 'demographic-lists'.

export const RECORD_KINDS = ['demographic', 'appointment', 'allergy', 'prevention', 'document', 'provider'] as const;
export type RecordKind = typeof RECORD_KINDS[number];

/** What changed in OSCAR, as far as the writer (or the change feed) knows it. */
export interface RecordChange {
  kind: RecordKind;
  /** The record's own id (demographicNo for 'demographic'); absent = unknown (a new record). */
  id?: number | string | null;
  /** The demographicNo the record belongs to (appointments, allergies, preventions, documents). */
  patient?: number | null;
}

export const tag = {
  record: (kind: RecordKind, id: number | string): string => `${kind}:${id}`,
  patientList: (kind: RecordKind, patient: number): string => `${kind}s:${patient}`,
  lists: (kind: RecordKind): string => `${kind}-lists`,
};

const present = <T>(v: T | null | undefined): v is T => v !== null && v !== undefined && v !== '';

/** Every tag a change invalidates: the record, its patient's list, and all unscoped lists. */
export function tagsOfChange(c: RecordChange): string[] {
  const out = [tag.lists(c.kind)];
  if (present(c.id)) out.push(tag.record(c.kind, c.id));
  if (c.kind !== 'demographic' && present(c.patient)) out.push(tag.patientList(c.kind, c.patient));
  return out;
}

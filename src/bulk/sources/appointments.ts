// Appointment: the job's patients' appointments read patient by patient (per-patient.ts), then,
// for `_since`, OSCAR's appointment archive after `_since` (ScheduleWs.getAppointmentArchivesUpdatedAfterDate,
// contract 4.6) to find appointments deleted since. The archive cannot name them (docs/bulk-data.md
// §f.3: the transfer never carries the appointment's id, only the archive row's), so they cannot
// be `deleted` entries; each is reported in the error file instead, as a warning that names the
// patient and when the appointment was created and booked for, so a client can find its copy.
// A copy keeps the replaced version's stamp: only appointments changed after `_since` and then
// deleted are seen.
import type { AppointmentArchiveTransfer, AppointmentTransfer } from '../../oscar/types.js';
import { xsEpoch } from '../../resources/oscar-dates.js';
import { feedPage, firstCursor, type FeedCursor } from '../feed-pager.js';
import { appointmentsOfPatients } from './per-patient.js';
import type { Source, SourceContext } from './source.js';

/** Rows asked for one patient when checking which archived appointments are gone. */
const PER_PATIENT_ROWS = 1000;

interface ArchiveCursor { archive: FeedCursor }
const isArchiveCursor = (c: unknown): c is ArchiveCursor => typeof c === 'object' && c !== null && 'archive' in c;

/** Created at the same instant by the same creator: the same appointment (its id is not on the archive row). */
const sameBooking = (a: AppointmentTransfer, b: AppointmentTransfer): boolean => a.createDateTime === b.createDateTime && a.creator === b.creator;

async function deletedSince(ctx: SourceContext, cursor: FeedCursor): Promise<{ issues: string[]; next?: ArchiveCursor }> {
  const tz = ctx.mapping.timezone;
  const stamp = (t: AppointmentArchiveTransfer): number => xsEpoch(t.updateDateTime, tz) ?? 0;
  const page = await feedPage(cursor, 'exclusive',
    (bound, limit) => ctx.oscar.soapGetAppointmentArchivesUpdatedAfterDate(bound, limit), (t) => ({ id: t.id ?? 0, stampMs: stamp(t) }), ctx.feedPage, ctx.maxList);
  const archived = new Map<number, AppointmentArchiveTransfer[]>();
  let past = false;
  for (const t of page.rows) {
    if (stamp(t) > ctx.until) { past = true; break; }
    if (t.demographicNo === undefined || !ctx.memberSet.has(t.demographicNo) || t.createDateTime === undefined) continue;
    const rows = archived.get(t.demographicNo) ?? [];
    if (!rows.some((r) => sameBooking(r, t))) rows.push(t);
    archived.set(t.demographicNo, rows);
  }
  const issues: string[] = [];
  for (const [demographicNo, rows] of archived) {
    const live = await ctx.oscar.soapGetAppointmentsForPatient2(demographicNo, 0, PER_PATIENT_ROWS);
    for (const t of rows) {
      if (live.some((l) => sameBooking(l, t))) continue;
      issues.push(`An appointment of Patient/${demographicNo} created ${t.createDateTime}, for ${t.appointmentStartDateTime ?? 'an unknown time'}, was deleted in OSCAR after _since; OSCAR does not give the id of a deleted appointment, so it is not in the deleted files`);
    }
  }
  return { issues, ...(!past && page.next && { next: { archive: page.next } }) };
}

export const appointmentSource: Source = {
  type: 'Appointment',
  first: (ctx) => appointmentsOfPatients.first(ctx),
  async batch(ctx, cursor) {
    if (isArchiveCursor(cursor)) {
      const { issues, next } = await deletedSince(ctx, cursor.archive);
      return { resources: [], deleted: [], issues, ...(next && { next }) };
    }
    const batch = await appointmentsOfPatients.batch(ctx, cursor);
    if (batch.next !== undefined || ctx.since === undefined) return batch;
    return { ...batch, next: { archive: firstCursor(ctx.since, ctx.feedPage) } };
  },
};

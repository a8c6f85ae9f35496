// Types read patient by patient, with the calls that have no consent gate (contract 7.9) and take
// a "changed after" date, so `_since` costs nothing extra: allergies and appointments.
// Patients of a batch are read together; the limiter bounds how many calls reach OSCAR at once.
// A call OSCAR answers with an error about one patient (its HTTP 500 page, a SOAP fault, an answer
// that cannot be read) leaves that patient's records of the type out and says so in the error file;
// OSCAR unreachable, timing out or refusing the facade's credentials fails the batch (source.ts
// readEach: the rule the Patient lines follow too).
//
// AllergyIntolerance takes the route of the API's search (routing table
// 'AllergyIntolerance.search-type', variants §6 B14): where it is 'with-rest-status', each patient
// whose SOAP rows brought an allergy is asked for its REST active list (contract 3.3: signed with
// the facade's own token, as every export call is, docs/smart-app-launch.md §7.7; the list checks
// no privilege) and each line is `GET AllergyIntolerance/{id}`'s resource (allergyWithStatus):
// archived → inactive. Otherwise ('without-status': no REST) each is active, tagged
// clinical-status-unverified, as the API answers it. The
// REST list is not filtered by `_since`: its rows are never exported, it only says which of the
// SOAP rows (already those changed after `_since`) are active; archiving stamps the row
// (lastUpdateDate, Open-O commn/model/Allergy.java @PreUpdate), so an allergy archived since comes
// in that answer. Cost (bench/export.ts, 1,000 patients, five types): OSCAR calls per patient
// 1.87 → 2.33, one REST list for each patient with an allergy; time within the noise (bulk-data §f.5).
import type { Resource } from 'fhir/r4.js';
import { activeIdsOf } from '../../resources/allergyintolerance/search.js';
// A row about another patient (perhaps outside the job's group) leaves the asked patient out, named.
import { ofPatient } from '../../resources/answer-owner.js';
import { allergyWithStatus } from '../../resources/allergyintolerance/with-status.js';
import { appointmentFromSoap } from '../../resources/appointment/mapper.js';
import { withPractitionerDisplays } from '../../resources/appointment/index.js';
import { chosen } from '../../routing/routes.js';
import { changedAfter, leftOut, readEach, type Source, type SourceContext } from './source.js';

/** Rows asked for one patient; a full answer may have left rows out, and says so in the error file. */
const PER_PATIENT_ROWS = 1000;
/** Earlier than any OSCAR record (the exclusive "after" of a full export). */
const BEGINNING = '1900-01-01';

type ReadPatient = (ctx: SourceContext, demographicNo: number) => Promise<{ resources: (Resource | undefined)[]; full: boolean }>;

function perPatient(type: string, read: ReadPatient): Source {
  return {
    type,
    first: () => 0,
    async batch(ctx, cursor) {
      const from = cursor as number;
      const ids = ctx.members.slice(from, from + ctx.patientsPerBatch);
      const { answers, failed } = await readEach(ids, (id) => read(ctx, id));
      const resources = answers.flatMap((a) => a?.resources ?? []).filter((r): r is Resource => r !== undefined && changedAfter(r, ctx.since));
      // Records left out, not mere warnings: severity error (Batch.withheld), each naming its
      // patient so that a client knows whom to export again.
      const withheld = ids.filter((_, i) => answers[i]?.full).map((id) => `Patient/${id} has more than ${PER_PATIENT_ROWS} ${type} records; only the first ${PER_PATIENT_ROWS} were exported; export this patient again`);
      withheld.push(...failed.map((id) => leftOut(type, id)));
      const next = from + ctx.patientsPerBatch;
      return { resources, deleted: [], issues: [], withheld, ...(next < ctx.members.length && { next }) };
    },
  };
}

export const allergySource = perPatient('AllergyIntolerance', async (ctx, demographicNo) => {
  const rows = ofPatient(await ctx.oscar.soapGetAllergiesByProgramProviderDemographicDate(demographicNo, ctx.since ?? BEGINNING, PER_PATIENT_ROWS), demographicNo, 'AllergyService.getAllergiesByProgramProviderDemographicDate');
  // No rows (most patients of a `_since` export): no status to ask for.
  const withStatus = rows.length > 0 && chosen(ctx.routes, 'AllergyIntolerance.search-type') === 'with-rest-status';
  const active = withStatus ? await activeIdsOf(ctx, demographicNo) : undefined;
  const resources = [];
  for (const t of rows) {
    await ctx.pause();
    resources.push(allergyWithStatus(t, active, ctx.mapping, ctx.baseUrl, await ctx.providers.displayOf(t.providerNo)));
  }
  return { resources, full: rows.length >= PER_PATIENT_ROWS };
});

export const appointmentsOfPatients = perPatient('Appointment', async (ctx, demographicNo) => {
  const rows = ofPatient(await ctx.oscar.soapGetAppointmentsForPatient2(demographicNo, 0, PER_PATIENT_ROWS), demographicNo, 'ScheduleService.getAppointmentsForPatient2');
  const resources = [];
  for (const t of rows) {
    await ctx.pause();
    // With the displays the API gives it: the same content, the same version (mapping §1.3).
    resources.push(await withPractitionerDisplays(appointmentFromSoap(t, ctx.mapping), ctx.providers));
  }
  return { resources, full: rows.length >= PER_PATIENT_ROWS };
});

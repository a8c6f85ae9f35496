// Types read patient by patient, with the calls that have no consent gate (contract 7.9) and take
// a "changed after" date, so `_since` costs nothing extra: allergies and appointments.
// Patients of a batch are read together; the limiter bounds how many calls reach OSCAR at once.
import type { Resource } from 'fhir/r4.js';
import { allergyFromSoap } from '../../resources/allergyintolerance/mapper.js';
import { appointmentFromSoap } from '../../resources/appointment/mapper.js';
import { withPractitionerDisplays } from '../../resources/appointment/index.js';
import { FIDELITY_CODES, tagFidelity } from '../../resources/fidelity.js';
import { changedAfter, type Source, type SourceContext } from './source.js';

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
      const answers = await Promise.all(ids.map((id) => read(ctx, id)));
      const resources = answers.flatMap((a) => a.resources).filter((r): r is Resource => r !== undefined && changedAfter(r, ctx.since));
      const issues = answers.some((a) => a.full) ? [`Some patients have more than ${PER_PATIENT_ROWS} ${type} records; only the first ${PER_PATIENT_ROWS} of each were exported`] : [];
      const next = from + ctx.patientsPerBatch;
      return { resources, deleted: [], issues, ...(next < ctx.members.length && { next }) };
    },
  };
}

export const allergySource = perPatient('AllergyIntolerance', async (ctx, demographicNo) => {
  const rows = await ctx.oscar.soapGetAllergiesByProgramProviderDemographicDate(demographicNo, ctx.since ?? BEGINNING, PER_PATIENT_ROWS);
  const resources = [];
  // SOAP allergies carry no archived flag (variants B14): their clinical status is not verified.
  for (const t of rows) {
    await ctx.pause();
    resources.push(tagFidelity(allergyFromSoap(t, undefined, ctx.mapping, await ctx.providers.displayOf(t.providerNo)), ctx.baseUrl, FIDELITY_CODES.clinicalStatusUnverified));
  }
  return { resources, full: rows.length >= PER_PATIENT_ROWS };
});

export const appointmentsOfPatients = perPatient('Appointment', async (ctx, demographicNo) => {
  const rows = await ctx.oscar.soapGetAppointmentsForPatient2(demographicNo, 0, PER_PATIENT_ROWS);
  const resources = [];
  for (const t of rows) {
    await ctx.pause();
    // With the displays the API gives it: the same content, the same version (mapping §1.3).
    resources.push(await withPractitionerDisplays(appointmentFromSoap(t, ctx.mapping), ctx.providers));
  }
  return { resources, full: rows.length >= PER_PATIENT_ROWS };
});

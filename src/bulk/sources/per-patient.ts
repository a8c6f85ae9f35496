// Types read patient by patient, with the calls that have no consent gate (contract 7.9) and take
// a "changed after" date, so `_since` costs nothing extra: allergies, appointments, documents.
// Patients of a batch are read together; the limiter bounds how many calls reach OSCAR at once.
import type { Resource } from 'fhir/r4.js';
import { allergyFromSoap } from '../../resources/allergyintolerance/mapper.js';
import { appointmentFromSoap } from '../../resources/appointment/mapper.js';
import { isFhirError } from '../../fhir/index.js';
import { binaryUrlOf } from '../../resources/documentreference/index.js';
import { documentsOfPatient } from '../../resources/documentreference/listing.js';
import { documentReferenceFromSoap } from '../../resources/documentreference/mapper.js';
import { FIDELITY_CODES, tagFidelity } from '../../resources/fidelity.js';
import { changedAfter, type Source, type SourceContext } from './source.js';

/** Rows asked for one patient; a full answer may have left rows out, and says so in the error file. */
const PER_PATIENT_ROWS = 1000;
/** Earlier than any OSCAR record (the exclusive "after" of a full export). */
const BEGINNING = '1900-01-01';

type ReadPatient = (ctx: SourceContext, demographicNo: number) => Promise<{ resources: (Resource | undefined)[]; full: boolean; issue?: string }>;

function perPatient(type: string, read: ReadPatient): Source {
  return {
    type,
    first: () => 0,
    async batch(ctx, cursor) {
      const from = cursor as number;
      const ids = ctx.members.slice(from, from + ctx.patientsPerBatch);
      const answers = await Promise.all(ids.map((id) => read(ctx, id)));
      const resources = answers.flatMap((a) => a.resources).filter((r): r is Resource => r !== undefined && changedAfter(r, ctx.since));
      const issues = answers.flatMap((a) => (a.issue ? [a.issue] : []));
      if (answers.some((a) => a.full)) issues.push(`Some patients have more than ${PER_PATIENT_ROWS} ${type} records; only the first ${PER_PATIENT_ROWS} of each were exported`);
      const next = from + ctx.patientsPerBatch;
      return { resources, deleted: [], issues, ...(next < ctx.members.length && { next }) };
    },
  };
}

export const allergySource = perPatient('AllergyIntolerance', async (ctx, demographicNo) => {
  const rows = await ctx.oscar.soapGetAllergiesByProgramProviderDemographicDate(demographicNo, ctx.since ?? BEGINNING, PER_PATIENT_ROWS);
  const resources = [];
  // SOAP allergies carry no archived flag (variants B14): their clinical status is not verified.
  for (const t of rows) resources.push(tagFidelity(allergyFromSoap(t, undefined, ctx.mapping, await ctx.providers.displayOf(t.providerNo)), ctx.baseUrl, FIDELITY_CODES.clinicalStatusUnverified));
  return { resources, full: rows.length >= PER_PATIENT_ROWS };
});

export const appointmentSource = perPatient('Appointment', async (ctx, demographicNo) => {
  const rows = await ctx.oscar.soapGetAppointmentsForPatient2(demographicNo, 0, PER_PATIENT_ROWS);
  return { resources: rows.map((t) => appointmentFromSoap(t, ctx.mapping)), full: rows.length >= PER_PATIENT_ROWS };
});

export const documentSource = perPatient('DocumentReference', async (ctx, demographicNo) => {
  // The listing of DocumentReference searches: the consent gate and the OSCAR lines without the
  // one-call list are handled there (contract 4.10, 7.9); each file's bytes are dropped as soon
  // as its line is made (only size and hash stay: BD-F-06).
  const binaryUrl = binaryUrlOf(ctx.baseUrl);
  try {
    const resources = await documentsOfPatient(ctx.deps, demographicNo, async (t) => {
      const authorDisplay = await ctx.providers.displayOf(t.doccreator);
      return documentReferenceFromSoap(t, ctx.mapping, { binaryUrl, ...(authorDisplay === undefined ? {} : { authorDisplay }) });
    });
    return { resources, full: false };
  } catch (e) {
    if (!isFhirError(e) || e.status !== 400) throw e;
    return { resources: [], full: false, issue: `Patient/${demographicNo} has more documents than one OSCAR list returns; its documents were not exported` };
  }
});

// Patient: each of the job's patients read as `GET Patient/{id}` reads it (patientReader, routing
// table 'Patient.read'), so a line is the complete Patient (middle names, residential address,
// cell phone) with the version the read answers (mapping §1.3), not SUBSETTED. OSCAR's list call
// (DemographicWs.getDemographics) lacks those fields (contract 4.5), so it no longer makes lines.
// A read is two calls on an OSCAR with getDemographic2, one on one without (transfer1), one or two
// over REST. A batch's patients are read together through the export's uncached client (the API's
// read cache is neither read nor filled) at background priority, within OSCAR_MAX_IN_FLIGHT.
// Cost (docs/bulk-data.md §f.4, bench/export.ts, 1,000-patient clinic, 879 exported): 1.76 calls
// per clinic patient instead of 0.01 (the whole export: 3.62 instead of 1.87), about 1 ms more
// facade CPU a line.
// With `_since` a batch is first listed with getDemographics (one call) and only the patients
// stamped after `_since` are read (every patient of the batch when OSCAR fails that list). A patient OSCAR no longer knows (deleted after the job listed
// its group) is left out. A read OSCAR answers with an error about that patient (a SOAP fault, its
// HTTP 500 page, an unreadable answer, an answer about another patient) leaves that patient out
// and names it in the error file, severity error, as the per-patient types do (source.ts
// aboutThePatient): one broken record does not fail a clinic's export. OSCAR unreachable, timing
// out or refusing the facade's credentials fails the batch: the engine rides out its refusals and
// reads the batch again from its cursor; any other failure fails the job.
import type { Patient } from 'fhir/r4.js';
import { patientReader } from '../../resources/patient/index.js';
import { patientFromSoap } from '../../resources/patient/mapper.js';
import { aboutThePatient, changedAfter, leftOut, readEach, type Source, type SourceContext } from './source.js';

/**
 * The batch's patients OSCAR lists with a stamp after `_since` (or none): the only ones worth a
 * read. A list OSCAR answers with an error (one broken record fails the whole list) gives every
 * patient of the batch: each is read, the read's stamp decides, and only a broken one is left out.
 */
async function changedSince(ctx: SourceContext, ids: readonly number[], since: number): Promise<readonly number[]> {
  let rows;
  try {
    rows = await ctx.oscar.soapGetDemographics(ids);
  } catch (e) {
    if (!aboutThePatient(e)) throw e;
    return ids;
  }
  // The list's lastUpdateDate is the read's (one column): mapped by the same rule, so the same stamp.
  const changed = new Set(rows.filter((t) => changedAfter(patientFromSoap(t, ctx.mapping), since)).map((t) => t.demographicNo));
  return ids.filter((id) => changed.has(id));
}

export const patientSource: Source = {
  type: 'Patient',
  first: () => 0,
  async batch(ctx, cursor) {
    const from = cursor as number;
    const ids = ctx.members.slice(from, from + ctx.patientsPerBatch);
    const read = patientReader(ctx);
    const wanted = ctx.since === undefined || ids.length === 0 ? ids : await changedSince(ctx, ids, ctx.since);
    const { answers, failed } = await readEach(wanted, async (id) => {
      await ctx.pause();
      return read(id);
    });
    const resources = answers.filter((p): p is Patient => p !== undefined && changedAfter(p, ctx.since));
    const next = from + ctx.patientsPerBatch;
    return { resources, deleted: [], issues: [], withheld: failed.map((id) => leftOut('Patient', id)), ...(next < ctx.members.length && { next }) };
  },
};

// Patient: the job's patients read in chunks with DemographicWs.getDemographics (contract 4.5: at
// most 500 ids per call). The list transfer lacks what only the single read gives (middle names,
// residential address, cell phone), so each line is tagged SUBSETTED as Patient searches are.
import type { Patient } from 'fhir/r4.js';
import { tagSubsetted } from '../../fhir/index.js';
import { patientFromSoap } from '../../resources/patient/mapper.js';
import { changedAfter, type Source } from './source.js';

const CHUNK = 100;

export const patientSource: Source = {
  type: 'Patient',
  first: () => 0,
  async batch(ctx, cursor) {
    const from = cursor as number;
    const ids = ctx.members.slice(from, from + CHUNK);
    const rows = ids.length ? await ctx.oscar.soapGetDemographics(ids) : [];
    const resources: Patient[] = [];
    for (const t of rows.sort((a, b) => (a.demographicNo ?? 0) - (b.demographicNo ?? 0))) {
      await ctx.pause();
      const p = patientFromSoap(t, ctx.mapping, { providerDisplay: await ctx.providers.displayOf(t.providerNo) });
      if (changedAfter(p, ctx.since)) resources.push(tagSubsetted(p) as Patient);
    }
    const next = from + CHUNK;
    return { resources, deleted: [], issues: [], ...(next < ctx.members.length && { next }) };
  },
};

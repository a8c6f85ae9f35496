// What the per-patient export types (src/bulk/sources/per-patient.ts) do with OSCAR answers the
// simulator never gives: rows about another patient than the one asked (exported, they would name
// a patient perhaps outside the job's group), and an answer as long as the call allows (rows may
// be missing: the error file must say whose). The source runs on a stand-in OSCAR client whose
// rows the test writes; expected ids and lines are written out here.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Resource } from 'fhir/r4.js';
import type { OscarClient } from '../../src/oscar/client.js';
import type { AllergyTransfer } from '../../src/oscar/types.js';
import { allergySource } from '../../src/bulk/sources/per-patient.js';
import type { SourceContext } from '../../src/bulk/sources/source.js';
import { defaultMappingConfig } from '../../src/resources/mapping-config.js';
import type { ProviderDirectory } from '../../src/resources/provider-directory.js';
import type { RouteChoice } from '../../src/routing/routes.js';

const allergy = (id: number, demographicNo: number): AllergyTransfer => ({
  id, demographicNo, description: 'Penicillin', typeCode: 8, entryDate: '2024-01-05T10:00:00-05:00', lastUpdateDate: '2024-01-05T10:00:00-05:00', providerNo: '999998',
});

/** One batch of patients 1, 2 and 3, OSCAR answering `rowsOf` for each; no REST (allergies active, tagged). */
async function batch(rowsOf: (demographicNo: number) => AllergyTransfer[]): Promise<{ patients: string[]; withheld: string[] }> {
  const oscar = { soapGetAllergiesByProgramProviderDemographicDate: async (demographicNo: number) => rowsOf(demographicNo) } as unknown as OscarClient;
  const routes = { option: (key: string) => (key === 'AllergyIntolerance.search-type' ? 'without-status' : undefined) } as unknown as RouteChoice;
  const members = [1, 2, 3];
  const ctx: SourceContext = {
    oscar, mapping: defaultMappingConfig(), providers: { displayOf: async () => undefined } as unknown as ProviderDirectory, routes,
    baseUrl: 'http://fhir.test/fhir', members, memberSet: new Set(members), until: Date.now(), patientsPerBatch: 10, feedPage: 1000, maxList: 5000,
    pause: async () => {},
  };
  const b = await allergySource.batch(ctx, 0);
  const patients = b.resources.map((r: Resource) => (r as unknown as { patient: { reference: string } }).patient.reference);
  return { patients: [...new Set(patients)].sort(), withheld: b.withheld ?? [] };
}

describe('per-patient export rows', () => {
  it('an answer holding a row about another patient leaves the asked patient out, named; that other patient is not exported', async () => {
    const { patients, withheld } = await batch((d) => (d === 2 ? [allergy(20, 2), allergy(21, 77)] : [allergy(d * 10, d)]));
    assert.deepEqual(patients, ['Patient/1', 'Patient/3']);
    assert.deepEqual(withheld, ['The AllergyIntolerance records of Patient/2 are not in this export: OSCAR answered an error when they were read; export this patient again']);
  });

  it('an answer of 1000 rows (the call\'s most) names its patient in the error file; the others are not named', async () => {
    const { patients, withheld } = await batch((d) => (d === 3 ? Array.from({ length: 1000 }, (_, i) => allergy(3000 + i, 3)) : [allergy(d * 10, d)]));
    assert.deepEqual(patients, ['Patient/1', 'Patient/2', 'Patient/3']);
    assert.deepEqual(withheld, ['Patient/3 has more than 1000 AllergyIntolerance records; only the first 1000 were exported; export this patient again']);
  });
});

// The complete Patient record is two answers (getDemographic2 and getDemographic, whose ext rows
// hold the cell phone: contract 4.5); each must be about the patient asked for, or another
// patient's cell phone would be served in this one's record.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OscarClient } from '../../src/oscar/client.js';
import { OscarProtocolError } from '../../src/oscar/errors.js';
import { completeDemographic } from '../../src/resources/patient/complete-record.js';

/** An OSCAR client answering the two reads with these rows (only what completeDemographic calls). */
function oscarAnswering(t2: Record<string, unknown> | undefined, withExt: Record<string, unknown> | undefined): OscarClient {
  return { soapGetDemographic2: async () => t2, soapGetDemographic: async () => withExt } as unknown as OscarClient;
}

describe('completeDemographic', () => {
  it('takes the cell phone from the answer about the same patient', async () => {
    const t = await completeDemographic(oscarAnswering({ demographicNo: 7, lastName: 'ROE' }, { demographicNo: 7, cellPhone: '416-555-0107', phoneComment: 'evenings' }), 7);
    assert.deepEqual(t, { demographicNo: 7, lastName: 'ROE', cellPhone: '416-555-0107', phoneComment: 'evenings' });
  });

  it('refuses a getDemographic answer about another patient instead of taking its cell phone', async () => {
    await assert.rejects(
      completeDemographic(oscarAnswering({ demographicNo: 7, lastName: 'ROE' }, { demographicNo: 8, cellPhone: '416-555-0108' }), 7),
      (e: unknown) => e instanceof OscarProtocolError,
    );
  });

  it('an empty getDemographic answer leaves the cell phone out; an unknown patient is undefined', async () => {
    assert.deepEqual(await completeDemographic(oscarAnswering({ demographicNo: 7 }, undefined), 7), { demographicNo: 7, cellPhone: undefined, phoneComment: undefined });
    assert.equal(await completeDemographic(oscarAnswering(undefined, { demographicNo: 7 }), 7), undefined);
  });
});

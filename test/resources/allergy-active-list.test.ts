// The REST active list decides each allergy's clinical status (variants §6 B14): a list holding a
// row of another patient is not this patient's, and must not make this patient's allergies read
// inactive.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OscarClient } from '../../src/oscar/client.js';
import { OscarProtocolError } from '../../src/oscar/errors.js';
import { activeIdsOf } from '../../src/resources/allergyintolerance/search.js';

const listed = (rows: { id: number; demographicNo: number | null; archived?: boolean }[]): { oscar: OscarClient } => ({
  oscar: { restActiveAllergies: async () => rows.map((r) => ({ archived: false, ...r })) } as unknown as OscarClient,
});

describe('activeIdsOf', () => {
  it('the ids of the patient\'s active rows (a row without demographicNo is taken as the patient\'s)', async () => {
    assert.deepEqual([...await activeIdsOf(listed([{ id: 11, demographicNo: 5 }, { id: 12, demographicNo: null }, { id: 13, demographicNo: 5, archived: true }]), 5)], [11, 12]);
  });

  it('refuses a list holding a row of another patient', async () => {
    await assert.rejects(activeIdsOf(listed([{ id: 11, demographicNo: 5 }, { id: 21, demographicNo: 6 }]), 5), (e: unknown) => e instanceof OscarProtocolError);
  });
});

// An exported resource is the resource the API answers (mapping §1.3): the same meta.versionId,
// meta and member order, so a client that exports weekly and reads single records sees one
// version per content. The oracle is the API's own answer, never src/bulk: GET Type/id (Patient
// included: the export reads each patient as the API does, export-patient-lines.test.ts).
// AllergyIntolerance takes the API's route: the clinical status from OSCAR's REST active list
// (test/bulk/export-allergy-status.test.ts has the archived ones and an OSCAR without REST).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startStack, type Stack } from '../helpers/stack.js';
import { manifestOf, kickOff } from './export-helpers.js';

async function rawLines(url: string): Promise<string[]> {
  const res = await fetch(url);
  assert.equal(res.status, 200);
  return (await res.text()).split('\n').filter(Boolean);
}

interface Line { resourceType: string; id: string; meta?: { versionId?: string; tag?: { code?: string }[] } }

const TYPES = 'Patient,Immunization,AllergyIntolerance,Appointment,DocumentReference';

describe('Export lines and the API answer the same resource text', () => {
  let stack: Stack;
  before(async () => { stack = await startStack({ sim: { patients: 12, seed: 11 }, env: { BULK_MIN_POLL_MS: '0' } }); });
  after(async () => { await stack.close(); });

  it('each exported Immunization, AllergyIntolerance, Appointment and DocumentReference line is, as text and as JSON, the body of GET Type/id, with its ETag', async () => {
    const m = await manifestOf(await kickOff(stack, `/Patient/$export?_type=${TYPES}`));
    assert.deepEqual(m.error, []);
    const seen = new Set<string>();
    for (const o of m.output.filter((f) => f.type !== 'Patient')) {
      for (const line of await rawLines(o.url)) {
        const r = JSON.parse(line) as Line;
        const res = await fetch(`${stack.base}/${r.resourceType}/${r.id}`, { headers: { accept: 'application/fhir+json' } });
        assert.equal(res.status, 200);
        const body = await res.text();
        assert.match(r.meta?.versionId ?? '', /^[0-9a-f]{16}$/, 'an exported resource carries its version id');
        assert.equal(res.headers.get('etag'), `W/"${r.meta!.versionId}"`);
        assert.deepEqual(JSON.parse(line), JSON.parse(body));
        assert.equal(line, body, `${r.resourceType}/${r.id}: same members in the same order`);
        seen.add(r.resourceType);
      }
    }
    assert.deepEqual([...seen].sort(), ['AllergyIntolerance', 'Appointment', 'DocumentReference', 'Immunization']);
  });

  it('each exported Patient is the body of GET Patient/{id}, with its ETag, not SUBSETTED', async () => {
    const m = await manifestOf(await kickOff(stack, '/Patient/$export?_type=Patient'));
    const lines = (await Promise.all(m.output.map((o) => rawLines(o.url)))).flat();
    assert.ok(lines.length >= 5, `${lines.length} Patient lines`);
    for (const line of lines) {
      assert.match(line, /^\{"resourceType":"Patient","id":"\d+","meta":\{"lastUpdated":"[^"]+","profile":\["[^"]+"\],"versionId":"[0-9a-f]{16}"\},"/);
      const r = JSON.parse(line) as Line;
      const res = await fetch(`${stack.base}/Patient/${r.id}`, { headers: { accept: 'application/fhir+json' } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('etag'), `W/"${r.meta!.versionId}"`);
      assert.equal(line, await res.text());
    }
  });
});

// Export lines through the memo of clean content (src/validation/README.md, "Bulk Data export"):
// a line is the text the API answers for the same content (the API's own answer, through the
// registry's validation wrapper and the router, is the oracle; and the version recorded from main
// in test/validation/outgoing-memo.test.ts); content found clean is not checked again; what is
// invalid is checked, counted and sanitized or refused every time; an export only fills free room
// in the memo, never pushing out what reads found.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Patient, Resource } from 'fhir/r4.js';
import { Registry, createRouter, defineResource, renderBody } from '../../src/fhir/index.js';
import { createLogger } from '../../src/logging.js';
import { withOutgoingValidation } from '../../src/resources/outgoing.js';
import { resourceLine, InvalidExportLineError } from '../../src/bulk/lines.js';
import { sanitizeOutgoing } from '../../src/validation/index.js';
import { CleanMemo } from '../../src/validation/outgoing-memo.js';
import { request } from '../fhir/harness.js';
import { changedPatient as changed, valid } from '../validation/fixtures.js';

const BASE = 'https://fhir.example.org/fhir';

function counted() {
  const c = { checked: 0, invalid: 0, sanitize: <T>(r: T) => { c.checked++; return sanitizeOutgoing(r); } };
  return c;
}

/** The API's answer for `patient`: GET Patient/id through the validation wrapper and the router. */
async function apiBody(patient: Resource, memo: CleanMemo): Promise<string> {
  const registry = new Registry();
  registry.register(withOutgoingValidation(defineResource<Patient>({
    type: 'Patient', documentation: 'Patients for the test.', searchParams: [],
    interactions: { async read() { return structuredClone(patient) as Patient; } },
  }), { mode: 'strict', logger: createLogger('silent'), memo }));
  registry.check();
  const router = createRouter({ registry, baseUrl: BASE, timezone: 'America/Toronto' });
  const res = await router(request('GET', `/Patient/${patient.id!}`));
  assert.equal(res.status, 200);
  return renderBody(res)!.toString('utf8');
}

describe('export lines', () => {
  it('a line is the API\'s text for the same content, with the version recorded from main', async () => {
    const body = await apiBody(valid.patient(), new CleanMemo());
    const line = resourceLine(valid.patient(), 'strict', undefined, undefined, { memo: new CleanMemo() });
    assert.equal(line, body);
    assert.equal(JSON.parse(line!).meta.versionId, '0c0142a276e95f08');
    assert.match(line!, /^\{"resourceType":"Patient","id":"1001","meta":\{/);
  });

  it('content the API found clean is not checked again by the export, and the line is still its text', async () => {
    const memo = new CleanMemo();
    const body = await apiBody(valid.patient(), memo);
    assert.equal(memo.size, 1);
    const c = counted();
    for (let i = 0; i < 3; i++) assert.equal(resourceLine(valid.patient(), 'strict', undefined, undefined, { memo, sanitize: c.sanitize }), body);
    assert.equal(c.checked, 0);
  });

  it('content an export found clean fills free room and is not checked again', () => {
    const memo = new CleanMemo();
    const c = counted();
    const first = resourceLine(valid.patient(), 'strict', undefined, undefined, { memo, sanitize: c.sanitize });
    assert.equal(memo.size, 1);
    assert.equal(resourceLine(valid.patient(), 'strict', undefined, undefined, { memo, sanitize: c.sanitize }), first);
    assert.equal(c.checked, 1);
    // Another content (a deep value) is checked.
    resourceLine(changed((p) => { p.name[0].given[0] = 'Other'; }), 'strict', undefined, undefined, { memo, sanitize: c.sanitize });
    assert.equal(c.checked, 2);
  });

  it('an export never pushes out what reads found: a full set keeps its entries', async () => {
    // One set of two entries, both taken by the API's reads.
    const memo = new CleanMemo(1);
    const a = changed((p) => { p.id = '2001'; });
    const b = changed((p) => { p.id = '2002'; });
    await apiBody(a, memo);
    await apiBody(b, memo);
    assert.equal(memo.size, 2);
    const c = counted();
    resourceLine(valid.patient(), 'strict', undefined, undefined, { memo, sanitize: c.sanitize });
    resourceLine(valid.patient(), 'strict', undefined, undefined, { memo, sanitize: c.sanitize });
    assert.equal(c.checked, 2, 'not remembered: no room');
    resourceLine(a, 'strict', undefined, undefined, { memo, sanitize: c.sanitize });
    resourceLine(b, 'strict', undefined, undefined, { memo, sanitize: c.sanitize });
    assert.equal(c.checked, 2, 'the reads\' entries are still there');
  });

  it('sanitize: an invalid resource is checked, counted and sanitized every time, never remembered', () => {
    const memo = new CleanMemo();
    const c = counted();
    const bad = changed((p) => { p.birthDate = '1980-02-30'; });
    for (let i = 0; i < 3; i++) {
      const line = resourceLine(bad, 'sanitize', () => { c.invalid++; }, undefined, { memo, sanitize: c.sanitize });
      const sent = JSON.parse(line!);
      assert.equal(sent.birthDate, undefined);
      assert.equal(sent.gender, 'female');
      assert.match(sent.meta.versionId, /^[0-9a-f]{16}$/);
      assert.notEqual(sent.meta.versionId, '0c0142a276e95f08');
    }
    assert.equal(c.checked, 3);
    assert.equal(c.invalid, 3);
    assert.equal(memo.size, 0);
  });

  it('strict: an invalid resource fails the line every time; sanitize: a withheld one has no line', () => {
    const memo = new CleanMemo();
    const c = counted();
    const bad = changed((p) => { p.birthDate = '1980-02-30'; });
    for (let i = 0; i < 2; i++) assert.throws(() => resourceLine(bad, 'strict', undefined, undefined, { memo, sanitize: c.sanitize }), InvalidExportLineError);
    assert.equal(c.checked, 2);
    assert.equal(resourceLine({ resourceType: 'Immunization', id: '1' } as Resource, 'sanitize', () => { c.invalid++; }, undefined, { memo }), undefined);
    assert.equal(c.invalid, 1);
    assert.equal(memo.size, 0);
  });

  it('a resource JSON cannot write (a BigInt) is sanitized as before, or fails the line in strict mode', () => {
    const memo = new CleanMemo();
    const c = counted();
    const bad = changed((p) => { p.multipleBirthInteger = 2n; });
    const sent = JSON.parse(resourceLine(bad, 'sanitize', () => { c.invalid++; }, undefined, { memo })!);
    assert.equal(sent.multipleBirthInteger, undefined);
    assert.equal(sent.gender, 'female');
    assert.equal(c.invalid, 1);
    assert.throws(() => resourceLine(bad, 'strict', undefined, undefined, { memo }), InvalidExportLineError);
    assert.equal(memo.size, 0);
  });

  it('_elements: the subset carries the whole resource\'s version and the SUBSETTED tag; the whole is checked, once', () => {
    const memo = new CleanMemo();
    const c = counted();
    for (let i = 0; i < 2; i++) {
      const sent = JSON.parse(resourceLine(valid.patient(), 'strict', undefined, { Patient: ['birthDate'] }, { memo, sanitize: c.sanitize })!);
      assert.deepEqual(Object.keys(sent), ['resourceType', 'id', 'meta', 'birthDate']);
      assert.equal(sent.meta.versionId, '0c0142a276e95f08');
      assert.ok(sent.meta.tag.some((t: { code: string }) => t.code === 'SUBSETTED'));
    }
    // The whole resource is checked and remembered, as a read with _elements does (the subset is cut after).
    assert.equal(c.checked, 1);
    assert.equal(memo.size, 1);
  });
});

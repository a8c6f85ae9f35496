// An `_elements` line of content the check finds invalid outside the subset: the API (the
// validation wrapper, then the router's _elements) answers the sanitized whole's version; the
// export line must carry the same version for the same content (mapping §1.3).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Patient, Resource } from 'fhir/r4.js';
import { Registry, createRouter, defineResource, renderBody } from '../../src/fhir/index.js';
import { createLogger } from '../../src/logging.js';
import { withOutgoingValidation } from '../../src/resources/outgoing.js';
import { InvalidExportLineError, resourceLine } from '../../src/bulk/lines.js';
import { CleanMemo } from '../../src/validation/outgoing-memo.js';
import { request } from '../fhir/harness.js';
import { json, valid } from '../validation/fixtures.js';

const BASE = 'https://fhir.example.org/fhir';

async function apiBody(patient: Resource, query: string): Promise<Record<string, any>> {
  const registry = new Registry();
  registry.register(withOutgoingValidation(defineResource<Patient>({
    type: 'Patient', documentation: 'Patients for the test.', searchParams: [],
    interactions: { async read() { return structuredClone(patient) as Patient; } },
  }), { mode: 'sanitize', logger: createLogger('silent'), memo: new CleanMemo() }));
  registry.check();
  const router = createRouter({ registry, baseUrl: BASE, timezone: 'America/Toronto' });
  const res = await router(request('GET', `/Patient/${patient.id!}${query}`));
  assert.equal(res.status, 200);
  return JSON.parse(renderBody(res)!.toString('utf8'));
}

describe('export lines with _elements', () => {
  it('carry the version the API answers when the whole resource is sanitized outside the subset', async () => {
    const p = json(valid.patient()) as Record<string, any>;
    p.birthDate = 'not-a-date';
    const api = await apiBody(p as Resource, '?_elements=name');
    const whole = await apiBody(p as Resource, '');
    assert.equal(whole.birthDate, undefined, 'the API sanitizes the invalid birthDate away');
    const line = JSON.parse(resourceLine(p as Resource, 'sanitize', undefined, { Patient: ['name'] }, { memo: new CleanMemo() })!);
    assert.deepEqual(line.name, api.name);
    assert.equal(line.meta.versionId, api.meta.versionId);
    assert.ok(line.meta.tag.some((t: { code: string }) => t.code === 'SUBSETTED'));
  });

  it('without _elements, a sanitized line is the API\'s text for the same content', async () => {
    const p = json(valid.patient()) as Record<string, any>;
    p.birthDate = 'not-a-date';
    const whole = await apiBody(p as Resource, '');
    assert.deepEqual(JSON.parse(resourceLine(p as Resource, 'sanitize', undefined, undefined, { memo: new CleanMemo() })!), whole);
  });

  it('fail the job in strict mode when the whole resource is invalid outside the subset, as its read fails', () => {
    const p = json(valid.patient()) as Record<string, any>;
    p.birthDate = 'not-a-date';
    assert.throws(() => resourceLine(p as Resource, 'strict', undefined, { Patient: ['name'] }, { memo: new CleanMemo() }), InvalidExportLineError);
  });
});

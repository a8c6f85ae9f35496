// Text FHIR allows must pass in and out: a no-break space (U+00A0, pasted from word processors),
// an ideographic space (U+3000, typed by Japanese/Chinese input methods), an em space. FHIR's string
// regex `[ \r\n\t\S]+` is an XML Schema regex (any non-empty text); read as an ECMAScript regex
// it refused all of these (src/validation/build.ts), so such a name was a 422 on write and a 500
// (strict) or a dropped name (sanitize) on read.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Patient } from 'fhir/r4.js';
import { validateResource } from '../../src/validation/index.js';
import { medplumValidate } from '../helpers/independent-validator.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { valid } from '../validation/fixtures.js';

const FAMILY = 'VAN\u00a0DER BERG';
const GIVEN = '太郎\u3000花子';
const LINE = '12\u2003RUE SAINT-JEAN';

let stack: Stack;
before(async () => { stack = await startStack({ env: { CACHE_MAX_BYTES: '0' } }); });
after(async () => { await stack.close(); });

test('the validators accept them (ours and the independent one agree)', () => {
  const p: Patient = { ...valid.patient(), name: [{ family: FAMILY, given: [GIVEN] }], address: [{ line: [LINE], city: 'Ottawa' }] };
  assert.deepEqual(validateResource(p).filter((i) => i.severity === 'error'), []);
  assert.deepEqual(medplumValidate(p), []);
});

test('a patient whose OSCAR record holds them is served with them, valid', async () => {
  const row = stack.sim.store.demographic(1002)!;
  Object.assign(row, { lastName: FAMILY, firstName: GIVEN, address: LINE });
  const r = await stack.fhir('/Patient/1002');
  assert.equal(r.status, 200, r.text.slice(0, 300));
  const p = r.body as Patient;
  assert.equal(p.name?.[0]?.family, FAMILY);
  assert.ok(p.name?.[0]?.given?.join(' ').includes('太郎'), JSON.stringify(p.name));
  assert.deepEqual(p.address?.[0]?.line, [LINE]);
  assert.deepEqual(medplumValidate(p), []);
});

test('a create carrying them is stored, not refused', async () => {
  const { id: _id, meta: _meta, ...body } = valid.patient();
  const r = await stack.fhir('/Patient', {
    method: 'POST', headers: { 'content-type': 'application/fhir+json' },
    body: JSON.stringify({ ...body, identifier: [{ system: 'https://clinic.example.org/chart-no', value: 'U-1' }], name: [{ family: FAMILY, given: ['HANAKO'] }] }),
  });
  assert.equal(r.status, 201, r.text.slice(0, 300));
  assert.equal(stack.sim.store.demographic(Number(r.body.id))?.lastName, FAMILY);
});

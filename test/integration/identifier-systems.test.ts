// OSCAR-local identifier systems live under our own public URL (FHIR_BASE_URL/sid/…): no answer
// shows the EMR's internal address. The systems earlier versions emitted under OSCAR_URL are
// still understood in searches and incoming resources.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Bundle, Patient } from 'fhir/r4.js';
import { startStack, type Stack } from '../helpers/stack.js';

let stack: Stack;
before(async () => { stack = await startStack(); });
after(async () => { await stack.close(); });

const legacy = (name: string): string => `${stack.sim.url}/fhir-ids/${name}`;
const ours = (name: string): string => `${stack.base}/sid/${name}`;
const ids = (b: Bundle): string[] => (b.entry ?? []).map((e) => e.resource!.id!).sort();

test('no answer carries the OSCAR address: identifiers and search hints use FHIR_BASE_URL/sid/', async () => {
  const internal = new URL(stack.sim.url).host;
  const p = await stack.fhir('/Patient/1001');
  assert.equal(p.status, 200);
  assert.ok(!p.text.includes(internal), 'the patient names no internal host');
  assert.ok((p.body as Patient).identifier?.some((i) => i.system === ours('demographic-no') && i.value === '1001'));
  const hint = await stack.fhir('/Patient?identifier=1001');
  assert.equal(hint.status, 200);
  assert.ok(!hint.text.includes(internal), 'the identifier hint names no internal host');
  assert.match(hint.text, new RegExp(`${ours('chart-no').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
  const doc = await stack.fhir('/Practitioner/100101');
  assert.ok(!doc.text.includes(internal));
});

test('searches by the systems under OSCAR_URL still find the same records', async () => {
  const now = await stack.fhir(`/Patient?identifier=${encodeURIComponent(`${ours('demographic-no')}|1001`)}`);
  const before = await stack.fhir(`/Patient?identifier=${encodeURIComponent(`${legacy('demographic-no')}|1001`)}`);
  assert.deepEqual(ids(now.body as Bundle), ['1001']);
  assert.deepEqual(ids(before.body as Bundle), ['1001']);
  const prac = await stack.fhir(`/Practitioner?identifier=${encodeURIComponent(`${legacy('provider-no')}|100101`)}`);
  assert.deepEqual(ids(prac.body as Bundle), ['100101']);
  const other = await stack.fhir(`/Patient?identifier=${encodeURIComponent('https://elsewhere.example.org/fhir-ids/demographic-no|1001')}`);
  assert.deepEqual(ids(other.body as Bundle), [], 'only our own earlier base is an alias');
});

test('an incoming Patient may carry its chart number under the earlier system', async () => {
  const current = (await stack.fhir('/Patient/1001')).body as Patient;
  const { meta: _meta, ...rest } = current;
  const identifier = (current.identifier ?? []).filter((i) => !i.system?.endsWith('/chart-no'));
  identifier.push({ system: legacy('chart-no'), value: 'C-LEGACY-1' });
  const r = await stack.fhir('/Patient/1001', { method: 'PUT', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify({ ...rest, identifier }) });
  assert.equal(r.status, 200, r.text);
  const chart = (r.body as Patient).identifier?.find((i) => i.system === ours('chart-no'));
  assert.equal(chart?.value, 'C-LEGACY-1');
});

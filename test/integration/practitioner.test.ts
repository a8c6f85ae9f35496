// Practitioner over real HTTP: OSCAR providers from the simulator's ProviderService.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Bundle, Practitioner } from 'fhir/r4.js';
import { medplumValidate } from '../helpers/independent-validator.js';
import { startStack, type Stack } from '../helpers/stack.js';

let stack: Stack;
before(async () => { stack = await startStack(); });
after(async () => { await stack.close(); });

const exercised = new Set<string>();
const providerNoSystem = (): string => `${stack.base}/sid/provider-no`;

async function search(query: string): Promise<string[]> {
  for (const k of new URLSearchParams(query).keys()) exercised.add(k.split(':')[0]!);
  const r = await stack.fhir(`/Practitioner?${query}`);
  assert.equal(r.status, 200, `${query}: ${r.text}`);
  const entries = (r.body as Bundle).entry ?? [];
  for (const e of entries) assert.deepEqual(medplumValidate(e.resource), [], `${e.resource?.id}`);
  return entries.map((e) => e.resource!.id!).sort();
}

test('reads a provider with its provider number, licence and OHIP billing identifiers', async () => {
  const r = await stack.fhir('/Practitioner/100101');
  assert.equal(r.status, 200, r.text);
  const p = r.body as Practitioner;
  assert.deepEqual(medplumValidate(p), []);
  assert.equal(p.id, '100101');
  assert.equal(p.active, true);
  assert.equal(p.name?.[0]?.family, 'Côté');
  assert.deepEqual(p.identifier?.map((i) => [i.system, i.value]), [
    [providerNoSystem(), '100101'],
    [`${stack.base}/sid/ohip-billing-no`, '234567'],
    ['https://fhir.infoway-inforoute.ca/NamingSystem/ca-on-license-physician', '71234'],
  ]);
});

test('unknown and malformed provider numbers are 404s', async () => {
  assert.equal((await stack.fhir('/Practitioner/ZZ9999')).status, 404);
  assert.equal((await stack.fhir('/Practitioner/1234567')).status, 404); // longer than varchar(6)
});

test('every Practitioner reference the schedule emits resolves, from one cached provider list', async () => {
  const providerNos = [...new Set(stack.sim.store.data.appointments.map((a) => a.providerNo))];
  assert.ok(providerNos.length > 1);
  for (const no of providerNos) {
    const r = await stack.fhir(`/Practitioner/${no}`);
    assert.equal(r.status, 200, `Practitioner/${no}`);
    assert.deepEqual(medplumValidate(r.body), []);
  }
  assert.equal(stack.sim.stats.count('ProviderService.getProviders2'), 1, 'the provider list is fetched once and cached');
});

test('search by _id, name (accent- and case-insensitive), family, given and active', async () => {
  assert.deepEqual(await search('_id=100101,200201'), ['100101', '200201']);
  assert.deepEqual(await search('name=cote'), ['100101']);
  assert.deepEqual(await search('name=dr.'), ['100101', '100102', '100103', '100199', '999998']);
  assert.deepEqual(await search('family=nguyen'), ['200201']);
  assert.deepEqual(await search('family:exact=Nguyen'), []);
  assert.deepEqual(await search('given:contains=lan'), ['200201']);
  assert.deepEqual(await search('active=false'), ['100199']);
  const all = await search('');
  assert.equal(all.length, stack.sim.store.data.providers.length);
  assert.ok(!(await search('active=true')).includes('100199'));
});

test('search by identifier: provider number, licence system, OHIP billing number', async () => {
  assert.deepEqual(await search(`identifier=${encodeURIComponent(`${providerNoSystem()}|100102`)}`), ['100102']);
  assert.deepEqual(await search(`identifier=${encodeURIComponent('https://fhir.infoway-inforoute.ca/NamingSystem/ca-on-license-nurse|N012345')}`), ['200201']);
  assert.deepEqual(await search('identifier=345678'), ['100102']); // OHIP billing number, any system
  assert.deepEqual(await search(`identifier=${encodeURIComponent('https://fhir.infoway-inforoute.ca/NamingSystem/ca-on-license-physician|N012345')}`), []);
});

test('Practitioner is read-only and every advertised search parameter was exercised', async () => {
  const post = await stack.fhir('/Practitioner', { method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify({ resourceType: 'Practitioner' }) });
  assert.ok(post.status === 405 || post.status === 400, `create is refused (${post.status})`);
  const meta = await stack.fhir('/metadata');
  const res = meta.body.rest[0].resource.find((r: { type: string }) => r.type === 'Practitioner');
  assert.ok(res);
  for (const p of res.searchParam as { name: string }[]) assert.ok(exercised.has(p.name), `search parameter ${p.name} is exercised`);
});

// A version id is a hash of the resource's canonical JSON without meta (src/fhir/version.ts,
// mapping §1.3): If-Match only works if every path that hands out a resource gives the same
// content the same id. The same records here reach the client through a read, a read answered from
// the cache, a search, $everything, the read back of an update, and another facade over another
// simulator with the same clinic.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Bundle, Patient, Resource } from 'fhir/r4.js';
import { VARIANT_MAPS } from '../../scripts/routing-doc/variant-maps.js';
import { startStack, type Stack } from '../helpers/stack.js';

let stack: Stack;
let other: Stack;
before(async () => {
  stack = await startStack();
  // Behind the same public base, as instances behind one load balancer are; asked on its own port.
  other = await startStack({ env: { CACHE_MAX_BYTES: '0', FHIR_BASE_URL: stack.base } });
});
after(async () => { await Promise.all([stack.close(), other.close()]); });

const PATIENT = 1001;
const key = (r: Resource): string => `${r.resourceType}/${r.id ?? ''}`;
const withoutMeta = (r: Resource): Resource => { const { meta: _meta, ...rest } = r; return rest as Resource; };

async function body<T>(s: Stack, path: string, init?: RequestInit): Promise<T> {
  const r = s === other ? await fromOther(path) : await s.fhir(path, init);
  assert.equal(r.status, 200, `${path}: ${r.text}`);
  return r.body as T;
}

async function fromOther(path: string): Promise<{ status: number; body: unknown; text: string }> {
  const res = await fetch(`http://127.0.0.1:${other.config.port}/fhir${path}`);
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text), text };
}

/** Same content (as parsed, meta aside) must mean the same version id; checks and counts the pairs. */
function sameVersion(a: Resource, b: Resource, what: string): void {
  assert.deepEqual(withoutMeta(a), withoutMeta(b), `${what}: ${key(a)} has the same content on both paths`);
  assert.equal(a.meta?.versionId, b.meta?.versionId, `${what}: ${key(a)}`);
}

test("$everything, reads, cached reads and another instance give each of the patient's resources one version id", async () => {
  const everything = await body<Bundle>(stack, `/Patient/${PATIENT}/$everything`);
  const resources = (everything.entry ?? []).map((e) => e.resource!).filter((r) => r.resourceType !== 'OperationOutcome');
  const types = new Set(resources.map((r) => r.resourceType));
  for (const t of ['Patient', 'AllergyIntolerance', 'Appointment', 'DocumentReference', 'Immunization', 'Practitioner']) assert.ok(types.has(t), `$everything holds a ${t}`);
  for (const r of resources) {
    const path = `/${key(r)}`;
    const read = await stack.fhir(path);
    assert.equal(read.status, 200, read.text);
    sameVersion(r, read.body as Resource, 'read');
    assert.equal(read.headers.get('etag'), `W/"${r.meta!.versionId}"`);
    const cached = await stack.fhir(path);
    assert.equal(cached.headers.get('etag'), read.headers.get('etag'), `cached read of ${path}`);
    sameVersion(r, await body<Resource>(other, path), 'another instance');
  }
});

test('a search by patient gives each match the version id its read gives', async () => {
  for (const type of ['AllergyIntolerance', 'Appointment', 'DocumentReference', 'Immunization']) {
    const page = await body<Bundle>(stack, `/${type}?patient=${PATIENT}&_count=100`);
    const matches = (page.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource!);
    assert.ok(matches.length > 0, `${type}: the patient has some`);
    for (const m of matches) sameVersion(m, await body<Resource>(stack, `/${key(m)}`), `${type} search`);
  }
  const practitioners = await body<Bundle>(stack, '/Practitioner?_count=5');
  for (const e of practitioners.entry ?? []) sameVersion(e.resource!, await body<Resource>(stack, `/${key(e.resource!)}`), 'Practitioner search');
});

test("a Patient search result, tagged SUBSETTED, has its read's id whenever OSCAR's list gave the same content", async () => {
  // OSCAR's list calls leave out some demographic fields (the read has them): only a patient who
  // has none of them is the same content on both paths. The clinic has such patients.
  const page = await body<Bundle>(stack, '/Patient?active=true&_count=100');
  let same = 0;
  for (const e of page.entry ?? []) {
    const read = await body<Patient>(stack, `/${key(e.resource!)}`);
    try { assert.deepEqual(withoutMeta(e.resource!), withoutMeta(read)); } catch { continue; }
    same++;
    assert.equal(e.resource!.meta?.versionId, read.meta?.versionId, key(read));
  }
  assert.ok(same > 0, 'some patients read the same on both paths');
});

test('the answer to an update carries the version id the next read gives, and If-Match takes it', async () => {
  const read = await body<Patient>(stack, `/Patient/${PATIENT}`);
  const changed: Patient = { ...read, telecom: [...(read.telecom ?? []).filter((t) => t.use !== 'work'), { system: 'phone', use: 'work', value: '613-555-0199' }] };
  const headers = { 'content-type': 'application/fhir+json' };
  const put = await stack.fhir(`/Patient/${PATIENT}`, { method: 'PUT', headers: { ...headers, 'if-match': `W/"${read.meta!.versionId}"` }, body: JSON.stringify(changed) });
  assert.equal(put.status, 200, put.text);
  const written = put.body as Patient;
  assert.notEqual(written.meta?.versionId, read.meta?.versionId, 'a new version');
  const again = await body<Patient>(stack, `/Patient/${PATIENT}`);
  sameVersion(written, again, 'read after the update');
  const second = await stack.fhir(`/Patient/${PATIENT}`, { method: 'PUT', headers: { ...headers, 'if-match': `W/"${again.meta!.versionId}"` }, body: JSON.stringify(again) });
  assert.equal(second.status, 200, second.text);
});

test('a facade that reads over REST (SOAP behind a WAF) gives the id a SOAP reader gives, wherever the content is the same', async () => {
  // Same clinic, same public base; one simulator refuses SOAP and the facade over it has the map of
  // such a host, so its Patients and allergies come from the REST mappers.
  const sim = { patients: 8, serverTimezone: 'America/Vancouver' };
  const soap = await startStack({ sim });
  const rest = await startStack({ sim: { ...sim, soapWaf: true }, env: { FHIR_BASE_URL: soap.base }, facade: { capabilities: { current: () => VARIANT_MAPS['SOAP WAF']! } } });
  try {
    const fromRest = async (path: string): Promise<Resource | undefined> => {
      const res = await fetch(`http://127.0.0.1:${rest.config.port}/fhir${path}`);
      return res.status === 200 ? (await res.json()) as Resource : undefined;
    };
    let same = 0;
    const ids = soap.sim.store.data.demographics.map((d) => d.demographicNo);
    for (const id of ids) {
      const a = await body<Resource>(soap, `/Patient/${id}`);
      const b = await fromRest(`/Patient/${id}`);
      if (!b) continue;
      try { assert.deepEqual(withoutMeta(a), withoutMeta(b)); } catch { continue; }
      same++;
      assert.equal(b.meta?.versionId, a.meta?.versionId, `Patient/${id}`);
    }
    assert.ok(same > 0, 'some patients read the same over REST and SOAP');
  } finally {
    await Promise.all([soap.close(), rest.close()]);
  }
});

// The conformance walk: the whole simulated clinic read through the facade over HTTP, and every
// resource it serves checked by our validator (R4 + CA Baseline) AND by @medplum/core's: every
// Patient, every Appointment, AllergyIntolerance, Immunization and DocumentReference of each
// patient (searches followed through their `next` links), every Practitioner, a Binary for every
// document (raw bytes and FHIR JSON), the records no patient search reaches (read by id), and the
// CapabilityStatement, searchset Bundles and OperationOutcomes themselves. The stack runs with
// strict outgoing validation, so a resource our validator refuses is also a 500 here.
//
// The clinic: the default one (seed 1, 300 patients: the edge-case patients 1001–1025 and ~4,900
// resources), about 30 s on this shared 2-core machine. WALK_PATIENTS=120 (≥ 25) walks a smaller
// clinic, every resource of it, in about 15 s.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { DocumentReference, Immunization, OperationOutcome, Resource } from 'fhir/r4.js';
import { SCREENING_TYPES } from '../../src/resources/immunization/immunization-types.js';
import { CA_BASELINE_PROFILES } from '../../src/resources/systems.js';
import { FIRST_DEMOGRAPHIC_NO } from '../../src/sim/clinic/generate.js';
import { startStack, type Stack } from '../helpers/stack.js';
import { Conformance, eachLimited, referencesIn } from './walk-support.js';

const PATIENTS = Number(process.env.WALK_PATIENTS ?? 300);
/** Small pages, so that many searches span several pages and the `next` links are followed. */
const PAGE = 10;
const AT_ONCE = 4;
const PATIENT_TYPES = ['Appointment', 'AllergyIntolerance', 'Immunization', 'DocumentReference'] as const;

let stack: Stack;
let walk: Conformance;
const patientIds = Array.from({ length: PATIENTS }, (_, i) => String(FIRST_DEMOGRAPHIC_NO + i));

before(async () => {
  assert.ok(PATIENTS >= 25, 'the walk must include the edge-case patients 1001–1025');
  // No cache: every resource is mapped from a fresh OSCAR answer and goes through the strict check.
  stack = await startStack({ sim: { patients: PATIENTS }, env: { CACHE_MAX_BYTES: '0' } });
  walk = new Conformance(stack);
});
after(async () => { await stack?.close(); });

function assertNoFailures(what: string): void {
  assert.equal(walk.failures.length, 0, `${what}: ${walk.failures.length} failure(s):\n${walk.failures.slice(0, 40).join('\n')}`);
}

describe('the whole simulated clinic, read through the facade, is valid R4 and CA Baseline', () => {
  test('the CapabilityStatement', async () => {
    const cs = await walk.read('/metadata');
    assert.equal(cs?.resourceType, 'CapabilityStatement');
    assertNoFailures('metadata');
  });

  test('every Patient, and every Appointment, AllergyIntolerance, Immunization and DocumentReference of each', async () => {
    const store = stack.sim.store;
    await eachLimited(patientIds, AT_ONCE, async (id) => {
      await walk.read(`/Patient/${id}`);
      for (const type of PATIENT_TYPES) {
        for (const r of await walk.search(`/${type}?patient=${id}&_count=${PAGE}`)) {
          const refs = referencesIn(r);
          if (!refs.includes(`Patient/${id}`)) walk.failures.push(`${type}/${r.id ?? ''} found by patient=${id} does not refer to Patient/${id}`);
        }
      }
    });
    assertNoFailures('patient walk');
    assert.ok(walk.pagedSearches >= 10, `searches spanning several pages: ${walk.pagedSearches}`);

    // Complete: everything OSCAR holds for these patients came back (the rest is checked below).
    assert.deepEqual(walk.ids('Patient'), new Set(patientIds));
    const rowsOf = <T>(rows: T[], id: (r: T) => number, patient: (r: T) => number): string[] =>
      rows.filter((r) => patient(r) > 0).map((r) => String(id(r))).sort();
    assert.deepEqual([...walk.ids('Appointment')].sort(), rowsOf(store.data.appointments, (r) => r.appointmentNo, (r) => r.demographicNo));
    assert.deepEqual([...walk.ids('AllergyIntolerance')].sort(), rowsOf(store.data.allergies, (r) => r.allergyId, (r) => r.demographicNo));
    for (const id of walk.ids('Immunization')) assert.equal(store.prevention(Number(id))?.deleted, '0', `Immunization/${id}`);
    for (const id of walk.ids('DocumentReference')) assert.ok(store.document(Number(id))?.file, `DocumentReference/${id} has a file`);
    assert.ok(walk.ids('Immunization').size > PATIENTS * 3, `immunizations: ${walk.ids('Immunization').size}`);
    assert.ok(walk.ids('DocumentReference').size > PATIENTS / 2, `documents: ${walk.ids('DocumentReference').size}`);
  });

  test('CA Baseline resources claim their profile in meta.profile', () => {
    for (const [type, profile] of Object.entries(CA_BASELINE_PROFILES)) {
      const all = [...(walk.seen.get(type)?.values() ?? [])];
      assert.ok(all.length > 0, type);
      const without = all.filter((r) => !r.meta?.profile?.includes(profile)).map((r) => `${type}/${r.id ?? ''}`);
      assert.deepEqual(without, [], `${type} without meta.profile ${profile}`);
    }
  });

  test('every Practitioner, by search (paged) and by id', async () => {
    const found = await walk.search('/Practitioner?_count=3');
    assert.deepEqual(new Set(found.map((p) => p.id)), new Set(stack.sim.store.data.providers.map((p) => p.providerNo)));
    for (const p of found) await walk.read(`/Practitioner/${p.id ?? ''}`);
    assertNoFailures('practitioners');
  });

  test('a Binary for every document, raw and as FHIR JSON, agreeing with its DocumentReference', async () => {
    const docs = [...(walk.seen.get('DocumentReference')?.values() ?? [])] as DocumentReference[];
    assert.ok(docs.length > 0);
    await eachLimited(docs, AT_ONCE, async (d) => {
      const id = d.id ?? '';
      const att = d.content[0]?.attachment;
      const binary = await walk.read(`/Binary/${id}`);
      const res = await fetch(`${stack.base}/Binary/${id}`);
      const bytes = Buffer.from(await res.arrayBuffer());
      const problems: string[] = [];
      if (res.status !== 200) problems.push(`raw read HTTP ${res.status}`);
      if (!att) problems.push('no content[0].attachment');
      else {
        if (att.url !== `${stack.base}/Binary/${id}`) problems.push('attachment.url is not its Binary');
        if (res.headers.get('content-type')?.split(';')[0] !== att.contentType) problems.push(`raw content type ${res.headers.get('content-type') ?? '-'} ≠ attachment.contentType ${att.contentType ?? '-'}`);
        if (att.size !== bytes.length) problems.push(`attachment.size ${att.size ?? '-'} ≠ ${bytes.length} bytes`);
        if (att.hash !== createHash('sha1').update(bytes).digest('base64')) problems.push('attachment.hash is not the SHA-1 of the bytes');
        if (binary && (binary as { contentType?: string }).contentType !== att.contentType) problems.push('Binary.contentType ≠ attachment.contentType');
      }
      if (binary && !Buffer.from((binary as { data?: string }).data ?? '', 'base64').equals(bytes)) problems.push('Binary.data ≠ the raw bytes');
      if (problems.length > 0) walk.failures.push(`Binary/${id}: ${problems.join('; ')}`);
    });
    assert.deepEqual(walk.ids('Binary'), walk.ids('DocumentReference'));
    assertNoFailures('binaries');
  });

  test('the records no patient search returns, read by id: each served and valid, or absent for its reason', async () => {
    const data = stack.sim.store.data;
    const reasons: string[] = [];
    // Appointments without a patient (blocked time) are only reachable by id, provider or date.
    for (const a of data.appointments.filter((x) => !walk.ids('Appointment').has(String(x.appointmentNo)))) {
      assert.equal(a.demographicNo, 0, `Appointment/${a.appointmentNo} of patient ${a.demographicNo} was not in its patient's search`);
      await walk.read(`/Appointment/${a.appointmentNo}`);
      reasons.push('appointment without patient');
    }
    // Deleted preventions: entered-in-error by id (mapping §5.2), left out of searches; screenings are no Immunization.
    for (const p of data.preventions.filter((x) => x.demographicNo >= FIRST_DEMOGRAPHIC_NO && !walk.ids('Immunization').has(String(x.id)))) {
      if (SCREENING_TYPES.has(p.preventionType)) {
        await walk.get(`/Immunization/${p.id}`, 404);
        reasons.push('screening');
      } else {
        assert.equal(p.deleted, '1', `Immunization/${p.id} (${p.preventionType}) was not in its patient's search`);
        const r = (await walk.read(`/Immunization/${p.id}`)) as Immunization | undefined;
        if (r && r.status !== 'entered-in-error') walk.failures.push(`Immunization/${p.id}: a deleted prevention has status ${r.status}`);
        reasons.push('deleted immunization');
      }
    }
    // Documents: a provider's own documents are no patient document (404); a document whose file
    // is gone is a 502 (contract 4.10: OSCAR cannot read it).
    const moduleOf = new Map(data.ctlDocuments.map((c) => [c.documentNo, c.module]));
    for (const d of data.documents.filter((x) => !walk.ids('DocumentReference').has(String(x.documentNo)))) {
      if (moduleOf.get(d.documentNo) === 'provider') {
        await walk.get(`/DocumentReference/${d.documentNo}`, 404);
        reasons.push('provider document');
      } else {
        assert.equal(d.file, null, `DocumentReference/${d.documentNo} was not in its patient's search`);
        await walk.get(`/DocumentReference/${d.documentNo}`, 502);
        await walk.get(`/Binary/${d.documentNo}`, 502);
        reasons.push('missing file');
      }
    }
    assertNoFailures('records read by id');
    // the clinic has each kind (else this test proves nothing about it)
    for (const kind of ['appointment without patient', 'screening', 'deleted immunization', 'provider document', 'missing file']) {
      assert.ok(reasons.includes(kind), kind);
    }
  });

  test('$everything and _include Bundles of the edge-case patients 1001–1025', async () => {
    await eachLimited(patientIds.slice(0, 25), AT_ONCE, async (id) => {
      const everything = await walk.read(`/Patient/${id}/$everything`);
      assert.equal(everything?.resourceType, 'Bundle');
      await walk.search(`/Appointment?patient=${id}&_include=Appointment:patient&_include=Appointment:practitioner`);
      await walk.search(`/AllergyIntolerance?patient=${id}&_include=AllergyIntolerance:patient`);
      await walk.search(`/Immunization?patient=${id}&_include=Immunization:patient`);
    });
    await walk.search(`/Patient?_id=${patientIds.slice(0, 25).join(',')}&_count=${PAGE}`);
    await walk.search('/Patient?family=DOE');
    assertNoFailures('$everything and _include');
  });

  test('the OperationOutcomes of errors', async () => {
    const outcomes: [string, number][] = [
      ['/Patient/999999', 404],
      ['/Appointment/abc', 404],
      [`/Binary/${2_000_000_000}`, 404],
      ['/Patient?_count=10', 400], // too costly: no criterion narrows the clinic
      ['/Patient?bogus=1', 400],
      ['/Observation/1', 404],
      ['/Appointment?date=2024-99-99', 400],
    ];
    for (const [path, status] of outcomes) {
      const { body } = await walk.get(path, status);
      assert.equal(body?.resourceType, 'OperationOutcome', path);
      const issue = (body as OperationOutcome).issue[0];
      assert.ok(issue?.diagnostics ?? issue?.details?.text, `${path}: a human message`);
      if (body) walk.check(body, path);
    }
    assertNoFailures('outcomes');
  });

  test('every reference in what was served resolves to a resource that was served', () => {
    const all: Resource[] = [...walk.seen.values()].flatMap((m) => [...m.values()]);
    const dangling = new Set<string>();
    for (const r of all) {
      if (r.resourceType === 'Bundle') continue; // its entries are in `seen` themselves
      for (const ref of referencesIn(r)) {
        const [type, id] = ref.split('/');
        if (!walk.seen.get(type ?? '')?.has(id ?? '')) dangling.add(`${r.resourceType}/${r.id ?? ''} → ${ref}`);
      }
    }
    assert.deepEqual([...dangling].slice(0, 20), []);
    const total = all.filter((r) => r.resourceType !== 'Bundle').length;
    assert.ok(total > PATIENTS * 10, `resources walked: ${total}`);
  });
});

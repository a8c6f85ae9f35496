// DocumentReference over real HTTP against the simulated clinic: every advertised search
// parameter, deleted and provider documents, a document whose file is gone, uploads.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { DocumentReference } from 'fhir/r4.js';
import type { DocumentRow } from '../../src/sim/clinic/model.js';
import { medplumValidate } from '../helpers/independent-validator.js';
import { startStack, type FhirAnswer, type Stack } from '../helpers/stack.js';

let stack: Stack;
// The cache stays on (an upload must show up in the patient's cached list); no change-feed
// polling, so the simulator counts only the calls a request makes.
before(async () => { stack = await startStack({ env: { CHANGE_POLL_SECONDS: '0' } }); });
after(async () => { await stack.close(); });

const sha1 = (b: Buffer): string => createHash('sha1').update(b).digest('base64');
const ids = (bundle: { entry?: { resource: { resourceType: string; id: string } }[] }): number[] =>
  (bundle.entry ?? []).filter((e) => e.resource.resourceType === 'DocumentReference').map((e) => Number(e.resource.id)).sort((a, b) => a - b);
const outcomes = (bundle: { entry?: { resource: { resourceType: string }; search?: { mode: string } }[] }): unknown[] =>
  (bundle.entry ?? []).filter((e) => e.search?.mode === 'outcome').map((e) => e.resource);

/** Documents the store links to a patient (ctl_document module 'demographic'), readable or not. */
function storeDocsOf(demographicNo: number): DocumentRow[] {
  const { documents, ctlDocuments } = stack.sim.store.data;
  const nos = new Set(ctlDocuments.filter((c) => c.module === 'demographic' && c.moduleId === demographicNo).map((c) => c.documentNo));
  return documents.filter((d) => nos.has(d.documentNo));
}
function moduleOf(documentNo: number): string | undefined {
  return stack.sim.store.data.ctlDocuments.find((c) => c.documentNo === documentNo)?.module;
}
const readable = (rows: DocumentRow[]): DocumentRow[] => rows.filter((r) => r.file !== null);
const nos = (rows: DocumentRow[]): number[] => rows.map((r) => r.documentNo).sort((a, b) => a - b);

function assertAllValid(bundle: { entry?: { resource: unknown; search?: { mode: string } }[] }): void {
  for (const e of bundle.entry ?? []) {
    if (e.search?.mode === 'outcome') continue;
    assert.deepEqual(medplumValidate(e.resource), [], JSON.stringify(e.resource));
    assert.equal(JSON.stringify(e.resource).includes('"data"'), false, 'a DocumentReference never carries the bytes');
  }
}

async function search(query: string): Promise<FhirAnswer> {
  const r = await stack.fhir(`/DocumentReference?${query}`);
  assert.equal(r.status, 200, r.text);
  assertAllValid(r.body);
  return r;
}

/** The patient with a deleted document and the most readable ones (1126 in the seed-1 clinic). */
function richPatient(): number {
  const { ctlDocuments, documents } = stack.sim.store.data;
  const patients = [...new Set(ctlDocuments.filter((c) => c.module === 'demographic').map((c) => c.moduleId))];
  const withDeleted = patients.filter((p) => readable(storeDocsOf(p)).some((d) => d.status === 'D'));
  assert.ok(withDeleted.length > 0 && documents.length > 0);
  return withDeleted.sort((a, b) => readable(storeDocsOf(b)).length - readable(storeDocsOf(a)).length)[0]!;
}

describe('read', () => {
  test("patient 1001's CBC results: metadata, size and SHA-1 of the bytes, a url to Binary, never the bytes", async () => {
    const cbc = stack.sim.store.data.documents.find((d) => d.docdesc === 'CBC results' && storeDocsOf(1001).includes(d))!;
    const r = await stack.fhir(`/DocumentReference/${cbc.documentNo}`);
    assert.equal(r.status, 200);
    const d = r.body as DocumentReference;
    assert.equal(d.status, 'current');
    assert.equal(d.description, 'CBC results');
    assert.deepEqual(d.subject, { reference: 'Patient/1001' });
    assert.deepEqual(d.type?.coding?.[0], { system: 'http://loinc.org', code: '11502-2', display: 'Laboratory report' });
    assert.equal(d.author?.[0]?.reference, `Practitioner/${cbc.doccreator}`);
    assert.ok(d.author?.[0]?.display, 'the author reference names the provider');
    const a = d.content[0]!.attachment;
    assert.equal(a.contentType, 'application/pdf');
    assert.equal(a.title, 'cbc.pdf'); // stored as 20240312101500_cbc.pdf (contract 7.26)
    assert.equal(a.size, cbc.file!.length);
    assert.equal(a.hash, sha1(cbc.file!));
    assert.equal(a.url, `${stack.base}/Binary/${cbc.documentNo}`);
    assert.equal(a.data, undefined);
    assert.equal(a.creation, '2024-03-11');
    assert.deepEqual(medplumValidate(d), []);
  });

  test('a deleted document (status D / 68) reads as entered-in-error', async () => {
    const deleted = stack.sim.store.data.documents.find((d) => d.status === 'D' && d.file !== null && moduleOf(d.documentNo) === 'demographic')!;
    const r = await stack.fhir(`/DocumentReference/${deleted.documentNo}`);
    assert.equal(r.status, 200);
    assert.equal(r.body.status, 'entered-in-error');
    assert.deepEqual(medplumValidate(r.body), []);
  });

  test('provider-module documents, unknown and out-of-range numbers are 404', async () => {
    const providerDocs = stack.sim.store.data.documents.filter((d) => moduleOf(d.documentNo) === 'provider');
    assert.ok(providerDocs.length >= 1);
    for (const d of providerDocs) assert.equal((await stack.fhir(`/DocumentReference/${d.documentNo}`)).status, 404);
    assert.equal((await stack.fhir('/DocumentReference/999999')).status, 404);
    stack.sim.stats.reset();
    assert.equal((await stack.fhir('/DocumentReference/99999999999')).status, 404);
    assert.equal((await stack.fhir('/DocumentReference/abc')).status, 404);
    assert.equal(stack.sim.stats.count('DocumentService.getDocument'), 0, 'no OSCAR call for a number OSCAR cannot hold');
  });

  test('a document whose file is gone from OSCAR is a 502 on read (getDocument faults, contract 4.10)', async () => {
    const missing = stack.sim.store.data.documents.find((d) => d.file === null && moduleOf(d.documentNo) === 'demographic')!;
    const r = await stack.fhir(`/DocumentReference/${missing.documentNo}`);
    assert.equal(r.status, 502);
    assert.equal(r.body.resourceType, 'OperationOutcome');
    assert.match(r.body.issue[0].diagnostics, /cannot read its file/);
  });
});

describe('search', () => {
  test("patient=1001 finds the CBC results PDF (the consent-gated list is empty for the demo user)", async () => {
    stack.sim.stats.reset();
    const r = await search('patient=1001');
    assert.deepEqual(r.body.entry.map((e: { resource: DocumentReference }) => e.resource.description), ['CBC results']);
    assert.equal(stack.sim.stats.count('DocumentService.getDocumentsByDemographicIdAfter'), 1);
    assert.ok(stack.sim.stats.count('DocumentService.getDocumentsByProgramProviderDemographicDate') >= 1);
    for (const q of ['patient=Patient/1001', 'subject=Patient/1001', 'subject:Patient=1001', `patient=${encodeURIComponent(`${stack.base}/Patient/1001`)}`]) {
      assert.deepEqual(ids((await search(q)).body), ids(r.body), q);
    }
  });

  test('in a clinic without provider consent types one getDocumentsByDemographicIdAfter answers it all', async () => {
    const types = stack.sim.store.data.consentTypes.filter((t) => t.active);
    assert.ok(types.length > 0, 'precondition: the simulated clinic uses a provider consent type');
    for (const t of types) t.active = false;
    try {
      const p = richPatient();
      stack.sim.stats.reset();
      const r = await search(`patient=${p}`);
      assert.deepEqual(ids(r.body), nos(readable(storeDocsOf(p))));
      assert.equal(stack.sim.stats.count('DocumentService.getDocumentsByDemographicIdAfter'), 1);
      assert.equal(stack.sim.stats.count('DocumentService.getDocumentsByProgramProviderDemographicDate'), 0);
    } finally {
      for (const t of types) t.active = true;
    }
  });

  test('patient search returns every readable document OSCAR files under the patient, deleted ones included', async () => {
    const p = richPatient();
    const r = await search(`patient=${p}`);
    assert.deepEqual(ids(r.body), nos(readable(storeDocsOf(p))));
    const byId = new Map(r.body.entry.map((e: { resource: DocumentReference }) => [Number(e.resource.id), e.resource]));
    for (const row of readable(storeDocsOf(p))) {
      const d = byId.get(row.documentNo) as DocumentReference;
      assert.equal(d.status, row.status === 'D' ? 'entered-in-error' : 'current');
      assert.equal(d.content[0]!.attachment.hash, sha1(row.file!));
    }
    // two patients ORed
    const both = await search(`patient=${p},1001`);
    assert.deepEqual(ids(both.body), nos([...readable(storeDocsOf(p)), ...readable(storeDocsOf(1001))]));
  });

  test('a document whose file is gone is skipped by patient search (as OSCAR lists do) and reported by _id search', async () => {
    const missing = stack.sim.store.data.documents.find((d) => d.file === null && moduleOf(d.documentNo) === 'demographic')!;
    const owner = stack.sim.store.data.ctlDocuments.find((c) => c.documentNo === missing.documentNo)!.moduleId;
    const r = await search(`patient=${owner}`);
    assert.deepEqual(ids(r.body), nos(readable(storeDocsOf(owner))));
    assert.equal(ids(r.body).includes(missing.documentNo), false);

    const byId = await search(`_id=1,${missing.documentNo}`);
    assert.deepEqual(ids(byId.body), [1]);
    const [outcome] = outcomes(byId.body) as { issue: { severity: string; diagnostics: string }[] }[];
    assert.equal(outcome?.issue[0]?.severity, 'warning');
    assert.match(outcome!.issue[0]!.diagnostics, new RegExp(`DocumentReference/${missing.documentNo}\\b`));
  });

  test('_id: several ids at once; provider-module and unknown ids match nothing', async () => {
    const deleted = stack.sim.store.data.documents.find((d) => d.status === 'D' && d.file !== null && moduleOf(d.documentNo) === 'demographic')!;
    const provider = stack.sim.store.data.documents.find((d) => moduleOf(d.documentNo) === 'provider')!;
    const r = await search(`_id=1,${deleted.documentNo},${provider.documentNo},999999`);
    assert.deepEqual(ids(r.body), [1, deleted.documentNo].sort((a, b) => a - b));
    assert.deepEqual(outcomes(r.body), []);
  });

  test('status: current | entered-in-error, and :not', async () => {
    const p = richPatient();
    const rows = readable(storeDocsOf(p));
    assert.deepEqual(ids((await search(`patient=${p}&status=entered-in-error`)).body), nos(rows.filter((d) => d.status === 'D')));
    assert.deepEqual(ids((await search(`patient=${p}&status=current`)).body), nos(rows.filter((d) => d.status === 'A')));
    assert.deepEqual(ids((await search(`patient=${p}&status:not=current`)).body), nos(rows.filter((d) => d.status === 'D')));
    assert.equal((await stack.fhir(`/DocumentReference?patient=${p}&status=superseded`)).status, 400);
  });

  test('type: OSCAR doctype as a code, LOINC code, :text and :not', async () => {
    const p = richPatient();
    const rows = readable(storeDocsOf(p));
    const labs = nos(rows.filter((d) => d.doctype === 'lab'));
    assert.ok(labs.length > 0 && labs.length < rows.length, 'the patient has lab and other documents');
    assert.deepEqual(ids((await search(`patient=${p}&type=lab`)).body), labs);
    assert.deepEqual(ids((await search(`patient=${p}&type=${encodeURIComponent('http://loinc.org|11502-2')}`)).body), labs);
    assert.deepEqual(ids((await search(`patient=${p}&type:not=lab`)).body), nos(rows.filter((d) => d.doctype !== 'lab')));
    const other = rows.find((d) => d.doctype !== 'lab')!.doctype;
    assert.deepEqual(ids((await search(`patient=${p}&type:text=${other}`)).body), nos(rows.filter((d) => d.doctype === other)));
    assert.deepEqual(ids((await search(`patient=${p}&type=lab,${other}`)).body), nos(rows.filter((d) => d.doctype === 'lab' || d.doctype === other)));
    assert.deepEqual(ids((await search(`patient=${p}&type=${encodeURIComponent('http://loinc.org|')}lab`)).body), []);
  });

  test('date: every prefix, on the day of a change in the clinic timezone', async () => {
    const p = richPatient();
    const rows = readable(storeDocsOf(p));
    const day = [...rows].sort((a, b) => (a.updatedatetime < b.updatedatetime ? -1 : 1))[1]!.updatedatetime.slice(0, 10);
    const on = (r: DocumentRow): string => r.updatedatetime.slice(0, 10);
    const expected: Record<string, (r: DocumentRow) => boolean> = {
      eq: (r) => on(r) === day, ne: (r) => on(r) !== day,
      gt: (r) => on(r) > day, sa: (r) => on(r) > day, ge: (r) => on(r) >= day,
      lt: (r) => on(r) < day, eb: (r) => on(r) < day, le: (r) => on(r) <= day,
    };
    for (const [prefix, keep] of Object.entries(expected)) {
      assert.deepEqual(ids((await search(`patient=${p}&date=${prefix}${day}`)).body), nos(rows.filter(keep)), `date=${prefix}${day}`);
    }
    const ap = ids((await search(`patient=${p}&date=ap${day}`)).body);
    for (const n of nos(rows.filter(expected.eq!))) assert.ok(ap.includes(n), 'ap includes the day itself');
    // a date-time with an offset, and an AND of two bounds
    const row = rows.find((r) => on(r) === day)!;
    const instant = (r: DocumentRow): string => r.updatedatetime; // local wall clock, read in the server zone
    assert.deepEqual(ids((await search(`patient=${p}&date=${instant(row)}`)).body), [row.documentNo]);
    assert.deepEqual(ids((await search(`patient=${p}&date=ge${day}&date=le${day}`)).body), nos(rows.filter(expected.eq!)));
  });

  test('_lastUpdated: the clinic-wide change list, read in chunks, without provider documents', async () => {
    const { documents } = stack.sim.store.data;
    const dates = documents.map((d) => d.updatedatetime.slice(0, 10)).sort().reverse();
    const providerDays = documents.filter((d) => moduleOf(d.documentNo) === 'provider').map((d) => d.updatedatetime.slice(0, 10));
    // A window of more than one 50-document chunk that holds a provider document.
    const since = [dates[59]!, ...providerDays.filter((d) => d >= dates[150]!)].sort()[0]!;
    const inWindow = documents.filter((d) => d.updatedatetime.slice(0, 10) >= since);
    assert.ok(inWindow.some((d) => moduleOf(d.documentNo) === 'provider'), 'precondition: a provider document changed in the window');
    assert.ok(inWindow.length > 50 && inWindow.length <= 200, `precondition: ${inWindow.length} documents in the window`);

    stack.sim.stats.reset();
    const r = await search(`_lastUpdated=ge${since}&_count=200`);
    assert.deepEqual(ids(r.body), nos(inWindow.filter((d) => d.file !== null && moduleOf(d.documentNo) === 'demographic')));
    assert.ok(stack.sim.stats.count('DocumentService.getDocumentsUpdateAfterDate') >= 2, 'read in chunks');

    const gt = await search(`_lastUpdated=gt${since}&status=entered-in-error&_count=200`);
    assert.deepEqual(ids(gt.body), nos(inWindow.filter((d) => d.file !== null && d.status === 'D' && moduleOf(d.documentNo) === 'demographic' && d.updatedatetime.slice(0, 10) > since)));
    // with a patient, _lastUpdated filters that patient's documents, any prefix
    const p = richPatient();
    const old = await search(`patient=${p}&_lastUpdated=lt2100-01-01`);
    assert.deepEqual(ids(old.body), nos(readable(storeDocsOf(p))));
  });

  test('too costly: no patient, subject, _id or _lastUpdated lower bound', async () => {
    stack.sim.stats.reset();
    for (const q of ['', '?type=lab', '?status=current', '?date=ge2024-01-01', '?_lastUpdated=lt2020-01-01', '?_lastUpdated=ne2020-01-01']) {
      const r = await stack.fhir(`/DocumentReference${q}`);
      assert.equal(r.status, 400, q);
      assert.equal(r.body.issue[0].code, 'too-costly', q);
    }
    assert.equal(stack.sim.stats.count(), 0, 'refused before any OSCAR call');
  });

  test('a reference to a patient OSCAR cannot hold matches nothing, without OSCAR calls', async () => {
    stack.sim.stats.reset();
    const r = await search('patient=abc');
    assert.equal(r.body.total, 0);
    assert.equal(stack.sim.stats.count(), 0);
  });
});

describe('create', () => {
  const note = Buffer.from('Referral note\nSynthetic upload for the round-trip test.\n', 'utf8');
  const upload = (over: Partial<DocumentReference> = {}, attachment: Record<string, unknown> = {}): DocumentReference => ({
    resourceType: 'DocumentReference', status: 'current',
    type: { coding: [{ system: 'http://loinc.org', code: '11488-4' }] },
    subject: { reference: 'Patient/1001' },
    description: 'Referral note',
    content: [{ attachment: { contentType: 'text/plain', data: note.toString('base64'), title: 'referral-note.txt', creation: '2026-11-20', ...attachment } }],
    ...over,
  });
  const post = (body: unknown): Promise<FhirAnswer> => stack.fhir('/DocumentReference', {
    method: 'POST', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify(body),
  });

  test('upload round trip: stored through saveDocumentToDemographic, read back, bytes served as Binary', async () => {
    const before = stack.sim.store.data.documents.length;
    const r = await post(upload());
    assert.equal(r.status, 201, r.text);
    const d = r.body as DocumentReference;
    assert.match(r.headers.get('location') ?? '', new RegExp(`/DocumentReference/${d.id}/_history/`));
    assert.deepEqual(medplumValidate(d), []);
    assert.equal(stack.sim.store.data.documents.length, before + 1);
    const row = stack.sim.store.data.documents.find((x) => x.documentNo === Number(d.id))!;
    assert.match(row.docfilename, /^\d{14}_referral-note\.txt$/); // contract 7.26
    assert.equal(row.doctype, 'consult');
    assert.deepEqual(row.file, note);

    assert.equal(d.status, 'current');
    assert.deepEqual(d.subject, { reference: 'Patient/1001' });
    assert.equal(d.description, 'Referral note');
    assert.equal(d.type?.text, 'consult');
    const a = d.content[0]!.attachment;
    assert.equal(a.title, 'referral-note.txt');
    assert.equal(a.size, note.length);
    assert.equal(a.hash, sha1(note));
    assert.equal(a.creation, '2026-11-20');
    assert.equal(a.data, undefined);

    const bin = await fetch(a.url!);
    assert.equal(bin.status, 200);
    assert.equal(bin.headers.get('content-type'), 'text/plain');
    assert.deepEqual(Buffer.from(await bin.arrayBuffer()), note);
    // and the patient's document list now has it
    assert.ok(ids((await search('patient=1001')).body).includes(Number(d.id)));
  });

  test('a title with a path is stored as a bare file name', async () => {
    const r = await post(upload({}, { title: '../../etc/passwd.txt' }));
    assert.equal(r.status, 201, r.text);
    const row = stack.sim.store.data.documents.find((x) => x.documentNo === Number(r.body.id))!;
    assert.match(row.docfilename, /^\d{14}_passwd\.txt$/);
  });

  test('uploads OSCAR cannot store are 422, and nothing reaches OSCAR', async () => {
    const noSubject = upload();
    delete noSubject.subject;
    const cases: [string, unknown][] = [
      ['url only, no data', upload({}, { data: undefined, url: 'https://example.org/x.txt' })],
      ['neither data nor url', upload({}, { data: undefined })],
      ['no content type', upload({}, { contentType: undefined })],
      ['no subject', noSubject],
      ['subject not a Patient', upload({ subject: { reference: 'Group/5' } })],
      ['data not base64', upload({}, { data: '@@not base64@@' })],
      ['hash does not match', upload({}, { hash: sha1(Buffer.from('other')) })],
      ['unknown patient', upload({ subject: { reference: 'Patient/999999' } })],
    ];
    const before = stack.sim.store.data.documents.length;
    stack.sim.stats.reset();
    for (const [what, body] of cases) {
      const r = await post(body);
      assert.equal(r.status, 422, `${what}: ${r.text}`);
      assert.equal(r.body.resourceType, 'OperationOutcome', what);
    }
    assert.equal(stack.sim.stats.count('REST POST /document/saveDocumentToDemographic'), 0);
    assert.equal(stack.sim.store.data.documents.length, before);
  });

  test('DocumentReference has no update or delete (OSCAR has no API for them)', async () => {
    const put = await stack.fhir('/DocumentReference/1', { method: 'PUT', headers: { 'content-type': 'application/fhir+json' }, body: JSON.stringify({ ...upload(), id: '1' }) });
    assert.equal(put.status, 405);
    assert.equal((await stack.fhir('/DocumentReference/1', { method: 'DELETE' })).status, 405);
  });
});

test('_include=DocumentReference:patient and :subject bring the patient the documents are filed under', async () => {
  for (const param of ['patient', 'subject']) {
    const r = await stack.fhir(`/DocumentReference?patient=1001&_include=DocumentReference:${param}`);
    assert.equal(r.status, 200, r.text);
    const included = (r.body.entry as { resource: { resourceType: string; id: string }; search: { mode: string } }[])
      .filter((e) => e.search.mode === 'include').map((e) => `${e.resource.resourceType}/${e.resource.id}`);
    assert.deepEqual(included, ['Patient/1001']);
  }
});

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { http, signed, startSim, type Sim } from './fixture.js';

// samples §3, byte for byte
const SAMPLE_ALLERGIES = '{"allergies":[{"id":7,"demographicNo":1001,"entryDate":1622520000000,"description":"PENICILLIN G","reaction":"Hives","archived":false,"hiclSeqno":null,"hicSeqno":null,"agcsp":null,"agccs":null,"typeCode":13,"drugrefId":"12345","startDate":1427860800000,"ageOfOnset":"0","severityOfReaction":"2","onsetOfReaction":"1","regionalIdentifier":"","lifeStage":"A","position":0,"lastUpdateDate":1622556942000,"providerNo":"999998"}]}';
const SAMPLE_IMMUNIZATIONS = '{"preventions":[{"id":42,"demographicId":1001,"creationDate":1710520000123,"preventionDate":1696996800000,"providerNo":"999998","preventionType":"Flu","deleted":false,"refused":false,"never":false,"nextDate":null,"creatorProviderNo":"999998","lastUpdateDate":null,"ineligible":false,"deletedRawValue":"\\u0000"}]}';
const VALIDATION = 'The request body must contain a title, encoded documentData, a fileType (png, jpg, pdf, etc.), and a demographicNo';

const TWO_PAGE_PDF = '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [3 0 R 4 0 R] /Count 2 >> endobj\n'
  + '3 0 obj << /Type /Page /Parent 2 0 R >> endobj\n4 0 obj << /Type /Page /Parent 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n';

describe('AllergyService, PreventionService and DocumentService', () => {
  let sim: Sim;
  before(async () => { sim = await startSim(1_710_520_000_123); });
  after(async () => { await sim.close(); });
  const nowSeconds = 1_710_520_000;
  const get = (path: string, accept = 'application/json') => signed(sim, 'GET', `/oscar/ws/services${path}`, { nowSeconds, accept });
  const upload = (path: string, body: unknown) => signed(sim, 'POST', `/oscar/ws/services/document${path}`,
    { nowSeconds, contentType: 'application/json', body: JSON.stringify(body) });

  it('lists active allergies as samples §3, leaving archived ones out', async () => {
    const r = await get('/allergies/active?demographicNo=1001');
    assert.equal(r.status, 200);
    assert.equal(r.body, SAMPLE_ALLERGIES);
  });

  it('orders by description and fills an empty reaction with "No reaction noted"', async () => {
    const list = JSON.parse((await get('/allergies/active?demographicNo=1003')).body) as { allergies: Array<{ description: string; reaction: string }> };
    assert.deepEqual(list.allergies.map((a) => [a.description, a.reaction]), [['CODEINE', 'Nausea'], ['PEANUTS', 'No reaction noted']]);
    assert.equal((await get('/allergies/active?demographicNo=abc')).status, 404);
  });

  it('renders immunizations as samples §3: latest per type only, converter losses included', async () => {
    const r = await get('/preventions/immunizations/1001');
    assert.equal(r.body, SAMPLE_IMMUNIZATIONS);
    const active = JSON.parse((await get('/preventions/active?demographicNo=1001')).body) as { preventions: Array<Record<string, unknown>> };
    assert.deepEqual(active.preventions.map((p) => [p.id, p.preventionType]), [[42, 'Flu'], [44, 'PAP']]);
    assert.equal(active.preventions[1]?.nextDate, Date.parse('2026-05-01T00:00:00-04:00'));
    assert.equal((await get('/preventions/immunizations/1001', 'application/xml')).status, 406);
  });

  it('validates saveDocumentToDemographic with the exact plain-string 400', async () => {
    const r = await upload('/saveDocumentToDemographic', { fileName: 'a.pdf', demographicNo: 1001 });
    assert.equal(r.status, 400);
    assert.equal(r.body, VALIDATION);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal((await upload('/saveDocumentToDemographic', { fileName: 'a.pdf', fileContents: '!!!', demographicNo: 1001 })).status, 400);
  });

  it('stores an uploaded PDF as yyyyMMddHHmmss_<name> with its page count and a ctl_document link', async () => {
    const r = await upload('/saveDocumentToDemographic', {
      fileName: 'report.pdf', fileContents: Buffer.from(TWO_PAGE_PDF, 'latin1').toString('base64'), demographicNo: 1001,
      description: 'Lab report', contentType: 'application/pdf', type: 'lab',
    });
    assert.equal(r.status, 200, r.body);
    const t = JSON.parse(r.body) as Record<string, unknown>;
    assert.deepEqual([t.fileName, t.numberOfPages, t.source, t.creator, t.status, t.programId, t.type],
      ['20240315122640_report.pdf', 2, 'REST API', '999998', 'A', -1, 'lab']);
    const row = sim.store.document(t.id as number);
    assert.equal(row?.file?.toString('latin1'), TWO_PAGE_PDF);
    assert.deepEqual(sim.store.data.ctlDocuments.find((c) => c.documentNo === t.id),
      { module: 'demographic', moduleId: 1001, documentNo: t.id, status: 'A' });
  });

  it('takes pending documents only with a queue', async () => {
    const file = Buffer.from('hello').toString('base64');
    const bad = await upload('/uploadPendingDocuments', { fileName: 'x.txt', fileContents: file, contentType: 'text/plain' });
    assert.equal(bad.status, 400);
    assert.equal((JSON.parse(bad.body) as { status: string }).status, 'Failed');
    const ok = await upload('/uploadPendingDocuments', { fileName: 'x.txt', fileContents: file, contentType: 'text/plain', queue: 1 });
    assert.equal(ok.status, 200);
  });

  it('needs an authenticated provider for every resource', async () => {
    const r = await http(sim.port, 'GET', '/oscar/ws/services/allergies/active?demographicNo=1001', { accept: 'application/json' });
    assert.equal(r.status, 500);
  });
});

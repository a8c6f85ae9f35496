import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { authHeader, http, SAMPLE_NOW, signed, startSim, type Sim } from './fixture.js';

// samples §1, byte for byte (its `age` was computed on 2024-03-12)
const SAMPLE_1001 = '{"demographicNo":1001,"address":{"province":"ON","postal":"M5V1A1","city":"Toronto","address":"123 Main St"},"phone":"416-555-0100","alternativePhone":"","patientStatus":"AC","patientStatusDate":1579064400000,"rosterStatus":"RO","providerNo":"999998","hin":"9876543217","ver":"AB","dateOfBirth":317001600000,"dobYear":"1980","dobMonth":"01","dobDay":"17","sex":"F","sexDesc":"Female","dateJoined":1551416400000,"familyDoctor":"<rdohip></rdohip><rd></rd>","firstName":"JANE","lastName":"DOE","hcRenewDate":1768626000000,"pcnIndicator":null,"endDate":null,"hcType":"ON","chartNo":"C-1001","email":"jane.doe@example.org","effDate":1551416400000,"rosterDate":1551416400000,"rosterTerminationDate":null,"rosterTerminationReason":"","links":"","alias":"","previousAddress":{"province":null,"postal":null,"city":null,"address":""},"children":"","sourceOfIncome":"","citizenship":"","sin":"","anonymous":null,"spokenLanguage":"English","activeCount":0,"hsAlertCount":0,"displayName":null,"provider":{"providerNo":"999998","lastName":"oscardoc","firstName":"doctor","name":"oscardoc, doctor","comments":null,"phone":"","billingNo":"","workPhone":"","address":{"province":null,"postal":null,"city":null,"address":null},"team":"","enabled":true,"providerType":null,"sex":"M","ohipNo":"","specialty":"","dob":null,"hsoNo":null,"providerActivity":null,"rmaNo":null,"signedConfidentiality":null,"practitionerNo":null,"practitionerNoType":null,"email":null,"title":null,"lastUpdateUser":"999998","lastUpdateDate":1700000000000},"lastUpdateUser":"999998","lastUpdateDate":1709910000000,"title":"MS","officialLanguage":"English","countryOfOrigin":"-1","newsletter":"Unknown","nurse":null,"resident":null,"alert":null,"midwife":null,"notes":null,"waitingListID":null,"waitingListNote":null,"onWaitingListSinceDate":null,"age":{"days":24,"months":1,"years":44},"admissionProgramId":null,"middleNames":"","gender":"","pronoun":"","genderId":null,"pronounId":null,"cellPhone":"647-555-0199","phoneComment":null,"demoContacts":[],"demoContactPros":[],"extras":[{"id":55,"demographicNo":1001,"providerNo":"999998","key":"demo_cell","value":"647-555-0199","dateCreated":1709910000000,"hidden":false}],"doctors":[],"nurses":[],"midwives":[],"referralDoctors":[],"waitingListNames":[],"patientStatusList":[{"value":"RO"},{"value":"NR"}],"rosterStatusList":[{"value":"RO"},{"value":"NR"}],"allergies":[],"measurements":[],"consultationRequests":[],"consultationResponses":[],"encounterNotes":[],"documents":[],"medicationSummary":[]}';
const SAMPLE_QUICKSEARCH = '{"offset":0,"limit":0,"total":1,"timestamp":1710520000000,"content":[{"demographicNo":1001,"lastName":"DOE","firstName":"JANE","chartNo":"C-1001","sex":"F","dob":316933200000,"providerNo":"999998","providerName":"oscardoc,doctor","rosterStatus":"RO","patientStatus":"AC","phone":"416-555-0100","hin":"9876543217","remoteFacilityId":null,"formattedDOB":"1980-01-17"}],"query":"doe,jane"}';

const JSON_BODY = { 'content-type': 'application/json' };
const BAD_AUTH = 'OAuth oauth_consumer_key="k3y0s1d2e4f5g6h7", oauth_token="x", oauth_signature="bad", oauth_timestamp="1", oauth_nonce="n"';

describe('DemographicService: Jackson shape and OSCAR quirks', () => {
  const noon0312 = Date.parse('2024-03-12T12:00:00-04:00');
  let sim: Sim;
  before(async () => { sim = await startSim(noon0312); });
  after(async () => { await sim.close(); });
  const nowS = Math.floor(noon0312 / 1000);
  const get = (path: string, accept = 'application/json') => signed(sim, 'GET', `/oscar/ws/services${path}`, { nowSeconds: nowS, accept });
  const send = (method: string, path: string, body: unknown, accept = 'application/json') =>
    signed(sim, method, `/oscar/ws/services${path}`, { nowSeconds: nowS, accept, contentType: 'application/json', body: JSON.stringify(body) });

  it('renders GET /demographics/{id} exactly as samples §1: compact, nulls present, wire key order, dates as ms', async () => {
    const r = await get('/demographics/1001');
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.body, SAMPLE_1001);
  });

  it('carries the dateOfBirth bug: the local time of day of epoch 0 on the birth date (contract 7.4)', async () => {
    const row = sim.store.demographic(1003);
    assert.ok(row);
    Object.assign(row, { yearOfBirth: '1990', monthOfBirth: '07', dateOfBirth: '01' });
    const t = JSON.parse((await get('/demographics/1003')).body) as Record<string, unknown>;
    assert.equal(t.dateOfBirth, Date.UTC(1990, 6, 1, 23, 0)); // 19:00 EDT, not midnight
    assert.deepEqual([t.dobYear, t.dobMonth, t.dobDay], ['1990', '07', '01']);
  });

  it('answers 500 for a partial birth date (contract 7.23) but still finds the patient by search', async () => {
    const r = await get('/demographics/1002');
    assert.equal(r.status, 500);
    assert.match(r.headers['content-type'] ?? '', /^text\/html/);
    const found = JSON.parse((await get('/demographics/quickSearch?query=partial')).body) as { content: Array<Record<string, unknown>> };
    assert.equal(found.content[0]?.demographicNo, 1002);
    assert.equal(found.content[0]?.dob, null);
  });

  it('answers 204 with no body for an unknown id, and 500 from /summary', async () => {
    for (const path of ['/demographics/4242', '/demographics/basic/4242']) {
      const r = await get(path);
      assert.equal(r.status, 204);
      assert.equal(r.body, '');
    }
    assert.equal((await get('/demographics/summary/4242')).status, 500);
    const summary = JSON.parse((await get('/demographics/summary/1001')).body) as Record<string, unknown>;
    assert.equal(summary.alternativePhone, '647-555-0199'); // overwritten with demo_cell
    assert.deepEqual(summary.extras, []);
  });

  it('aliases the status lists and includes active allergies on request', async () => {
    const t = JSON.parse((await get('/demographics/1001?includes[]=allergies')).body) as Record<string, Array<Record<string, unknown>>>;
    assert.deepEqual(t.patientStatusList, t.rosterStatusList);
    assert.deepEqual(t.allergies?.map((a) => a.id), [7]);
  });

  it('PUT replaces the whole record: omitted fields become null, residential address is cleared, only extras persist the cell', async () => {
    const before = sim.store.demographic(1001);
    assert.equal(before?.residentialAddress, '9 Home Rd');
    const body = {
      demographicNo: 1001, lastName: 'DOE', firstName: 'JANE', sex: 'F', dobYear: '1980', dobMonth: '01', dobDay: '17',
      patientStatus: 'AC', address: { address: '1 New St', city: 'Ottawa', province: 'ON', postal: 'K1A0B1' },
      cellPhone: '999-999-9999', extras: [{ key: 'demo_cell', value: '647-555-0000' }],
    };
    assert.equal((await send('PUT', '/demographics', body)).status, 406); // XML-only method
    const r = await send('PUT', '/demographics', body, 'application/xml');
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/xml');
    assert.match(r.body, /^<\?xml version="1\.0" encoding="UTF-8" standalone="yes"\?><demographicTo1><demographicNo>1001<\/demographicNo>/);
    assert.match(r.body, /<city>Ottawa<\/city>/);
    const row = sim.store.demographic(1001);
    assert.equal(row?.email, null);
    assert.equal(row?.phone, null);
    assert.equal(row?.hin, null);
    assert.equal(row?.residentialAddress, null);
    assert.equal(row?.city, 'Ottawa');
    assert.equal(row?.lastUpdateUser, '999998');
    const cells = sim.store.data.demographicExts.filter((e) => e.demographicNo === 1001 && e.key === 'demo_cell').map((e) => e.value);
    assert.deepEqual(cells, ['647-555-0000']);
  });

  it('POST creates from the converter: a date-only string lands a day early, epoch ms does not (contract 7.25)', async () => {
    const r = await send('POST', '/demographics', {
      lastName: 'NEWMAN', firstName: 'ALEX', sex: 'X', dobYear: '2001', dobMonth: '02', dobDay: '03', patientStatus: 'AC',
      hcRenewDate: '2020-08-08', effDate: Date.parse('2020-08-08T00:00:00-04:00'), admissionProgramId: 10016,
    });
    assert.equal(r.status, 200);
    const t = JSON.parse(r.body) as Record<string, unknown>;
    const row = sim.store.demographic(t.demographicNo as number);
    assert.equal(row?.hcRenewDate, '2020-08-07');
    assert.equal(row?.effDate, '2020-08-08');
    assert.equal(t.hcRenewDate, Date.UTC(2020, 7, 8)); // the answer echoes the instant and hides the shift
    const reread = JSON.parse((await get(`/demographics/${String(t.demographicNo)}`)).body) as Record<string, unknown>;
    assert.equal(reread.hcRenewDate, Date.parse('2020-08-07T00:00:00-04:00'));
    assert.equal(t.sexDesc, null); // a built object keeps the TO's sexDesc
    assert.equal(t.lastUpdateUser, '999998');
  });

  it('rejects unknown JSON properties with 400 and caps quickSearch at 10 of the full total', async () => {
    assert.equal((await send('POST', '/demographics', { lastName: 'X', nickname: 'nope' })).status, 400);
    const smith = JSON.parse((await get('/demographics/quickSearch?query=smith')).body) as { total: number; content: unknown[]; query: string };
    assert.equal(smith.total, 12); // the inactive SMITH is not counted
    assert.equal(smith.content.length, 10);
    assert.equal(smith.query, 'smith');
    const none = JSON.parse((await get('/demographics/quickSearch?query=zzz')).body) as Record<string, unknown>;
    assert.deepEqual([none.total, none.content, none.query], [0, [], null]);
  });

  it('POST /demographics/search needs every body key and both paging parameters', async () => {
    const body = { type: 'Name', term: 'smith', active: 'false', integrator: 'false', outofdomain: 'true', params: { 'sorting[DemographicNo]': 'desc' } };
    const ok = await send('POST', '/demographics/search?startIndex=0&itemsToReturn=3', body);
    const page = JSON.parse(ok.body) as { total: number; content: Array<{ demographicNo: number }>; query: null };
    assert.equal(page.total, 13); // active=false includes the inactive one
    assert.deepEqual(page.content.map((c) => c.demographicNo), [2100, 2012, 2011]);
    assert.equal((await send('POST', '/demographics/search', body)).status, 500);
    const { integrator: _dropped, ...missingKey } = body;
    assert.equal((await send('POST', '/demographics/search?startIndex=0&itemsToReturn=3', missingKey)).status, 500);
    assert.equal((await send('POST', '/demographics/search?startIndex=0&itemsToReturn=3', { ...body, type: 'Nickname' })).status, 500);
  });
});

describe('DemographicService: quickSearch sample and XML-only methods', () => {
  let sim: Sim;
  before(async () => { sim = await startSim(SAMPLE_NOW); });
  after(async () => { await sim.close(); });

  it('renders the quickSearch sample (samples §1 search variant)', async () => {
    const r = await signed(sim, 'GET', '/oscar/ws/services/demographics/quickSearch?query=doe,jane');
    assert.equal(r.body, SAMPLE_QUICKSEARCH);
  });

  it('puts 404/405/406/415/400 before the OAuth check (contract 1.6)', async () => {
    const h = (extra: Record<string, string>) => ({ authorization: BAD_AUTH, ...extra });
    const p = sim.port;
    assert.equal((await http(p, 'GET', '/oscar/ws/services/demographics', h({ accept: 'application/json' }))).status, 406);
    assert.equal((await http(p, 'DELETE', '/oscar/ws/services/demographics/1003', h({ accept: 'application/json' }))).status, 406);
    assert.equal((await http(p, 'POST', '/oscar/ws/services/demographics', h({ 'content-type': 'text/plain' }), '{}')).status, 415);
    assert.equal((await http(p, 'POST', '/oscar/ws/services/demographics', h(JSON_BODY), '{"nickname":1}')).status, 400);
    assert.equal((await http(p, 'POST', '/oscar/ws/services/demographics', h(JSON_BODY), '{not json')).status, 400);
    assert.equal((await http(p, 'GET', '/oscar/ws/services/demographics/abc', h({}))).status, 404);
    assert.equal((await http(p, 'GET', '/oscar/ws/services/nothing/here', h({}))).status, 404);
    assert.equal((await http(p, 'POST', '/oscar/ws/services/demographics/quickSearch', h(JSON_BODY), '{}')).status, 405);
    const fault = await http(p, 'GET', '/oscar/ws/services/demographics', h({ accept: 'application/xml' }));
    assert.equal(fault.status, 500);
    assert.equal(fault.headers['content-type'], 'application/xml;charset=UTF-8'); // the negotiated type, though the body is a fault
  });

  it('serves GET /demographics as XML (active only) and DELETE as XML', async () => {
    // one active patient with a partial birth date on the page breaks the whole list (contract 7.23)
    assert.equal((await signed(sim, 'GET', '/oscar/ws/services/demographics?limit=2', { accept: '*/*' })).status, 500);
    const list = await signed(sim, 'GET', '/oscar/ws/services/demographics?offset=2&limit=2', { accept: '*/*' });
    assert.equal(list.status, 200);
    assert.equal(list.headers['content-type'], 'application/xml');
    assert.match(list.body, /^<\?xml[^>]*\?><List><offset>2<\/offset><limit>2<\/limit><total>15<\/total><timestamp>2024-03-15T12:26:40-04:00<\/timestamp><Item><demographicNo>1003<\/demographicNo>/);
    assert.equal((list.body.match(/<Item>/g) ?? []).length, 2);
    assert.equal((await signed(sim, 'GET', '/oscar/ws/services/demographics?limit=501', { accept: 'application/xml' })).status, 500);

    const del = await signed(sim, 'DELETE', '/oscar/ws/services/demographics/1003', { accept: 'application/xml' });
    assert.equal(del.status, 200);
    assert.match(del.body, /<lastName>DOE<\/lastName>/);
    assert.equal(sim.store.demographic(1003)?.patientStatus, 'DE');
    const url = `${sim.origin}/oscar/ws/services/demographics/4242`;
    const gone = await http(sim.port, 'DELETE', '/oscar/ws/services/demographics/4242', { accept: 'application/xml', authorization: authHeader({ url, method: 'DELETE' }) });
    assert.equal(gone.status, 500);
  });
});

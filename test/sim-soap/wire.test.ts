// Wire-level fidelity of the SOAP simulator, checked with fetch and hand-written envelopes:
// CXF's envelope and faults, JAXB's element order and null omission, Woodstox escaping, gzip and
// the served WSDL (contract 4.1, 4.12, samples §4 and §9).

import assert from 'node:assert/strict';
import { request } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { after, before, describe, it } from 'node:test';
import * as soap from 'soap';
import { envelope, post, startSim, usernameToken } from './fixture.js';
import type { RunningSim } from './fixture.js';

let sim: RunningSim;
before(async () => { sim = await startSim(); });
after(async () => { await sim.close(); });

const AUTH = (): string => usernameToken('128', 'mac2002');
const call = (service: string, body: string, headers: Record<string, string> = {}) =>
  post(`${sim.ws}/${service}`, envelope(body, service === 'LoginService' || service === 'SystemInfoService' ? '' : AUTH()), headers);

/** samples §4, byte for byte: the fixture's patient 1001 is the sample's JANE DOE. */
const SAMPLE_4 = '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><ns2:getDemographicResponse xmlns:ns2="http://ws.oscarehr.org/"><return><activeCount>0</activeCount><address>123 Main St</address><alias></alias><cellPhone>647-555-0199</cellPhone><chartNo>C-1001</chartNo><children></children><citizenship></citizenship><city>Toronto</city><dateJoined>2019-03-01T00:00:00-05:00</dateJoined><dateOfBirth>17</dateOfBirth><demographicNo>1001</demographicNo><displayName>DOE, JANE</displayName><effDate>2019-03-01T00:00:00-05:00</effDate><email>jane.doe@example.org</email><familyDoctor>&lt;rdohip>&lt;/rdohip>&lt;rd>&lt;/rd></familyDoctor><firstName>JANE</firstName><gender></gender><hcRenewDate>2026-01-17T00:00:00-05:00</hcRenewDate><hcType>ON</hcType><hin>9876543217</hin><hsAlertCount>0</hsAlertCount><lastName>DOE</lastName><lastUpdateDate>2024-03-08T10:00:00-05:00</lastUpdateDate><lastUpdateUser>999998</lastUpdateUser><monthOfBirth>01</monthOfBirth><officialLanguage>English</officialLanguage><patientStatus>AC</patientStatus><patientStatusDate>2020-01-15T00:00:00-05:00</patientStatusDate><phone>416-555-0100</phone><phone2></phone2><postal>M5V1A1</postal><previousAddress></previousAddress><pronoun></pronoun><providerNo>999998</providerNo><province>ON</province><rosterDate>2019-03-01T00:00:00-05:00</rosterDate><rosterStatus>RO</rosterStatus><rosterTerminationReason></rosterTerminationReason><sex>F</sex><sexDesc>Female</sexDesc><sin></sin><sourceOfIncome></sourceOfIncome><spokenLanguage>English</spokenLanguage><title>MS</title><ver>AB</ver><yearOfBirth>1980</yearOfBirth></return></ns2:getDemographicResponse></soap:Body></soap:Envelope>';

/** Names of the direct children of the first <return>. */
function returnChildren(xml: string): string[] {
  const inner = /<return>(.*?)<\/return>/.exec(xml)?.[1] ?? '';
  const names: string[] = [];
  let depth = 0;
  for (const m of inner.matchAll(/<(\/?)([A-Za-z0-9]+)[^>]*?(\/?)>/g)) {
    if (m[1]) depth--;
    else { if (depth === 0) names.push(m[2] ?? ''); if (!m[3]) depth++; }
  }
  return names;
}

const sortedCopy = (a: readonly string[]): string[] => [...a].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));

describe('CXF response shape', () => {
  it('renders getDemographic exactly like samples §4', async () => {
    const r = await call('DemographicService', '<ws:getDemographic><arg0>1001</arg0></ws:getDemographic>');
    assert.equal(r.status, 200);
    assert.equal(r.contentType, 'text/xml;charset=UTF-8');
    assert.equal(r.body, SAMPLE_4);
  });

  it('orders transfer-object children alphabetically, omits nulls and sends the day as dateOfBirth', async () => {
    const r = await call('DemographicService', '<ws:getDemographic2><arg0>1001</arg0></ws:getDemographic2>');
    const names = returnChildren(r.body);
    assert.deepEqual(names, sortedCopy(names));
    assert.ok(names.includes('middleNames') && names.includes('residentialCity'));
    for (const absent of ['anonymous', 'endDate', 'links', 'headRecord', 'cellPhone', 'phoneComment', 'genderId', 'countryOfOrigin']) {
      assert.ok(!names.includes(absent), `${absent} should be omitted`);
    }
    assert.match(r.body, /<dateOfBirth>17<\/dateOfBirth><demographicNo>1001<\/demographicNo>/);
    const doc = await call('DocumentService', '<ws:getDocument><arg0>300</arg0></ws:getDocument>');
    const docNames = returnChildren(doc.body);
    assert.deepEqual(docNames, sortedCopy(docNames));
    assert.ok(docNames.indexOf('docClass') < docNames.indexOf('doccreator'), 'Unicode order puts docClass before doccreator');
  });

  it('keeps a patient with a partial birth date readable', async () => {
    const r = await call('DemographicService', '<ws:getDemographic><arg0>1002</arg0></ws:getDemographic>');
    assert.match(r.body, /<dateOfBirth><\/dateOfBirth>/);
    assert.match(r.body, /<monthOfBirth><\/monthOfBirth><patientStatus>IN<\/patientStatus>/);
    assert.match(r.body, /<yearOfBirth>1975<\/yearOfBirth>/);
  });

  it('answers unknown ids with an empty wrapper, never a fault', async () => {
    const d = await call('DemographicService', '<ws:getDemographic><arg0>424242</arg0></ws:getDemographic>');
    assert.equal(d.status, 200);
    assert.equal(d.body, '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><ns2:getDemographicResponse xmlns:ns2="http://ws.oscarehr.org/"/></soap:Body></soap:Envelope>');
    const a = await call('ScheduleService', '<ws:getAppointment2><arg0>9999</arg0><arg1>true</arg1></ws:getAppointment2>');
    assert.match(a.body, /<ns2:getAppointment2Response xmlns:ns2="http:\/\/ws\.oscarehr\.org\/"\/>/);
    const list = await call('AllergyService', '<ws:getAllergiesByProgramProviderDemographicDate><arg2>424242</arg2><arg3>1970-01-01T00:00:00Z</arg3><arg4>10</arg4></ws:getAllergiesByProgramProviderDemographicDate>');
    assert.match(list.body, /<ns2:getAllergiesByProgramProviderDemographicDateResponse xmlns:ns2="http:\/\/ws\.oscarehr\.org\/"\/>/);
  });

  it('escapes text like Woodstox: only < and &, plus > after ]', async () => {
    const row = sim.store.demographic(1003);
    assert.ok(row);
    row.address = 'a]]>b & <c> d>e';
    const r = await call('DemographicService', '<ws:getDemographic><arg0>1003</arg0></ws:getDemographic>');
    assert.match(r.body, /<address>a\]\]&gt;b &amp; &lt;c> d>e<\/address>/);
  });

  it('gzips responses, faults included, when the request accepts gzip', async () => {
    const raw = (body: string): Promise<{ encoding: string | undefined; status: number; bytes: Buffer }> => new Promise((resolve, reject) => {
      const req = request(`${sim.ws}/SystemInfoService`, { method: 'POST', headers: { 'Content-Type': 'text/xml', 'Accept-Encoding': 'gzip, deflate' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ encoding: res.headers['content-encoding'], status: res.statusCode ?? 0, bytes: Buffer.concat(chunks) }));
      });
      req.on('error', reject);
      req.end(envelope(body));
    });
    const ok = await raw('<ws:isAlive/>');
    assert.equal(ok.encoding, 'gzip');
    assert.match(gunzipSync(ok.bytes).toString('utf8'), /<ns2:isAliveResponse xmlns:ns2="http:\/\/ws\.oscarehr\.org\/"><return>alive<\/return>/);
    const fault = await raw('<ws:noSuchOperation/>');
    assert.equal(fault.status, 500);
    assert.equal(fault.encoding, 'gzip');
    assert.match(gunzipSync(fault.bytes).toString('utf8'), /soap:Client/);
    const plain = await call('SystemInfoService', '<ws:isAlive/>');
    assert.equal(plain.contentEncoding, null);
  });
});

describe('CXF faults for bad requests', () => {
  it('rejects an unknown operation with soap:Client', async () => {
    const r = await call('DemographicService', '<ws:getDemographicz><arg0>1</arg0></ws:getDemographicz>');
    assert.equal(r.status, 500);
    assert.match(r.body, /<faultcode>soap:Client<\/faultcode><faultstring>Message part \{http:\/\/ws\.oscarehr\.org\/\}getDemographicz was not recognized\.  \(Does it exist in service WSDL\?\)<\/faultstring>/);
    const unqualified = await call('DemographicService', '<getDemographic><arg0>1</arg0></getDemographic>');
    assert.match(unqualified.body, /Message part getDemographic was not recognized/);
  });

  it('rejects qualified or unknown parameter elements and non-numbers with an Unmarshalling Error', async () => {
    const q = await call('DemographicService', '<ws:getDemographic><ws:arg0>1001</ws:arg0></ws:getDemographic>');
    assert.equal(q.status, 500);
    assert.match(q.body, /<faultcode>soap:Client<\/faultcode><faultstring>Unmarshalling Error: unexpected element \(uri:"http:\/\/ws\.oscarehr\.org\/", local:"arg0"\)\. Expected elements are &lt;\{\}arg0> <\/faultstring>/);
    const nan = await call('DemographicService', '<ws:getDemographic><arg0>abc</arg0></ws:getDemographic>');
    assert.match(nan.body, /Unmarshalling Error: Not a number: abc /);
    const date = await call('PreventionService', '<ws:getPreventionsByDemographicIdAfter><lastUpdate>yesterday</lastUpdate><demographicId>1001</demographicId></ws:getPreventionsByDemographicIdAfter>');
    assert.match(date.body, /Unmarshalling Error: "yesterday" is not a valid representation of an XML Gregorian Calendar value\./);
  });

  it('rejects XML that is not well-formed with soap:Client', async () => {
    const r = await post(`${sim.ws}/SystemInfoService`, '<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><isAlive></soapenv:Body>');
    assert.equal(r.status, 500);
    assert.match(r.body, /<faultcode>soap:Client<\/faultcode><faultstring>Error reading XMLStreamReader: /);
  });

  it('reports JVM NullPointerExceptions for a missing Calendar argument as soap:Server', async () => {
    const r = await call('AllergyService', '<ws:getAllergiesByDemographicIdAfter><demographicId>1001</demographicId></ws:getAllergiesByDemographicIdAfter>');
    assert.equal(r.status, 500);
    assert.match(r.body, /<faultcode>soap:Server<\/faultcode><faultstring>Cannot invoke "java\.util\.Calendar\.getTime\(\)" because "lastUpdate" is null<\/faultstring>/);
  });

  it('lets paths that are not SOAP services fall through to the next router', async () => {
    const r = await fetch(`${sim.ws}/services/demographics/1001`);
    assert.equal(r.status, 404);
    assert.equal(await r.text(), 'not the SOAP router');
  });
});

describe('SystemInfoService', () => {
  it('reports the 5000 list limit, the zone offset in milliseconds and the 1492 time-zone probe', async () => {
    const saved = sim.store.now;
    sim.store.now = () => Date.parse('2024-03-12T13:00:00Z');
    try {
      assert.match((await call('SystemInfoService', '<ws:getMaxListReturnSize/>')).body, /<return>5000<\/return>/);
      assert.match((await call('SystemInfoService', '<ws:getServerTimeGmtOffset/>')).body, /<return>-14400000<\/return>/);
      assert.match((await call('SystemInfoService', '<ws:getServerTime/>')).body, /<return>2024-03-12T09:00:00-04:00<\/return>/);
      assert.match((await call('SystemInfoService', '<ws:helloWorld/>')).body, /:\) Tue Mar 12 09:00:00 EDT 2024<\/return>/);
    } finally {
      sim.store.now = saved;
    }
    const local = await call('ScheduleService', '<ws:testTimeZone_1492_05_12_18_26_32><arg0>false</arg0></ws:testTimeZone_1492_05_12_18_26_32>');
    assert.match(local.body, /<return>1492-06-12T18:26:32-05:17<\/return>/);
    const gmt = await call('ScheduleService', '<ws:testTimeZone_1492_05_12_18_26_32><arg0>true</arg0></ws:testTimeZone_1492_05_12_18_26_32>');
    assert.match(gmt.body, /<return>1492-06-12T23:44:04Z<\/return>/);
  });
});

describe('WSDL', () => {
  it('is CXF-shaped and points at the URL it was fetched from', async () => {
    const url = `${sim.ws}/DocumentService`;
    const res = await fetch(`${url}?wsdl`);
    assert.equal(res.status, 200);
    const wsdl = await res.text();
    assert.match(wsdl, /<wsdl:service name="DocumentWsService"><wsdl:port binding="tns:DocumentWsServiceSoapBinding" name="DocumentWsPort">/);
    assert.ok(wsdl.includes(`<soap:address location="${url}"/>`));
    assert.match(wsdl, /elementFormDefault="unqualified" targetNamespace="http:\/\/ws\.oscarehr\.org\/"/);
    assert.match(wsdl, /<soap:operation soapAction="" style="document"\/>/);
  });

  it('gives the soap package the JAXB types (char as xs:unsignedShort, byte[] as xs:base64Binary)', async () => {
    const client = await soap.createClientAsync(`${sim.ws}/DocumentService?wsdl`);
    const op = client.describe().DocumentWsService.DocumentWsPort.getDocument;
    assert.equal(op.input.arg0, 'xs:int');
    assert.equal(op.output.return.status, 'xs:unsignedShort');
    assert.equal(op.output.return.fileContents, 'xs:base64Binary');
    assert.equal(op.output.return.updatedatetime, 'xs:dateTime');
    const schedule = await soap.createClientAsync(`${sim.ws}/ScheduleService?wsdl`);
    const after = schedule.describe().ScheduleWsService.ScheduleWsPort.getAppointmentsByDemographicIdAfter;
    assert.deepEqual([after.input.lastUpdate, after.input.demographicId, after.input.useGMTTime], ['xs:dateTime', 'xs:int', 'xs:boolean']);
    assert.ok('return[]' in after.output);
  });
});

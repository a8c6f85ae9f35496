// SIM_VARIANT, SOAP side (variants §4.1, §4.3, Appendix A, B1, B9): namespace, the operations in
// each WSDL and on call, the Gender enum and DemographicTransfer's properties, per line.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startSimulator, type Simulator } from '../../src/sim/server.js';
import type { SimVariant } from '../../src/sim/variants.js';
import { call, JUNO_NS, OSCAR_NS, soap } from '../sim-deploy/wire.js';

const VARIANTS: SimVariant[] = ['openo', 'openo-legacy', 'oscar19', 'oscar15', 'juno'];
const sims = new Map<SimVariant, Simulator>();
const sim = (v: SimVariant): Simulator => sims.get(v) as Simulator;
const nsOf = (v: SimVariant): string => (v === 'juno' ? JUNO_NS : OSCAR_NS);

async function wsdl(v: SimVariant, service: string): Promise<string> {
  return (await call(sim(v), 'GET', `/ws/${service}?wsdl`)).body;
}
const operations = (doc: string): string[] =>
  [...(/<wsdl:portType[^>]*>(.*?)<\/wsdl:portType>/s.exec(doc)?.[1] ?? '').matchAll(/<wsdl:operation name="([^"]+)">/g)].map((m) => m[1] ?? '');
const genderEnum = (doc: string): string[] =>
  [...(/<xs:simpleType name="gender">(.*?)<\/xs:simpleType>/.exec(doc)?.[1] ?? '').matchAll(/value="([^"]+)"/g)].map((m) => m[1] ?? '');
const transferFields = (doc: string, type: string): string[] =>
  [...(new RegExp(`<xs:complexType name="${type}"><xs:sequence>(.*?)</xs:sequence>`).exec(doc)?.[1] ?? '').matchAll(/name="([^"]+)"/g)].map((m) => m[1] ?? '');

before(async () => {
  for (const v of VARIANTS) sims.set(v, await startSimulator({ patients: 30, variant: v }));
});
after(async () => { for (const s of sims.values()) await s.close(); });

describe('SOAP namespace per variant (B1)', () => {
  for (const v of VARIANTS) {
    it(`${v}: WSDL targetNamespace and the response wrapper's namespace are ${nsOf(v)}`, async () => {
      assert.ok((await wsdl(v, 'SystemInfoService')).includes(`targetNamespace="${nsOf(v)}"`));
      const r = await soap(sim(v), 'SystemInfoService', 'isAlive', '', { signed: false, ns: nsOf(v) });
      assert.equal(r.body, `<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><ns2:isAliveResponse xmlns:ns2="${nsOf(v)}"><return>alive</return></ns2:isAliveResponse></soap:Body></soap:Envelope>`);
    });
  }

  it('juno: a body element in OSCAR\'s namespace is an unknown operation', async () => {
    const r = await soap(sim('juno'), 'SystemInfoService', 'isAlive', '', { signed: false, ns: OSCAR_NS });
    assert.equal(r.status, 500);
    assert.ok(r.body.includes('<faultstring>Message part {http://ws.oscarehr.org/}isAlive was not recognized.  (Does it exist in service WSDL?)</faultstring>'));
  });
});

describe('SOAP operations per variant (variants §4.1)', () => {
  const PRESENT: Record<SimVariant, boolean> = { openo: true, 'openo-legacy': true, oscar19: true, oscar15: false, juno: false };
  for (const v of VARIANTS) {
    it(`${v}: getDemographic2, getActiveDemographicsAfter(2) and the *ByDemographicIdAfter family are ${PRESENT[v] ? 'present' : 'absent'}`, async () => {
      const demo = operations(await wsdl(v, 'DemographicService'));
      const sched = operations(await wsdl(v, 'ScheduleService'));
      const allergy = operations(await wsdl(v, 'AllergyService'));
      const doc = operations(await wsdl(v, 'DocumentService'));
      const prev = operations(await wsdl(v, 'PreventionService'));
      for (const [ops, name] of [[demo, 'getDemographic2'], [demo, 'getActiveDemographicsAfter'], [demo, 'getActiveDemographicsAfter2'],
        [sched, 'getAppointmentsByDemographicIdAfter'], [allergy, 'getAllergiesByDemographicIdAfter'],
        [doc, 'getDocumentsByDemographicIdAfter'], [prev, 'getPreventionsByDemographicIdAfter']] as const) {
        assert.equal(ops.includes(name), PRESENT[v], `${v} ${name}`);
      }
      for (const always of ['getDemographic', 'searchDemographicsByAttributes']) assert.ok(demo.includes(always), always);
      assert.ok(sched.includes('getAppointment2') && sched.includes('getAppointmentsForDateRangeAndProvider2'));
      const juno = ['addDemographic', 'updateDemographic', 'getDemographicByHealthNumber'].map((o) => demo.includes(o));
      assert.deepEqual(juno, v === 'juno' ? [true, true, true] : [false, false, false]);
      assert.equal(sched.includes('cancelAppointment'), v === 'juno');
    });
  }

  it('the MyOSCAR (PHR) operations are gone only on line F', async () => {
    for (const v of VARIANTS) {
      const demo = operations(await wsdl(v, 'DemographicService'));
      for (const op of ['getDemographicByMyOscarUserName', 'isPhrVerifiedToSendMessages', 'getDemographicIdsWithMyOscarAccounts']) {
        assert.equal(demo.includes(op), v !== 'openo', `${v} ${op}`);
      }
    }
    const r = await soap(sim('oscar19'), 'DemographicService', 'isPhrVerifiedToSendMessages', '<arg0>1001</arg0>');
    assert.ok(r.body.includes('<ns2:isPhrVerifiedToSendMessagesResponse xmlns:ns2="http://ws.oscarehr.org/"><return>false</return>'));
  });

  it('juno: getProviderProperties returns one object, not an array', async () => {
    const one = '<xs:complexType name="getProviderPropertiesResponse"><xs:sequence><xs:element minOccurs="0" name="return" type="tns:providerPropertyTransfer"/>';
    const many = '<xs:complexType name="getProviderPropertiesResponse"><xs:sequence><xs:element maxOccurs="unbounded" minOccurs="0" nillable="true" name="return" type="tns:providerPropertyTransfer"/>';
    assert.ok((await wsdl('juno', 'ProviderService')).includes(one));
    assert.ok((await wsdl('openo', 'ProviderService')).includes(many));
  });

  it('juno: AppointmentTransfer carries isVirtual and the server\'s currentClinicTime; F\'s does not', async () => {
    const appt = sim('juno').store.data.appointments[0];
    assert.ok(appt);
    const r = await soap(sim('juno'), 'ScheduleService', 'getAppointment2', `<arg0>${appt.appointmentNo}</arg0><arg1>true</arg1>`, { ns: JUNO_NS });
    assert.ok(r.body.includes('<isVirtual>false</isVirtual>'), r.body);
    assert.match(r.body, /<currentClinicTime>\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{3})?[-+]\d{2}:\d{2}<\/currentClinicTime>/);
    const f = await soap(sim('openo'), 'ScheduleService', 'getAppointment2', `<arg0>${appt.appointmentNo}</arg0><arg1>true</arg1>`);
    assert.ok(!f.body.includes('isVirtual') && !f.body.includes('currentClinicTime'));
  });

  for (const v of ['oscar15', 'juno'] as const) {
    it(`${v}: calling getDemographic2 answers CXF's unknown-operation fault`, async () => {
      const r = await soap(sim(v), 'DemographicService', 'getDemographic2', '<arg0>1001</arg0>', { ns: nsOf(v) });
      assert.equal(r.status, 500);
      assert.equal(r.body, '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault><faultcode>soap:Client</faultcode>'
        + `<faultstring>Message part {${nsOf(v)}}getDemographic2 was not recognized.  (Does it exist in service WSDL?)</faultstring></soap:Fault></soap:Body></soap:Envelope>`);
    });
  }

  it('openo: getDemographic2 answers', async () => {
    const r = await soap(sim('openo'), 'DemographicService', 'getDemographic2', '<arg0>1001</arg0>');
    assert.equal(r.status, 200);
    assert.ok(r.body.includes('<demographicNo>1001</demographicNo>'));
  });
});

describe('Gender enum and DemographicTransfer per variant (variants §4.3, B9)', () => {
  const GENDER: Record<SimVariant, string[]> = {
    openo: ['M', 'F', 'X', 'O', 'U'], 'openo-legacy': ['M', 'F', 'X', 'O', 'U'], oscar19: ['M', 'F', 'T', 'O', 'U'],
    oscar15: ['M', 'F', 'T', 'O', 'U'], juno: ['M', 'F', 'T', 'O', 'U'],
  };
  for (const v of VARIANTS) {
    it(`${v}: the gender enumeration is ${GENDER[v].join(',')}`, async () => {
      assert.deepEqual(genderEnum(await wsdl(v, 'DemographicService')), GENDER[v]);
    });
  }

  it('myOscarUserName is gone only on line F; the 2024 fields exist only on E and F; Juno has its own', async () => {
    const fields = async (v: SimVariant): Promise<string[]> => transferFields(await wsdl(v, 'DemographicService'), 'demographicTransfer');
    const has = async (v: SimVariant, f: string): Promise<boolean> => (await fields(v)).includes(f);
    assert.deepEqual(await Promise.all(VARIANTS.map((v) => has(v, 'myOscarUserName'))), [false, true, true, true, true]);
    assert.deepEqual(await Promise.all(VARIANTS.map((v) => has(v, 'pronounId'))), [true, true, false, false, false]);
    assert.deepEqual(await Promise.all(VARIANTS.map((v) => has(v, 'cellPhone'))), [true, true, false, false, true]);
    assert.deepEqual(await Promise.all(VARIANTS.map((v) => has(v, 'familyDoctor2'))), [false, false, false, false, true]);
  });

  it('activeCount is a Java int (required) on OSCAR 15 and Juno, an Integer (optional) from OSCAR 19 on', async () => {
    assert.ok((await wsdl('oscar15', 'DemographicService')).includes('<xs:element name="activeCount" type="xs:int"/>'));
    assert.ok((await wsdl('juno', 'DemographicService')).includes('<xs:element name="activeCount" type="xs:int"/>'));
    assert.ok((await wsdl('oscar19', 'DemographicService')).includes('<xs:element minOccurs="0" name="activeCount" type="xs:int"/>'));
  });

  it('a T-line clinic holds T where Open-O holds X, and searching by it finds that patient', async () => {
    const search = (v: SimVariant, code: string) => soap(sim(v), 'DemographicService', 'searchDemographicsByAttributes',
      `<arg2>${'%'}</arg2><arg3>${code}</arg3><arg10>0</arg10><arg11>100</arg11>`, { ns: nsOf(v) });
    const sexes = (xml: string): string[] => [...xml.matchAll(/<sex>([^<]*)<\/sex>/g)].map((m) => m[1] ?? '');
    assert.deepEqual([...new Set(sexes((await search('oscar19', 'T')).body))], ['T']);
    assert.deepEqual([...new Set(sexes((await search('openo', 'X')).body))], ['X']);
  });

  it('an enum constant the variant lacks binds as null (JAXB), so the sex criterion is dropped rather than faulted', async () => {
    const r = await soap(sim('oscar19'), 'DemographicService', 'searchDemographicsByAttributes',
      '<arg2>%</arg2><arg3>X</arg3><arg10>0</arg10><arg11>100</arg11>');
    assert.equal(r.status, 200);
    const sexes = new Set([...r.body.matchAll(/<sex>([^<]*)<\/sex>/g)].map((m) => m[1]));
    assert.ok(sexes.has('M') && sexes.has('F'), [...sexes].join());
  });

  it('the other way round too: T sent to Open-O (X) drops the criterion, answering every sex like no criterion at all', async () => {
    const search = async (criteria: string): Promise<string[]> => {
      const r = await soap(sim('openo'), 'DemographicService', 'searchDemographicsByAttributes', `<arg2>%</arg2>${criteria}<arg10>0</arg10><arg11>100</arg11>`);
      assert.equal(r.status, 200);
      return [...r.body.matchAll(/<demographicNo>(\d+)<\/demographicNo>/g)].map((m) => m[1] ?? '');
    };
    const withT = await search('<arg3>T</arg3>');
    assert.deepEqual(withT, await search(''));
    assert.ok(withT.length > (await search('<arg3>X</arg3>')).length);
  });
});

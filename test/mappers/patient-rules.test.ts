// Patient ⇄ demographic rule by rule (mapping §2, §8; contract 5.1, 7.21, 7.24): each case pins one
// rule with literal values, so a changed comparison, code or message in the mapper shows here.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Patient } from 'fhir/r4.js';
import type { DemographicTo1 } from '../../src/oscar/types.js';
import { defaultMappingConfig } from '../../src/resources/mapping-config.js';
import {
  birthDateOf, buildPatient, hcnSystemFor, hcTypeForSystem, patientToDemographic, type DemographicFacts,
} from '../../src/resources/patient/mapper.js';
import { expectedJane, ON } from './patient-fixtures.js';
import { REST_DEMOGRAPHIC_1001 } from './wire-samples.js';

const cfg = defaultMappingConfig({ localSystemBase: 'https://emr.example.org/oscar/fhir-ids/' });
const rest = (): DemographicTo1 => JSON.parse(REST_DEMOGRAPHIC_1001) as DemographicTo1;
const LOCAL = 'https://emr.example.org/oscar/fhir-ids/';
const BC = 'https://fhir.infoway-inforoute.ca/NamingSystem/ca-bc-patient-healthcare-id';
const QC = 'https://fhir.infoway-inforoute.ca/NamingSystem/ca-qc-patient-healthcare-id';
const V2 = 'http://terminology.hl7.org/CodeSystem/v2-0203';

const facts = (more: Partial<DemographicFacts>): DemographicFacts => ({ mailing: {}, ...more });
const jane = (change: (p: Patient) => void = () => {}): Patient => {
  const p = structuredClone(expectedJane);
  change(p);
  return p;
};
const write = (change: (p: Patient) => void, current: DemographicTo1 | undefined = rest()) =>
  patientToDemographic(jane(change), current, cfg);

describe('birth date precision (contract 4.5)', () => {
  it('keeps each part only while it is valid', () => {
    const cases: [string | undefined, string | undefined, string | undefined, string | undefined][] = [
      ['1980', '12', '31', '1980-12-31'],
      ['1980', '1', '1', '1980-01-01'],
      ['1980', '0', '10', '1980'],
      ['1980', '13', '10', '1980'],
      ['1980', '123', '10', '1980'],
      ['1980', 'ab', '10', '1980'],
      ['1980', undefined, '10', '1980'],
      ['1980', '06', '31', '1980-06'],
      ['1980', '06', '123', '1980-06'],
      ['1980', '06', 'x', '1980-06'],
      ['1980', '06', undefined, '1980-06'],
      ['1980', '02', '29', '1980-02-29'],
      ['0980', '01', '01', undefined],
      ['19800', '01', '01', undefined],
      ['198', '01', '01', undefined],
      [undefined, '01', '01', undefined],
      // near misses: a letter, a space, an Arabic digit, 00, an empty part
      ['198a', '01', '01', undefined], ['1980', '00', '10', '1980'], ['1980', '6 ', '1', '1980'], ['1980', '', '1', '1980'],
      ['1980', '١', '01', '1980'], ['1980', '06', '00', '1980-06'], ['1980', '06', ' 1', '1980-06'], ['1980', '06', '', '1980-06'],
      ['1980', '6', '9', '1980-06-09'], ['2000', '2', '29', '2000-02-29'], ['1900', '02', '29', '1900-02'],
    ];
    for (const [y, m, d, want] of cases) assert.equal(birthDateOf(y, m, d), want, `${y}/${m}/${d}`);
  });
});

describe('health-card systems (mapping §8)', () => {
  it('reads hc_type case- and space-insensitively, and answers no system for blank or unknown', () => {
    assert.equal(hcnSystemFor(' bc '), BC);
    assert.equal(hcnSystemFor(null), undefined);
    assert.equal(hcnSystemFor('ZZ'), undefined);
  });

  it('gives the current spelling for a system legacy codes share, and nothing for a blank system', () => {
    assert.equal(hcTypeForSystem(QC), 'QC');
    assert.equal(hcTypeForSystem('https://fhir.infoway-inforoute.ca/NamingSystem/ca-nl-patient-healthcare-id'), 'NL');
    assert.equal(hcTypeForSystem(` ${BC} `), 'BC');
    assert.equal(hcTypeForSystem('  '), undefined);
    assert.equal(hcTypeForSystem(undefined), undefined);
  });
});

describe('Patient from demographic facts', () => {
  it('maps the three phones and the email to their uses, in that order', () => {
    const p = buildPatient(facts({ homePhone: '1', workPhone: '2', cellPhone: '3', email: 'a@b.c' }), cfg);
    assert.deepEqual(p.telecom, [
      { system: 'phone', value: '1', use: 'home' }, { system: 'phone', value: '2', use: 'work' },
      { system: 'phone', value: '3', use: 'mobile' }, { system: 'email', value: 'a@b.c' },
    ]);
  });

  it('emits an address that has any one part, country CA only for a Canadian province', () => {
    const one = (mailing: DemographicFacts['mailing']) => buildPatient(facts({ mailing }), cfg).address;
    assert.deepEqual(one({ city: 'Toronto' }), [{ use: 'home', city: 'Toronto' }]);
    assert.deepEqual(one({ line: '1 Main' }), [{ use: 'home', line: ['1 Main'] }]);
    assert.deepEqual(one({ postal: 'M5V1A1' }), [{ use: 'home', postalCode: 'M5V1A1' }]);
    assert.deepEqual(one({ province: 'on' }), [{ use: 'home', state: 'on', country: 'CA' }]);
    assert.deepEqual(one({ province: 'NY' }), [{ use: 'home', state: 'NY' }]);
    assert.equal(one({}), undefined);
  });

  it('compares residential and mailing addresses without spaces or case, part by part', () => {
    const mailing = { line: '1 Main St', city: 'Toronto', province: 'ON', postal: 'M5V 1A1' };
    const count = (residential: DemographicFacts['residential']) => buildPatient(facts({ mailing, residential }), cfg).address?.length;
    assert.equal(count({ line: '1 MAIN ST', city: 'toronto', province: 'on', postal: 'M5V1A1' }), 1);
    assert.equal(count({ ...mailing, line: '2 Main St' }), 2);
    assert.equal(count({ ...mailing, city: 'Ottawa' }), 2);
    assert.equal(count({ ...mailing, province: 'QC' }), 2);
    assert.equal(count({ ...mailing, postal: 'K1A 0B1' }), 2);
    assert.equal(count({}), 1);
    const onlyResidential = buildPatient(facts({ residential: { city: 'Ottawa' } }), cfg).address;
    assert.deepEqual(onlyResidential, [{ use: 'home', type: 'physical', city: 'Ottawa' }]);
  });

  it('drops a health-card period end that precedes its start, and keeps one on the same day', () => {
    const period = (hcEffective: string, hcRenew: string) =>
      buildPatient(facts({ hin: '1', hcType: 'ON', hcEffective, hcRenew }), cfg).identifier?.[0]?.period;
    assert.deepEqual(period('2020-05-01', '2020-04-30'), { start: '2020-05-01' });
    assert.deepEqual(period('2020-05-01', '2020-05-01'), { start: '2020-05-01', end: '2020-05-01' });
    assert.deepEqual(period('2020-05-01', '2021-05-01'), { start: '2020-05-01', end: '2021-05-01' });
    const local = buildPatient(facts({ hin: '1', hcEffective: '2020-05-01', hcRenew: '2020-04-30' }), cfg).identifier?.[0];
    assert.deepEqual(local, { system: `${LOCAL}health-card-no`, value: '1', period: { start: '2020-05-01' } });
  });

  it('gives the JHN identifier its type and version, and record numbers their own systems', () => {
    const p = buildPatient(facts({ hin: '99', hcType: 'bc', ver: 'K', demographicNo: 0, chartNo: 'C7' }), cfg);
    assert.deepEqual(p.identifier, [
      {
        extension: [{ url: 'http://hl7.org/fhir/ca/baseline/StructureDefinition/ext-identifierversion', valueString: 'K' }],
        type: { coding: [{ system: V2, code: 'JHN', display: 'Jurisdictional health number (Canada)' }] }, system: BC, value: '99',
      },
      { use: 'usual', type: { coding: [{ system: V2, code: 'MR', display: 'Medical record number' }] }, system: `${LOCAL}demographic-no`, value: '0' },
      { type: { coding: [{ system: V2, code: 'MR', display: 'Medical record number' }] }, system: `${LOCAL}chart-no`, value: 'C7' },
    ]);
    assert.equal(p.id, '0');
    assert.equal(buildPatient(facts({}), cfg).id, undefined);
    assert.equal(buildPatient(facts({}), cfg).identifier, undefined);
  });

  it('splits middle names on any run of spaces and puts the title in prefix', () => {
    const p = buildPatient(facts({ lastName: 'DOE', firstName: 'JANE', middleNames: 'ANN  MARIE', title: 'DR' }), cfg);
    assert.deepEqual(p.name, [{ use: 'official', family: 'DOE', given: ['JANE', 'ANN', 'MARIE'], prefix: ['DR'] }]);
  });

  it('reads sex in any case, status to active/deceased, and no active flag without a status', () => {
    assert.equal(buildPatient(facts({ sex: 'f' }), cfg).gender, 'female');
    assert.equal(buildPatient(facts({ sex: 'Z' }), cfg).gender, 'unknown');
    assert.equal(buildPatient(facts({}), cfg).gender, undefined);
    assert.equal(buildPatient(facts({}), cfg).active, undefined);
    assert.equal(buildPatient(facts({ patientStatus: 'AC' }), cfg).active, true);
    assert.equal(buildPatient(facts({ patientStatus: 'IN' }), cfg).active, false);
    assert.equal(buildPatient(facts({ patientStatus: 'IN' }), cfg).deceasedBoolean, undefined);
  });

  it('maps the official language in any case, and no other language', () => {
    assert.deepEqual(buildPatient(facts({ officialLanguage: 'french' }), cfg).communication, [
      { language: { coding: [{ system: 'urn:ietf:bcp:47', code: 'fr', display: 'French' }], text: 'French' }, preferred: true },
    ]);
    assert.equal(buildPatient(facts({ officialLanguage: 'Spanish' }), cfg).communication, undefined);
  });

  it('names no general practitioner for an outside provider, even with a display', () => {
    assert.equal(buildPatient(facts({ providerNo: '-1', providerDisplay: 'Dr Out' }), cfg).generalPractitioner, undefined);
    assert.deepEqual(buildPatient(facts({ providerNo: '7' }), cfg).generalPractitioner, [{ reference: 'Practitioner/7' }]);
  });
});

describe('Patient to demographic: what OSCAR cannot store', () => {
  it('lists every element the demographic has no column for', () => {
    const { notStored } = write((p) => {
      Object.assign(p, {
        extension: [{ url: 'http://x', valueString: 'x' }], modifierExtension: [{ url: 'http://y', valueString: 'y' }],
        maritalStatus: { text: 'M' }, multipleBirthBoolean: true, multipleBirthInteger: 2, photo: [{ url: 'http://p' }],
        contact: [{ name: { text: 'Mom' } }], link: [{ other: { reference: 'Patient/2' }, type: 'seealso' }],
        managingOrganization: { reference: 'Organization/1' }, deceasedDateTime: '2024-01-01',
      });
    });
    assert.deepEqual(notStored, [
      'Patient.extension', 'Patient.modifierExtension', 'Patient.maritalStatus', 'Patient.multipleBirthBoolean',
      'Patient.multipleBirthInteger', 'Patient.photo', 'Patient.contact', 'Patient.link', 'Patient.managingOrganization',
      'Patient.deceasedDateTime',
    ]);
  });

  it('rejects a value longer than its column (contract 5.1) and accepts one exactly as long', () => {
    const table: [string, number, (p: Patient, v: string) => void, string][] = [
      ['lastName', 30, (p, v) => { p.name![0]!.family = v; }, 'Patient.name.family'],
      ['firstName', 30, (p, v) => { p.name![0]!.given = [v]; }, 'Patient.name.given'],
      ['middleNames', 100, (p, v) => { p.name![0]!.given = ['JANE', v]; }, 'Patient.name.given'],
      ['title', 10, (p, v) => { p.name![0]!.prefix = [v]; }, 'Patient.name.prefix'],
      ['hin', 20, (p, v) => { p.identifier![0]!.value = v; }, 'Patient.identifier'],
      ['ver', 3, (p, v) => { p.identifier![0]!.extension![0]!.valueString = v; }, 'Patient.identifier.extension'],
      ['chartNo', 10, (p, v) => { p.identifier![2]!.value = v; }, 'Patient.identifier'],
      ['phone', 20, (p, v) => { p.telecom![0]!.value = v; }, 'Patient.telecom'],
      ['alternativePhone', 20, (p, v) => { p.telecom!.push({ system: 'phone', use: 'work', value: v }); }, 'Patient.telecom'],
      ['postal', 9, (p, v) => { p.address![0]!.postalCode = v; }, 'Patient.address.postalCode'],
      ['province', 20, (p, v) => { p.address![0]!.state = v; }, 'Patient.address.state'],
      ['email', 100, (p, v) => { p.telecom![2]!.value = v; }, 'Patient.telecom'],
    ];
    for (const [field, limit, set, expression] of table) {
      assert.deepEqual(write((p) => set(p, 'X'.repeat(limit))).errors, [], `${field} at ${limit}`);
      assert.deepEqual(write((p) => set(p, 'X'.repeat(limit + 1))).errors,
        [{ expression, message: `OSCAR stores at most ${limit} characters here` }], `${field} over ${limit}`);
    }
  });

  it('says why a health card cannot be stored', () => {
    assert.deepEqual(write((p) => {
      p.identifier = [{ type: { coding: [{ system: V2, code: 'JHN' }] }, system: 'urn:oid:1.2.3', value: '1' }];
    }).errors, [{ expression: 'Patient.identifier[0].system', message: 'Health card number with an unknown province system' }]);
    assert.deepEqual(write((p) => { p.identifier = [{ system: ON, value: '1' }, { system: BC, value: '2' }]; }).errors,
      [{ expression: 'Patient.identifier', message: 'OSCAR stores one health card number: more than one JHN identifier' }]);
    assert.deepEqual(write((p) => { p.identifier = [{ system: `${LOCAL}chart-no`, value: 'C' }, { system: ON, value: ' ' }]; }).errors,
      [{ expression: 'Patient.identifier[1].value', message: 'Health card identifier without a value' }]);
    assert.deepEqual(write((p) => { p.identifier = [{ system: `${LOCAL}health-card-no` }]; }).errors,
      [{ expression: 'Patient.identifier[0].value', message: 'Health card identifier without a value' }]);
  });

  it('says what is missing from names, gender and birth date', () => {
    assert.deepEqual(write((p) => { p.name = [{ family: ' ', given: [' '] }]; delete p.gender; p.birthDate = '1980'; }).errors, [
      { expression: 'Patient.name.family', message: 'OSCAR requires a family name' },
      { expression: 'Patient.name.given', message: 'OSCAR requires a given name' },
      { expression: 'Patient.gender', message: 'OSCAR requires a sex: gender is missing' },
      { expression: 'Patient.birthDate', message: 'OSCAR can only store a full birth date (YYYY-MM-DD)' },
    ]);
    assert.deepEqual(write((p) => { delete p.birthDate; }).errors, [{ expression: 'Patient.birthDate', message: 'OSCAR requires a birth date' }]);
  });
});

describe('Patient to demographic: names', () => {
  it('takes the official name, else the usual or use-less one, and reports the parts it drops', () => {
    const r = write((p) => {
      p.name = [
        { use: 'maiden', family: 'SMITH', given: ['JANE'] },
        { use: 'official', family: 'DOE', given: [' JANE ', ' ', 'ANN', 'MARIE'], prefix: ['MS', 'DR'], suffix: ['JR'], period: { start: '2000-01-01' } },
        { use: 'nickname', given: ['JJ'], family: 'D' },
      ];
    });
    assert.deepEqual([r.to.lastName, r.to.firstName, r.to.middleNames, r.to.title, r.to.alias], ['DOE', 'JANE', 'ANN MARIE', 'MS', 'JJ D']);
    assert.deepEqual(r.notStored, ['Patient.name[0]', 'Patient.name[1].suffix', 'Patient.name[1].prefix', 'Patient.name[1].period']);
    assert.equal(write((p) => { p.name = [{ use: 'usual', family: 'U', given: ['G'] }]; }).to.lastName, 'U');
    assert.equal(write((p) => { p.name = [{ use: 'old', family: 'O', given: ['G'] }, { family: 'N', given: ['G'] }]; }).to.lastName, 'N');
    const nick = write((p) => { p.name = [{ family: 'DOE', given: ['JANE'] }, { use: 'nickname', text: ' Jay ', given: ['JJ'] }]; });
    assert.equal(nick.to.alias, 'Jay');
    assert.equal(nick.to.title, '');
    assert.deepEqual(nick.notStored, []);
  });
});

describe('Patient to demographic: identifiers', () => {
  it('ignores the record number, takes the first chart number, and reports other identifiers', () => {
    const r = write((p) => {
      p.identifier = [
        { system: `${LOCAL}demographic-no`, value: '5' }, { system: `${LOCAL}chart-no`, value: ' C9 ' },
        { system: `${LOCAL}chart-no`, value: 'C10' }, { system: 'urn:other', value: 'x' },
      ];
    });
    assert.equal(r.to.chartNo, 'C9');
    assert.equal(r.to.demographicNo, 1001);
    assert.deepEqual(r.notStored, ['Patient.identifier[2]', 'Patient.identifier[3]']);
  });

  it('clears the card when none is sent, and keeps the hc_type', () => {
    const r = write((p) => { p.identifier = []; });
    assert.deepEqual([r.to.hin, r.to.ver, r.to.effDate, r.to.hcRenewDate, r.to.hcType], ['', '', null, null, 'ON']);
  });

  it('stores a local card with the assigner as hc_type, else a non-province type already recorded, else OT', () => {
    const local = (assigner: string | undefined, hcType: string) => patientToDemographic(jane((p) => {
      p.identifier = [
        { system: `${LOCAL}health-card-no`, value: 'US1', assigner: assigner ? { display: assigner } : undefined, period: { start: '2020-02-01', end: '2022-02-01' } },
        { system: `${LOCAL}health-card-no`, value: 'US2' },
      ];
    }), { ...rest(), hcType }, cfg);
    const r = local(' NY ', 'ON');
    assert.deepEqual([r.to.hin, r.to.hcType, r.to.ver], ['US1', 'NY', '']);
    assert.equal(r.to.effDate, Date.parse('2020-02-01T12:00:00-05:00'));
    assert.equal(r.to.hcRenewDate, Date.parse('2022-02-01T12:00:00-05:00'));
    assert.deepEqual(r.notStored, ['Patient.identifier[1]']);
    assert.equal(local('ON', 'US').to.hcType, 'US');
    assert.equal(local(undefined, 'US').to.hcType, 'US');
    assert.equal(local(undefined, 'ON').to.hcType, 'OT');
    assert.equal(local(undefined, '').to.hcType, 'OT');
  });

  it('takes the JHN over a local card, with its version, and keeps a legacy spelling only for the same province', () => {
    const jhn = (hcType: string, system: string) => patientToDemographic(jane((p) => {
      p.identifier = [
        { system: `${LOCAL}health-card-no`, value: 'L1' },
        { system, value: 'J1', extension: [{ url: 'http://hl7.org/fhir/ca/baseline/StructureDefinition/ext-identifierversion', valueString: ' ZZ ' }] },
      ];
    }), { ...rest(), hcType }, cfg).to;
    assert.deepEqual([jhn('PQ', QC).hin, jhn('PQ', QC).ver, jhn('PQ', QC).hcType], ['J1', 'ZZ', 'PQ']);
    assert.equal(jhn('PQ', BC).hcType, 'BC');
    assert.equal(jhn('', BC).hcType, 'BC');
  });
});

describe('Patient to demographic: telecom, address, gender, status, language, practitioner', () => {
  it('puts each phone use in its column, the first of each only', () => {
    const r = write((p) => {
      p.telecom = [
        { system: 'phone', value: '1' }, { system: 'phone', use: 'work', value: '2' }, { system: 'phone', use: 'home', value: '3' },
        { system: 'phone', use: 'temp', value: '4' }, { system: 'email', value: ' ' }, { system: 'email', value: 'e@x' },
        { system: 'sms', value: '5' },
      ];
    });
    assert.deepEqual([r.to.phone, r.to.alternativePhone, r.to.cellPhone, r.to.email], ['1', '2', '', 'e@x']);
    assert.deepEqual(r.notStored, ['Patient.telecom[2]', 'Patient.telecom[3]', 'Patient.telecom[4]', 'Patient.telecom[6]']);
    // contract 7.24: an existing demo_cell entry is blanked with the cell number
    assert.deepEqual(r.to.extras.map((e) => [e.key, e.value, e.id]), [['demo_cell', '', 55]]);
  });

  it('adds no demo_cell entry when there is no cell number and none recorded', () => {
    const r = write((p) => { p.telecom = []; }, { ...rest(), extras: [], cellPhone: '' });
    assert.deepEqual(r.to.extras, []);
    const added = write(() => {}, { ...rest(), extras: [] });
    assert.deepEqual(added.to.extras, [{ id: null, demographicNo: 1001, providerNo: null, key: 'demo_cell', value: '647-555-0199', dateCreated: null, hidden: false }]);
  });

  it('keeps a column OSCAR holds as NULL or blank when the Patient has no value for it', () => {
    const current = { ...rest(), phone: null as unknown as string, alternativePhone: null as unknown as string, email: '  ', chartNo: 'C-1', address: { ...rest().address, city: null as unknown as string } };
    const r = write((p) => { p.telecom = []; p.identifier = []; delete p.address![0]!.city; }, current);
    assert.equal(r.to.phone, null);
    assert.equal(r.to.alternativePhone, null);
    assert.equal(r.to.email, '  ');
    assert.equal(r.to.chartNo, '');
    assert.equal(r.to.address.city, null);
    assert.equal(patientToDemographic(jane((p) => { p.telecom = []; }), undefined, cfg).to.phone, '');
  });

  it('stores the home address, reporting a foreign country, a district and the other addresses', () => {
    const r = write((p) => {
      p.address = [
        { use: 'work', line: ['9 Office Rd'] },
        { line: [' ', '1 Main'], city: 'Ottawa', country: 'USA', district: 'Carleton' },
      ];
    });
    assert.deepEqual(r.to.address, { province: '', postal: '', city: 'Ottawa', address: '1 Main' });
    assert.deepEqual(r.notStored, ['Patient.address[0]', 'Patient.address[1].country', 'Patient.address[1].district']);
    for (const country of ['CA', ' can ', 'Canada']) assert.deepEqual(write((p) => { p.address![0]!.country = country; }).notStored, [], country);
    assert.equal(write((p) => { p.address = [{ text: '5 Text Ave' }]; }).to.address.address, '5 Text Ave');
    assert.equal(write((p) => { p.address = [{ text: '5 Text Ave', line: ['6 Line St'] }]; }).to.address.address, '6 Line St');
    assert.equal(write((p) => { p.address = [{ text: '5 Text Ave', line: [' '] }]; }).to.address.address, '');
    assert.deepEqual(write((p) => { p.address = []; }).to.address, { province: '', postal: '', city: '', address: '' });
  });

  it('writes gender as a sex code, keeping an O already recorded for other', () => {
    const sex = (gender: Patient['gender'], was: string) => write((p) => { p.gender = gender; }, { ...rest(), sex: was }).to.sex;
    assert.deepEqual([sex('male', 'F'), sex('female', 'M'), sex('other', 'F'), sex('other', 'O'), sex('unknown', 'O')], ['M', 'F', 'X', 'O', 'U']);
  });

  it('writes the status: deceased wins, inactive keeps a specific inactive code, active otherwise', () => {
    const status = (set: Partial<Patient>, was: string | undefined) =>
      patientToDemographic(jane((p) => { delete p.active; Object.assign(p, set); }), was === undefined ? undefined : { ...rest(), patientStatus: was }, cfg).to.patientStatus;
    const cases: [Partial<Patient>, string | undefined, string][] = [
      [{ deceasedBoolean: true, active: true }, 'AC', 'DE'],
      [{ deceasedDateTime: '2024-01-01' }, 'AC', 'DE'],
      [{ deceasedBoolean: false }, 'DE', 'AC'],
      [{ active: false }, 'MO', 'MO'],
      [{ active: false }, 'AC', 'IN'],
      [{ active: false }, 'DE', 'IN'],
      [{ active: false }, ' ', 'IN'],
      [{ active: true }, 'FI', 'AC'],
      [{}, 'FI', 'FI'],
      [{}, 'DE', 'AC'],
      [{}, '', 'AC'],
      [{}, undefined, 'AC'],
    ];
    for (const [set, was, want] of cases) assert.equal(status(set, was), want, `${JSON.stringify(set)} was ${was}`);
  });

  it('stores the preferred language when it is English or French, and reports the others', () => {
    const lang = (communication: Patient['communication']) => write((p) => { p.communication = communication; });
    const c = (code: string, preferred?: boolean) => ({ language: { coding: [{ system: 'urn:ietf:bcp:47', code }] }, preferred });
    const r = lang([c('en'), c('FR-CA', true)]);
    assert.equal(r.to.officialLanguage, 'French');
    assert.deepEqual(r.notStored, ['Patient.communication[0]']);
    assert.equal(lang([c('fr'), c('en')]).to.officialLanguage, 'French');
    const es = lang([c('es', true)]);
    assert.equal(es.to.officialLanguage, '');
    assert.deepEqual(es.notStored, ['Patient.communication[0]']);
    assert.equal(lang([{ language: { coding: [{ system: 'urn:other', code: 'en' }] } }]).to.officialLanguage, '');
  });

  it('takes the first Practitioner reference as the MRP, and drops the embedded provider when the number changes', () => {
    const r = write((p) => { p.generalPractitioner = [{ reference: 'Organization/1' }, { reference: 'Practitioner/77' }, { reference: 'Practitioner/78' }]; });
    assert.equal(r.to.providerNo, '77');
    assert.equal(r.to.provider, null);
    assert.deepEqual(r.notStored, ['Patient.generalPractitioner[0]', 'Patient.generalPractitioner[2]']);
    const same = write(() => {});
    assert.equal(same.to.providerNo, '999998');
    assert.equal(same.to.provider?.providerNo, '999998');
    const none = write((p) => { delete p.generalPractitioner; });
    assert.equal(none.to.providerNo, '');
    assert.equal(none.to.provider, null);
    assert.equal(patientToDemographic(jane((p) => { delete p.generalPractitioner; }), undefined, cfg).to.providerNo, '');
  });
});

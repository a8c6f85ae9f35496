// Patient from OSCAR REST (src/resources/patient/rest-mapper.ts), for instances whose SOAP is out
// of reach: the REST wire sample gives the same Patient as the SOAP one (samples §1, §4), the REST
// traps are avoided (contract 7.4 dateOfBirth millis, 7.24 demo_cell), and a search row gives what
// it holds and no health number whose province it cannot tell.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DemographicSearchResult, DemographicTo1 } from '../../src/oscar/types.js';
import { defaultMappingConfig } from '../../src/resources/mapping-config.js';
import { patientFromRest, patientFromSearchRow } from '../../src/resources/patient/rest-mapper.js';
import { assertValidResource } from './fhir-assert.js';
import { expectedJane } from './patient-fixtures.js';
import { REST_DEMOGRAPHIC_1001 } from './wire-samples.js';

const cfg = defaultMappingConfig({ localSystemBase: 'https://emr.example.org/oscar/fhir-ids/' });
const rest = (): DemographicTo1 => JSON.parse(REST_DEMOGRAPHIC_1001) as DemographicTo1;

describe('Patient from OSCAR REST', () => {
  it('maps the REST DemographicTo1 wire sample to the Patient the SOAP sample gives, the MRP display from the embedded provider', () => {
    const p = patientFromRest(rest(), cfg);
    assert.deepEqual(p, expectedJane);
    assertValidResource(p);
  });

  it('never reads the dateOfBirth millis (contract 7.4: a Toronto winter birth is 00:00 UTC the next day)', () => {
    const to = rest();
    assert.equal(new Date(to.dateOfBirth!).toISOString().slice(0, 10), '1980-01-18'); // the trap
    assert.equal(patientFromRest(to, cfg).birthDate, '1980-01-17');
    assert.equal(patientFromRest({ ...to, dobYear: '', dobMonth: '', dobDay: '' }, cfg).birthDate, undefined);
  });

  it('takes the cell number from the demo_cell entry of extras when cellPhone is empty (contract 7.24)', () => {
    const p = patientFromRest({ ...rest(), cellPhone: '' }, cfg);
    assert.deepEqual(p.telecom?.find((t) => t.use === 'mobile'), { system: 'phone', value: '647-555-0199', use: 'mobile' });
  });

  it('reads a date-only value on the clinic day when the JVM runs east of the clinic (contract 1.3, variants B10)', () => {
    // 2019-03-01 00:00 in Toronto is 2019-02-28 21:00 in Vancouver: the clinic's day is still 03-01.
    const vancouver = defaultMappingConfig({ localSystemBase: 'https://emr.example.org/oscar/fhir-ids/', timezone: 'America/Vancouver' });
    const p = patientFromRest({ ...rest(), effDate: 1551416400000 }, vancouver);
    assert.equal(p.identifier?.find((i) => i.value === '9876543217')?.period?.start, '2019-03-01');
  });

  it('maps a search row to its names, sex, birth date, phone, chart number and status, without the health number', () => {
    const row: DemographicSearchResult = {
      demographicNo: 1001, lastName: 'DOE', firstName: 'JANE', chartNo: 'C-1001', sex: 'F', dob: 316933200000,
      providerNo: '999998', providerName: 'oscardoc,doctor', rosterStatus: 'RO', patientStatus: 'AC', phone: '416-555-0100',
      hin: '9876543217', remoteFacilityId: null, formattedDOB: '1980-01-17',
    };
    const p = patientFromSearchRow(row, cfg);
    assert.equal(p.birthDate, '1980-01-17');
    assert.equal(p.gender, 'female');
    assert.deepEqual(p.generalPractitioner, [{ reference: 'Practitioner/999998', display: 'doctor oscardoc' }]);
    assert.ok(!JSON.stringify(p).includes('9876543217'));
    assert.deepEqual(p.identifier?.map((i) => i.value), ['1001', 'C-1001']);
    assertValidResource(p);
  });
});

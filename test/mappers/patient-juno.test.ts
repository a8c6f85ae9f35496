// Patient ⇄ Juno (variants §3 H): the /v1 record with ISO dates reads as the SOAP sample's Patient
// (contract 3.10), and a Patient is written as Juno's SOAP transfer (whole record, M/F only,
// contract 4.13) or as the /v1 POST body.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Patient } from 'fhir/r4.js';
import type { JunoDemographic } from '../../src/oscar/types.js';
import { junoInboundFor, junoTransferFor, patientFromJunoRest } from '../../src/resources/patient/juno-mapper.js';
import { defaultMappingConfig } from '../../src/resources/mapping-config.js';
import { assertValidResource } from './fhir-assert.js';
import { expectedJane } from './patient-fixtures.js';

const cfg = defaultMappingConfig({ localSystemBase: 'https://emr.example.org/oscar/fhir-ids/' });

/** Jane Doe of sample 4 as Juno's GET /v1/demographic/1001 renders her. */
const janeV1: JunoDemographic = {
  demographicNo: 1001, lastUpdateDate: '2024-03-08', firstName: 'JANE', lastName: 'DOE', title: 'MS', sex: 'F',
  hin: '9876543217', sin: '', hcType: 'ON', hcVersion: 'AB', hcRenewDate: '2026-01-17', hcEffectiveDate: '2019-03-01',
  dateJoined: '2019-03-01', endDate: null, dateOfBirth: '1980-01-17', patientStatus: 'AC', patientStatusDate: '2020-01-15',
  email: 'jane.doe@example.org', address: '123 Main St', city: 'Toronto', postal: 'M5V1A1', province: 'ON',
  primaryPhone: '416-555-0100', secondaryPhone: '', cellPhone: '647-555-0199', rosterStatus: 'RO', providerNo: '999998',
  chartNo: 'C-1001', alias: '', officialLanguage: 'English', spokenLanguage: 'English',
};

/** The SOAP transfer of Jane the Patient stands for (fields in the mapping's order). */
const janeTransfer = {
  firstName: 'JANE', lastName: 'DOE', title: 'MS', alias: '', sex: 'F', hin: '9876543217', ver: 'AB', hcType: 'ON',
  effDate: '2019-03-01T00:00:00', hcRenewDate: '2026-01-17T00:00:00', chartNo: 'C-1001', email: 'jane.doe@example.org',
  phone: '416-555-0100', phone2: '', cellPhone: '647-555-0199', address: '123 Main St', city: 'Toronto', province: 'ON',
  postal: 'M5V1A1', yearOfBirth: '1980', monthOfBirth: '01', dateOfBirth: '17', patientStatus: 'AC', providerNo: '999998',
  officialLanguage: 'English',
};

describe('Patient from Juno /v1', () => {
  it('reads the ISO-dated record as the SOAP sample’s Patient, without a day-precision lastUpdated', () => {
    const p = patientFromJunoRest(janeV1, cfg, { providerDisplay: 'doctor oscardoc' });
    assert.deepEqual(p, { ...expectedJane, meta: { profile: expectedJane.meta?.profile } });
    assertValidResource(p);
  });

  it('reads a record without health card dates or phones', () => {
    const p = patientFromJunoRest({ ...janeV1, hcRenewDate: null, hcEffectiveDate: null, primaryPhone: null, cellPhone: null, email: null }, cfg);
    assert.equal(p.identifier?.[0]?.period, undefined);
    assert.equal(p.telecom, undefined);
  });
});

describe('Patient to Juno', () => {
  it('builds the SOAP addDemographic transfer: offset-less midnight dates, day-of-month dateOfBirth, no number', () => {
    const w = junoTransferFor(expectedJane, undefined, cfg);
    assert.deepEqual(w, { value: janeTransfer, notStored: [], errors: [] });
  });

  it('on update keeps what the Patient does not speak for, keeps the number, and leaves lastUpdateDate to Juno', () => {
    const current = { ...janeTransfer, demographicNo: 1001, notes: 'allergic to cats', veteranNo: 'V-1', familyDoctor2: '<fd></fd><fdname></fdname>', lastUpdateDate: '2024-03-08T10:00:00-05:00' };
    const w = junoTransferFor({ ...expectedJane, telecom: [{ system: 'phone', value: '416-555-0199', use: 'home' }] }, current, cfg);
    assert.deepEqual(w.errors, []);
    assert.deepEqual(w.value, {
      ...janeTransfer, demographicNo: 1001, notes: 'allergic to cats', veteranNo: 'V-1', familyDoctor2: '<fd></fd><fdname></fdname>',
      phone: '416-555-0199', cellPhone: '', email: '',
    });
  });

  it('refuses a sex Juno’s SOAP cannot store, and says what Juno would drop', () => {
    const other: Patient = { ...expectedJane, gender: 'other', name: [{ family: 'DOE', given: ['JANE', 'Q'] }] };
    const w = junoTransferFor(other, undefined, cfg);
    assert.deepEqual(w.errors, [{ expression: 'Patient.gender', message: 'Juno stores only male or female through its SOAP web services' }]);
    assert.deepEqual(w.notStored, ['Patient.name.given']);
  });

  it('builds the /v1 POST body: ISO dates, Juno names, dateJoined today (clinic zone), T for other', () => {
    const w = junoInboundFor(expectedJane, cfg, Date.UTC(2024, 2, 13, 3)); // 2024-03-12 23:00 in Toronto
    assert.deepEqual(w.errors, []);
    assert.deepEqual(w.value, {
      firstName: 'JANE', lastName: 'DOE', title: 'MS', sex: 'F', hin: '9876543217', hcType: 'ON', hcVersion: 'AB',
      hcEffectiveDate: '2019-03-01', hcRenewDate: '2026-01-17', dateJoined: '2024-03-12', dateOfBirth: '1980-01-17',
      patientStatus: 'AC', email: 'jane.doe@example.org', primaryPhone: '416-555-0100', secondaryPhone: null,
      cellPhone: '647-555-0199', address: '123 Main St', city: 'Toronto', province: 'ON', postal: 'M5V1A1',
      providerNo: '999998', chartNo: 'C-1001', alias: null, officialLanguage: 'English',
    });
    assert.equal(junoInboundFor({ ...expectedJane, gender: 'other' }, cfg).value.sex, 'T');
  });
});

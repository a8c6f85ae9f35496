// Version ids are clients' ETags: a change of how they are computed costs every client its cached
// versions (mapping §1.3). These ids were recorded from the facade of 2026-12-07 and are computed
// again here by a serialiser of the test's own (canonical order written out: resourceType, id,
// meta, then UTF-16 code units, in every object), so a faster stampVersion must give the same ids
// and the same response text.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Appointment, Patient, Resource } from 'fhir/r4.js';
import type { DemographicTo1, DemographicTransfer } from '../../src/oscar/types.js';
import { stampVersion, versionIdOf } from '../../src/fhir/index.js';
import { stampedJson } from '../../src/fhir/version.js';
import { defaultMappingConfig } from '../../src/resources/mapping-config.js';
import { patientFromSoap } from '../../src/resources/patient/mapper.js';
import { patientFromRest } from '../../src/resources/patient/rest-mapper.js';
import { withoutEmpty } from '../../src/resources/without-empty.js';
import { expected555 } from '../mappers/appointment-fixtures.js';
import { DEMOGRAPHIC_NUMBERS, soapReturns } from '../mappers/soap-fixtures.js';
import { REST_DEMOGRAPHIC_1001, SOAP_GET_DEMOGRAPHIC } from '../mappers/wire-samples.js';

const FIRST = ['resourceType', 'id', 'meta'];

/** The test's own canonical JSON: plain recursion, Array.prototype.sort's code unit order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : canonical(v))).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const o = value as Record<string, unknown>;
  const keys = Object.keys(o).filter((k) => o[k] !== undefined);
  const ordered = [...FIRST.filter((k) => keys.includes(k)), ...keys.filter((k) => !FIRST.includes(k)).sort()];
  return `{${ordered.map((k) => `${JSON.stringify(k)}:${canonical(o[k])}`).join(',')}}`;
}

/** A stamped resource's response text: its canonical text, with meta (written as it is) after resourceType and id. */
function responseText(stamped: Resource): string {
  const { resourceType, id, meta, ...rest } = stamped;
  const members = [`"resourceType":${JSON.stringify(resourceType)}`];
  if (id !== undefined) members.push(`"id":${JSON.stringify(id)}`);
  members.push(`"meta":${JSON.stringify(meta)}`);
  const others = canonical(rest).slice(1, -1);
  if (others) members.push(others);
  return `{${members.join(',')}}`;
}

const sha16 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16);

function withoutMeta(r: Resource): Resource {
  const { meta: _meta, ...rest } = r;
  return rest as Resource;
}

const cfg = defaultMappingConfig({ localSystemBase: 'https://emr.example.org/oscar/fhir-ids/' });
const soapJane = (): Patient => patientFromSoap(soapReturns<DemographicTransfer>(SOAP_GET_DEMOGRAPHIC, DEMOGRAPHIC_NUMBERS)[0]!, cfg, { providerDisplay: 'doctor oscardoc' });
const restJane = (): Patient => patientFromRest(JSON.parse(REST_DEMOGRAPHIC_1001) as DemographicTo1, cfg);
// Members in no particular order, at every level, text outside Latin-1, an empty meta to replace.
const mixed = (): Resource => withoutEmpty({
  name: [{ use: 'official', given: ['Thị', 'Ánh'], family: 'Nguyễn 😀 "q" \\ \u2028' }],
  meta: { profile: ['http://example.org/p'], lastUpdated: '2024-03-08T10:00:00-05:00' },
  id: 'x-1',
  telecom: [{ value: '416-555-0100', system: 'phone', use: 'home' }],
  resourceType: 'Patient',
  contained: [{ id: 'c', resourceType: 'Practitioner', Zeta: 1, _id: { extension: [{ valueString: 'v', url: 'u' }] } }],
  active: true,
  empty: '',
} as unknown as Resource);
// As a handler might hand it over: not through withoutEmpty, one object deep inside out of order, meta last.
const handBuilt = (): Resource => ({
  resourceType: 'Patient', id: 'h', active: true,
  identifier: [{ system: 's', type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'MR' }] }, value: '1' }],
  meta: { lastUpdated: '2024-03-08T10:00:00-05:00' },
} as Resource);
const bare = (): Resource => ({ resourceType: 'Patient', birthDate: '1980-01-17', gender: 'female' } as Resource);

// Recorded from main at f4f77e7 (2026-12-07), before stampVersion wrote the text without a sorted copy.
const PINNED: [string, () => Resource, string][] = [
  ['SOAP-mapped Patient', soapJane, '4bdaa962ee69a2f4'],
  ['REST-mapped Patient', restJane, '4bdaa962ee69a2f4'],
  ['Appointment fixture', () => expected555 as Appointment, '42c67bdc2cfb74d1'],
  ['members out of order, text outside Latin-1', mixed, 'b697c287be3fc0bd'],
  ['built by hand, one object out of order, meta last', handBuilt, '882410d32bde20d4'],
  ['no id, no meta', bare, 'bc3b7656b4cae9ea'],
];

describe('version ids stay what they were', () => {
  for (const [what, make, id] of PINNED) {
    it(`${what}: the recorded id, the hash of the canonical text, the canonical text as the response`, () => {
      const resource = make();
      const text = canonical(withoutMeta(resource));
      assert.equal(sha16(text), id, `the test's own canonical text hashes to the recorded id: ${text}`);
      assert.equal(versionIdOf(resource), id);
      const stamped = stampVersion(resource);
      assert.equal(stamped.meta?.versionId, id);
      assert.equal(stampedJson(stamped), responseText(stamped));
    });
  }
});

// buildPatient writes only members that hold something, in canonical order, instead of building
// freely and passing the result through withoutEmpty (mapping §1.7). The oracle here is the
// mapper as it was written before: the free-form object, pruned by withoutEmpty. Over facts with
// blank, white-space-only, non-ASCII and missing values in every field, the Patient must be the
// same, member for member and in the same order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Address, ContactPoint, HumanName, Identifier, Patient } from 'fhir/r4.js';
import { defaultMappingConfig, localSystem, type MappingConfig } from '../../src/resources/mapping-config.js';
import { ACTIVE_STATUS, DECEASED_STATUS, OFFICIAL_LANGUAGES, SEX_TO_GENDER } from '../../src/resources/patient/demographic-codes.js';
import { CANADIAN_PROVINCES } from '../../src/resources/patient/health-card-systems.js';
import { birthDateOf, buildPatient, hcnSystemFor, namePartsOf, type DemographicFacts } from '../../src/resources/patient/mapper.js';
import { practitionerRef } from '../../src/resources/references.js';
import { CA_BASELINE_PROFILES, IDENTIFIER_VERSION_EXTENSION, SYSTEMS } from '../../src/resources/systems.js';
import { withoutEmpty } from '../../src/resources/without-empty.js';

type AddressFacts = DemographicFacts['mailing'];

/** The Patient the mapper made before: every member written, undefined and blank ones pruned by withoutEmpty. */
function patientAsPruned(f: DemographicFacts, cfg: MappingConfig): Patient {
  const coding = (code: string, display: string): Identifier['type'] => ({ coding: [{ code, display, system: SYSTEMS.v2IdentifierType }] });
  const has = (a: AddressFacts | undefined): a is AddressFacts => !!a && !!(a.line || a.city || a.province || a.postal);
  const squeezed = (s?: string): string => (s ?? '').replace(/\s+/g, '').toUpperCase();
  const same = (a: AddressFacts, b: AddressFacts): boolean =>
    squeezed(a.line) === squeezed(b.line) && squeezed(a.city) === squeezed(b.city) && squeezed(a.province) === squeezed(b.province) && squeezed(a.postal) === squeezed(b.postal);
  const address = (a: AddressFacts, type?: Address['type']): Address => ({
    city: a.city, country: a.province !== undefined && CANADIAN_PROVINCES.has(a.province.toUpperCase()) ? 'CA' : undefined,
    line: a.line ? [a.line] : undefined, postalCode: a.postal, state: a.province, type, use: 'home',
  });
  const point = (system: ContactPoint['system'], value: string | undefined, use?: ContactPoint['use']): ContactPoint | undefined =>
    (value ? { system, use, value } : undefined);

  const identifiers: (Identifier | undefined)[] = [];
  const jhnSystem = hcnSystemFor(f.hcType);
  const end = f.hcEffective && f.hcRenew && f.hcRenew < f.hcEffective ? undefined : f.hcRenew;
  if (f.hin && jhnSystem) {
    identifiers.push({
      extension: f.ver ? [{ url: IDENTIFIER_VERSION_EXTENSION, valueString: f.ver }] : undefined,
      period: { end, start: f.hcEffective }, system: jhnSystem, type: coding('JHN', 'Jurisdictional health number (Canada)'), value: f.hin,
    });
  } else if (f.hin) {
    identifiers.push({ assigner: f.hcType ? { display: f.hcType } : undefined, period: { end, start: f.hcEffective }, system: localSystem(cfg, 'healthCard'), value: f.hin });
  }
  if (f.demographicNo !== undefined) {
    identifiers.push({ system: localSystem(cfg, 'demographicNo'), type: coding('MR', 'Medical record number'), use: 'usual', value: String(f.demographicNo) });
  }
  if (f.chartNo) identifiers.push({ system: localSystem(cfg, 'chartNo'), type: coding('MR', 'Medical record number'), value: f.chartNo });
  const official = namePartsOf(f.lastName, f.firstName, f.middleNames);
  const names: HumanName[] = [{ family: official.family, given: official.given, prefix: f.title ? [f.title] : undefined, use: 'official' }];
  if (f.alias) names.push({ text: f.alias, use: 'nickname' });
  const addresses: Address[] = [];
  if (has(f.mailing)) addresses.push(address(f.mailing));
  if (has(f.residential) && !(has(f.mailing) && same(f.mailing, f.residential))) addresses.push(address(f.residential, 'physical'));
  const language = f.officialLanguage ? Object.entries(OFFICIAL_LANGUAGES).find(([name]) => name.toLowerCase() === f.officialLanguage!.toLowerCase())?.[1] : undefined;
  const gp = practitionerRef(f.providerNo, f.providerDisplay);
  return withoutEmpty<Patient>({
    resourceType: 'Patient',
    id: f.demographicNo !== undefined ? String(f.demographicNo) : undefined,
    meta: { lastUpdated: f.lastUpdated, profile: [CA_BASELINE_PROFILES.Patient] },
    active: f.patientStatus !== undefined ? f.patientStatus === ACTIVE_STATUS : undefined,
    address: addresses,
    birthDate: birthDateOf(f.dobYear, f.dobMonth, f.dobDay),
    communication: language ? [{ language: { coding: [{ code: language.code, display: language.display, system: SYSTEMS.bcp47 }], text: language.display }, preferred: true }] : undefined,
    deceasedBoolean: f.patientStatus === DECEASED_STATUS ? true : undefined,
    gender: f.sex ? (SEX_TO_GENDER[f.sex.toUpperCase()] ?? 'unknown') : undefined,
    generalPractitioner: gp && gp.reference ? [gp] : undefined,
    identifier: identifiers.filter((i): i is Identifier => !!i),
    name: names,
    telecom: [point('phone', f.homePhone, 'home'), point('phone', f.workPhone, 'work'), point('phone', f.cellPhone, 'mobile'), point('email', f.email)]
      .filter((c): c is ContactPoint => !!c),
  });
}

/** A small deterministic generator (mulberry32), so that a failure can be replayed. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Blank in every way trim() knows (a no-break space and a line separator among them), text that
// starts with white space, non-ASCII text, and each field's usual values.
const BLANKS = [undefined, undefined, '', ' ', '\t\n', '\u00a0', '\u2028'];
const TEXTS = ['x', ' x ', 'Åström', 'NGUYỄN', 'O\'BRIEN', '\u00a0y'];
const FIELDS: Record<string, readonly (string | undefined)[]> = {
  hcType: ['ON', 'qc', 'OT', 'NF', 'XX', ' on'],
  hcEffective: ['2020-01-01', '2019-06-30'],
  hcRenew: ['2020-01-01', '2018-12-31', '2026-01-17'],
  patientStatus: [ACTIVE_STATUS, DECEASED_STATUS, 'IN', 'MO'],
  sex: ['M', 'f', 'X', 'U', 'Q'],
  dobYear: ['1980', '0980', '19a0'],
  dobMonth: ['1', '02', '13', 'x'],
  dobDay: ['7', '29', '31', '00'],
  province: ['ON', 'qc', 'NY', ' BC'],
  officialLanguage: ['English', 'FRENCH', 'Spanish'],
  providerNo: ['999998', '-1', ' 12 '],
  lastUpdated: ['2024-03-08T10:00:00-05:00'],
};
const STRING_FIELDS = [
  'chartNo', 'hin', 'ver', 'hcType', 'hcEffective', 'hcRenew', 'patientStatus', 'lastName', 'firstName', 'middleNames', 'title', 'alias', 'sex',
  'dobYear', 'dobMonth', 'dobDay', 'homePhone', 'workPhone', 'cellPhone', 'email', 'officialLanguage', 'providerNo', 'providerDisplay', 'lastUpdated',
] as const;

function someFacts(next: () => number): DemographicFacts {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const value = (field: string): string | undefined => {
    const r = next();
    return r < 0.3 ? pick(BLANKS) : r < 0.45 || !FIELDS[field] ? pick(TEXTS) : pick(FIELDS[field]!);
  };
  const address = (): AddressFacts => ({ line: value('line'), city: value('city'), province: value('province'), postal: value('postal') });
  const f: DemographicFacts = { mailing: address() };
  if (next() < 0.8) f.residential = next() < 0.3 ? { ...f.mailing } : address();
  if (next() < 0.9) f.demographicNo = Math.floor(next() * 3000);
  for (const k of STRING_FIELDS) f[k] = value(k);
  if (next() < 0.2) f.middleNames = pick(['A  B', ' A', 'A\tB ']);
  return f;
}

describe('buildPatient without withoutEmpty', () => {
  const cfg = defaultMappingConfig({ localSystemBase: 'https://emr.example.org/oscar/fhir-ids/' });

  it('makes the Patient the free-form object pruned by withoutEmpty made, member order included', () => {
    const next = random(20261207);
    for (let i = 0; i < 5000; i++) {
      const f = someFacts(next);
      const p = buildPatient(f, cfg);
      const expected = patientAsPruned(f, cfg);
      assert.deepEqual(p, expected, JSON.stringify(f));
      assert.equal(JSON.stringify(p), JSON.stringify(expected), JSON.stringify(f));
    }
  });

  it('keeps the parts a blank value leaves behind, as pruning did', () => {
    const p = buildPatient({
      demographicNo: 7, hin: ' ', ver: ' ', hcType: 'ON', chartNo: '\t', alias: '\u00a0', homePhone: ' ', email: ' ', mailing: { line: ' ' },
    }, cfg);
    assert.deepEqual(p.identifier?.map((i) => Object.keys(i)), [['extension', 'system', 'type'], ['system', 'type', 'use', 'value'], ['system', 'type']]);
    assert.deepEqual(p.identifier?.[0]?.extension, [{ url: IDENTIFIER_VERSION_EXTENSION }]);
    assert.deepEqual(p.name, [{ use: 'official' }, { use: 'nickname' }]);
    assert.deepEqual(p.telecom, [{ system: 'phone', use: 'home' }, { system: 'email' }]);
    assert.deepEqual(p.address, [{ use: 'home' }]);
  });
});
